/** Display resolution in real Chromium: the band of a decimated snapshot, zoom windows from the host, synced zoom, log x. */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { atResolution } from '../../src/core/decimate';
import type { SeriesDelta } from '../../src/core/protocol/batch';
import { until } from '../helpers';
import { dragAcross, harnessPerTest, inkedPixels, legendValuesAt, resultsDir, RUN, type Harness } from './harness';

const BLUE: [number, number, number] = [0x37, 0x94, 0xff];
const range = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

/** A delta as the page receives it (typed arrays marked for the harness; NaN times left out). */
function wire(d: Pick<SeriesDelta, 'key' | 'name' | 'source' | 'xKind' | 'x' | 'y' | 'lo' | 'hi'>) {
  const f = (a: Float64Array | undefined) => a && { f64: [...a] };
  return { key: d.key, name: d.name, source: d.source, xKind: d.xKind, x: f(d.x), y: f(d.y), lo: f(d.lo), hi: f(d.hi) };
}

function raw(name: string, x: number[], y: number[], xKind: SeriesDelta['xKind'] = 'step') {
  return {
    key: `stdout.log:${name}`,
    name,
    source: 'stdout.log',
    xKind,
    x: Float64Array.from(x),
    y: Float64Array.from(y),
    wall: new Float64Array(x.length).fill(NaN),
  };
}

const snapshot = (list: unknown[]) => ({ type: 'snapshot', run: RUN, batch: { series: list, logs: [], events: [] } });
const frame = (h: Harness) => h.page.waitForTimeout(120);

type WindowRequest = { type: 'window'; id: number; keys: string[]; x0: number; x1: number; buckets: number; axis: string };
const windowRequests = async (h: Harness) => ((await h.posted()) as WindowRequest[]).filter((m) => m.type === 'window');

