/** Lines switched off in a legend: per chart and run, visible as such, all shown again in one click (real Chromium). */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { until } from '../helpers';
import { f64, harnessPerTest, inkedPixels, resultsDir, RUN, type Harness } from './harness';

const NAN_RUN = { name: 'nan.py', state: 'failed', command: 'python3 -u nan.py', canStop: false };
const ORANGE: [number, number, number] = [0xd1, 0x86, 0x16];
const steps = Array.from({ length: 50 }, (_, i) => i + 1);
const series = (name: string, source: string, y: (s: number) => number) => ({
  key: `${source}:${name}`,
  name,
  source,
  xKind: 'step',
  x: f64(steps),
  y: f64(steps.map(y)),
});
const lines = [series('loss', 'stdout.log', (s) => 1 / s), series('val_loss', 'metrics.csv', (s) => 1.2 / s + 0.1)];
const snapshot = (run = RUN) => ({ type: 'snapshot', run, batch: { series: lines, logs: [], events: [] } });
const frame = (h: Harness) => h.page.waitForTimeout(120);
const off = (h: Harness) => h.page.$$eval('.chart .u-legend .u-series.u-off:not(.raw) .u-label', (els) => els.map((e) => e.textContent));
const orange = (h: Harness) => inkedPixels(h.page, '.chart canvas', ORANGE);

describe('Hidden lines (real Chromium)', () => {
  const harness = harnessPerTest('hidden');
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });

  it('keeps a hidden line to its chart and run, strikes it through, and shows all again in one click', async () => {
    await h.send(snapshot());
    await frame(h);
    const showAll = h.page.locator('.chart .show-all');
    assert.equal(await showAll.isVisible(), false, 'nothing hidden, no control');
    assert.ok((await orange(h)) > 100);
    await h.page.click('.chart .u-legend .u-series:not(.raw) >> text=val_loss');
    await frame(h);
    assert.deepEqual(await off(h), ['val_loss']);
    assert.equal(await orange(h), 0, 'the line is not drawn');
    const decoration = await h.page.$eval('.chart .u-legend .u-series.u-off .u-label', (e) => getComputedStyle(e).textDecorationLine);
    assert.equal(decoration, 'line-through', 'its legend entry is struck through');
    assert.equal(await showAll.textContent(), 'Show all (1 hidden)');
    await h.page.screenshot({ path: path.join(resultsDir, 'hidden-struck.png') });

    // another run (a NaN run) shows its lines: what was hidden belongs to the first run
    await h.send(snapshot(NAN_RUN));
    await frame(h);
    assert.deepEqual(await off(h), []);
    assert.ok((await orange(h)) > 100, 'the other run draws its val_loss');
    assert.equal(await showAll.isVisible(), false);
    await h.send(snapshot());
    await frame(h);
    assert.deepEqual(await off(h), ['val_loss'], 'back to the first run, its choice is back');
    await h.reload();
    await h.send(snapshot());
    await frame(h);
    assert.deepEqual(await off(h), ['val_loss'], 'and after a reload');
    assert.equal(await orange(h), 0);

    await showAll.click();
    await frame(h);
    assert.deepEqual(await off(h), []);
    assert.ok((await orange(h)) > 100, 'one click draws every line again');
    assert.equal(await showAll.isVisible(), false);
    const state = await until(async () => {
      const s = (await h.state()) as { view: object; runs: Record<string, { hidden?: Record<string, string[]> }> };
      return !s.runs['train.py\npython3 -u train.py'].hidden?.loss?.length && s;
    });
    assert.equal('hidden' in state.view, false, 'nothing hidden is kept for every run');
  });
});
