/** The run selector and overlaid runs in real Chromium. */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { until } from '../helpers';
import { f64, harnessPerTest, inkedPixels, resultsDir, RUN, type Harness } from './harness';

const steps = Array.from({ length: 50 }, (_, i) => i + 1);
const runs = [
  { id: '/w/runs/b', label: 'train.py 09:30', state: 'running', shown: true, overlaid: false },
  { id: '/w/runs/a', label: 'train.py 08:12', state: 'finished', shown: false, overlaid: true },
  { id: '/w/runs/old', label: 'train.py 2026-11-20 17:00', state: 'past', shown: false, overlaid: false },
];
const series = (key: string, source: string, y: (s: number) => number) => ({ key, name: 'loss', source, xKind: 'step', x: f64(steps), y: f64(steps.map(y)) });

describe('Run selector (real Chromium)', () => {
  const harness = harnessPerTest('runs');
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });

  it("lists the runs, posts a choice, and draws an overlaid run's series as lines of their own", async () => {
    await h.send({
      type: 'snapshot',
      run: RUN,
      runs,
      batch: {
        series: [series('stdout.log:loss', 'stdout.log', (s) => 1 / s), series('run0\u0000stdout.log:loss', 'train.py 08:12 · stdout.log', (s) => 2 / s)],
        logs: [],
        events: [],
      },
    });
    await h.page.waitForTimeout(150);
    assert.equal(await h.page.isVisible('.run-picker'), true);
    const options = await h.page.$$eval('#run option', (els) =>
      els.map((e) => [(e as HTMLOptionElement).value, e.textContent, (e as HTMLOptionElement).selected]),
    );
    assert.deepEqual(options, [
      ['/w/runs/b', 'train.py 09:30 — running', true],
      ['/w/runs/a', 'train.py 08:12 — finished', false],
      ['/w/runs/old', 'train.py 2026-11-20 17:00 — ended', false],
    ]);
    assert.deepEqual(
      await h.page.$$eval('#compare option', (els) => els.map((e) => e.textContent)),
      ['Compare with…', 'train.py 2026-11-20 17:00 — ended'],
      'only runs not shown or overlaid',
    );
    assert.deepEqual(await h.page.$$eval('.overlay-chip', (els) => els.map((e) => e.textContent)), ['train.py 08:12 ×']);
    const legend = await h.page.$$eval('.chart .u-legend .u-series:not(.raw) .u-label', (els) => els.map((e) => e.textContent));
    assert.deepEqual(legend, ['step', 'loss · stdout.log', 'loss · train.py 08:12 · stdout.log']);
    assert.ok((await inkedPixels(h.page, '.chart canvas', [0xd1, 0x86, 0x16])) > 100, 'the overlaid run is drawn in the second colour');
    await h.page.screenshot({ path: path.join(resultsDir, 'runs-overlay.png') });

    await h.page.selectOption('#compare', '/w/runs/old');
    await h.page.click('.overlay-chip');
    await h.page.selectOption('#run', '/w/runs/a');
    const posted = await until(
      async () => {
        const p = (await h.posted()).filter((m) => m.type !== 'ready');
        return p.length === 3 && p;
      },
      3000,
      'three choices posted',
    );
    assert.deepEqual(posted, [
      { type: 'overlay', id: '/w/runs/old', on: true },
      { type: 'overlay', id: '/w/runs/a', on: false },
      { type: 'showRun', id: '/w/runs/a' },
    ]);
  });

  it('hides the selector while there is one run and nothing to compare', async () => {
    await h.send({ type: 'snapshot', run: RUN, runs: [runs[0]], batch: { series: [], logs: [], events: [] } });
    await h.page.waitForTimeout(100);
    assert.equal(await h.page.isVisible('.run-picker'), false);
    await h.send({ type: 'runs', runs });
    await h.page.waitForTimeout(100);
    assert.equal(await h.page.isVisible('.run-picker'), true, 'a run list update shows it');
  });
});