describe('Display resolution and zoom (real Chromium)', () => {
  const harness = harnessPerTest('zoom');
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });

  // 100k noisy steps with one spike: what a long run's snapshot looks like after decimation
  const N = 100_000;
  const long = raw(
    'loss',
    range(N, (i) => i),
    range(N, (i) => (i === 61_234 ? 40 : 1 + Math.sin(i) * 0.1)),
  );

  it("draws a decimated series' min/max band, faint, with one legend row", async () => {
    const decimated = atResolution(long, 2048);
    assert.ok(decimated.x.length <= 8192 && decimated.lo, 'the core decimated it');
    // M4's line reaches each bucket's extremes, so at 2048 columns it hides its own band, which is
    // then not drawn: the band shows where a point stands for more than the line draws, as here
    const steps = range(200, (i) => i);
    const line = raw(
      'loss',
      steps,
      steps.map(() => 1),
    );
    await h.send(snapshot([wire(line)]));
    await frame(h);
    const bandPixels = () => inkedPixels(h.page, '.chart canvas', BLUE, [30, 70]);
    const without = await bandPixels();
    await h.send(snapshot([wire({ ...line, lo: new Float64Array(200).fill(0), hi: new Float64Array(200).fill(2) })]));
    await frame(h);
    const withBand = await bandPixels();
    assert.ok(withBand > without + 5000, `the band fills at 20% opacity (${without} → ${withBand} faint pixels)`);
    const rows = await h.page.$$eval('.chart .u-legend .u-series:not(.raw) .u-label', (els) => els.map((e) => e.textContent));
    assert.deepEqual(rows, ['step', 'loss'], "the band's edges stay out of the legend");
    await h.page.screenshot({ path: path.join(resultsDir, 'zoom-band.png') });
    // beside a second line, which keeps the chart's scale, a line switched off takes its band along
    const other = { ...line, key: 'metrics.csv:val_loss', name: 'val_loss', source: 'metrics.csv' };
    await h.send(snapshot([wire({ ...line, lo: new Float64Array(200).fill(0), hi: new Float64Array(200).fill(2) }), wire(other)]));
    await frame(h);
    assert.ok((await bandPixels()) > without + 5000, 'the band beside a second line');
    await h.page.locator('.chart .u-legend .u-series:not(.raw) .u-label', { hasText: /^loss$/ }).click();
    await frame(h);
    assert.ok((await bandPixels()) < without + 500, 'a line switched off in the legend takes its band with it');
    await h.page.locator('.chart .u-legend .u-series:not(.raw) .u-label', { hasText: /^loss$/ }).click();
    await h.send(snapshot([wire(decimated)]));
    await frame(h);
    const upperHalf = (await h.page.evaluate(`(() => {
      const c = document.querySelector('.chart canvas');
      const d = c.getContext('2d').getImageData(0, 0, c.width, Math.floor(c.height / 2)).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - 0x37) + Math.abs(d[i + 1] - 0x94) + Math.abs(d[i + 2] - 0xff) < 60 && d[i + 3] > 200) n++;
      return n;
    })()`)) as number;
    assert.ok(upperHalf > 30, `the spike of a decimated snapshot is drawn: the line reaches the upper half (${upperHalf} pixels)`);
  });

  it("draws a decimated line's band where its columns show wider than the line: zoomed in, until the window comes", async () => {
    const bands = () => h.page.locator('.chart .u-legend .u-series .u-label', { hasText: '(min)' }).count();
    await h.send(snapshot([wire(atResolution(long, 2048))]));
    await frame(h);
    assert.equal(await bands(), 0, 'at full view the line covers its band: none drawn');
    await dragAcross(h, 'loss', 0.3, 0.35);
    const [req] = await until(async () => (await windowRequests(h)).length === 1 && windowRequests(h), 3000, 'the window request');
    await frame(h);
    assert.equal(await bands(), 1, 'zoomed into held columns several pixels wide: the band is drawn');
    await h.page.screenshot({ path: path.join(resultsDir, 'zoom-held-band.png') });
    const fine = range(2000, (i) => req.x0 + ((req.x1 - req.x0) * i) / 1999);
    await h.send({
      type: 'window',
      id: req.id,
      series: [
        {
          ...wire(
            raw(
              'loss',
              fine,
              fine.map(() => 1),
            ),
          ),
          key: 'stdout.log:loss',
          inRange: 2000,
        },
      ],
    });
    await frame(h);
    assert.equal(await bands(), 0, 'the window at full fidelity has no band');
  });

  it('zooming asks the host for the window at full fidelity, for every chart on that axis, and draws the answer', async () => {
    const steps = range(1000, (i) => i);
    await h.send(
      snapshot([
        wire(
          raw(
            'loss',
            steps,
            steps.map((s) => 1 / (s + 1)),
          ),
        ),
        wire(
          raw(
            'lr',
            steps,
            steps.map(() => 0.001),
          ),
        ),
        wire(raw('acc', [0, 1, 2], [0.5, 0.6, 0.7], 'epoch')),
      ]),
    );
    await frame(h);
    await dragAcross(h, 'loss', 0.2, 0.4);
    await until(async () => (await windowRequests(h)).length >= 2, 3000, 'a window request per chart on the step axis');
    assert.equal((await windowRequests(h)).length, 2, JSON.stringify(await windowRequests(h)));
    const [loss, lr] = await windowRequests(h);
    assert.deepEqual([loss.keys, lr.keys], [['stdout.log:loss'], ['stdout.log:lr']]);
    assert.equal(loss.axis, 'x');
    assert.ok(loss.x0 > 150 && loss.x0 < 250 && loss.x1 > 350 && loss.x1 < 450, `steps ~200–400 (${loss.x0}–${loss.x1})`);
    assert.deepEqual([lr.x0, lr.x1], [loss.x0, loss.x1], 'the lr chart zoomed with it');
    assert.ok(loss.buckets >= 300 && loss.buckets <= 1000, `a bucket per pixel column (${loss.buckets})`);
    assert.equal(await h.page.isVisible('.chart[data-metric="learning rate"] .follow'), true);
    assert.equal(await h.page.isVisible('.chart[data-metric="acc"] .follow'), false, 'charts by epoch keep their range');

    // the host answers with what the store holds there: here, values the held line does not have
    const fine = range(401, (i) => 200 + i * 0.5);
    const answer = {
      ...wire(
        raw(
          'loss',
          fine,
          fine.map(() => 7),
        ),
      ),
      inRange: 401,
    };
    await h.send({ type: 'window', id: loss.id, series: [{ ...answer, key: 'stdout.log:loss' }] });
    await frame(h);
    const values = await legendValuesAt(h, 'loss', 0.5);
    assert.equal(values[1], '7', "the legend reads the window's points");
    assert.ok(!Number.isInteger(Number(values[0])), `between steps: the window's own x (${values[0]})`);
    await h.send({ type: 'window', id: 9999, series: [{ ...answer, key: 'stdout.log:loss', y: { f64: fine.map(() => 3) } }] });
    await frame(h);
    assert.equal((await legendValuesAt(h, 'loss', 0.5))[1], '7', 'an answer nobody waits for is dropped');

    await h.page.click('.chart[data-metric="loss"] .follow');
    await frame(h);
    assert.equal(await h.page.locator('.chart .follow:visible').count(), 0, 'Follow resumes every chart of the axis');
    assert.equal(Number((await legendValuesAt(h, 'loss', 0.999))[0]), 999, 'back to the held points, to the live edge');
  });

  it('zooms a relative-time chart by wall-clock seconds', async () => {
    const t0 = 1_795_000_000;
    const steps = range(100, (i) => i);
    const d = {
      ...wire(
        raw(
          'loss',
          steps,
          steps.map((s) => 1 / (s + 1)),
        ),
      ),
      wall: { f64: steps.map((s) => t0 + s * 10) },
    };
    await h.send(snapshot([d]));
    await frame(h);
    await h.page.selectOption('#x-mode', 'relative');
    await frame(h);
    await dragAcross(h, 'loss', 0.5, 0.7);
    const [req] = await (async () => {
      await until(async () => (await windowRequests(h)).length === 1, 3000, 'one request');
      return windowRequests(h);
    })();
    assert.equal(req.axis, 'wall');
    assert.ok(req.x0 > t0 + 400 && req.x1 < t0 + 800, `absolute seconds (${req.x0 - t0}–${req.x1 - t0} after the start)`);
  });

  it('draws steps on a log scale, leaving step 0 out', async () => {
    const steps = range(1001, (i) => i);
    await h.send(
      snapshot([
        wire(
          raw(
            'loss',
            steps,
            steps.map((s) => 1 / (s + 1)),
          ),
        ),
      ]),
    );
    await frame(h);
    const linearMid = Number((await legendValuesAt(h, 'loss', 0.5))[0]);
    await h.page.check('#log-x');
    await frame(h);
    const logMid = Number((await legendValuesAt(h, 'loss', 0.5))[0]);
    assert.ok(linearMid > 400 && linearMid < 600, `linear: mid-chart is step ~500 (${linearMid})`);
    assert.ok(logMid > 20 && logMid < 50, `log: mid-chart is step ~√1000 (${logMid})`);
    assert.ok((await legendValuesAt(h, 'loss', 0.001))[0] !== '0', 'step 0 is not on a log axis');
  });
});
