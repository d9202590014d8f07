/** A series that became NaN or infinite is marked where it did, in real Chromium. */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { harnessPerTest, inkedPixels, resultsDir, type Harness } from './harness';

const RUN = { name: 'train.py', state: 'failed', command: 'python3 -u train.py', canStop: false };
/** grad_norm's colour: each metric keeps its own, loss took the first. */
const ORANGE: [number, number, number] = [0xd1, 0x86, 0x16];
const steps = Array.from({ length: 100 }, (_, i) => i + 1);
const frame = (h: Harness) => h.page.waitForTimeout(150);

/** Blue pixels in a strip of a chart's plot, `fx` ± `halfPx` across and over its upper half. */
function stripInk(h: Harness, chart: string, fx: number, halfPx: number): Promise<number> {
  return h.page.evaluate(
    ([sel, f, half]) => {
      const canvas = document.querySelector<HTMLCanvasElement>(`${sel} canvas`)!;
      const over = document.querySelector<HTMLElement>(`${sel} .u-over`)!.getBoundingClientRect();
      const c = canvas.getBoundingClientRect();
      const r = canvas.width / c.width;
      const x = Math.round((over.left - c.left + over.width * (f as number) - (half as number)) * r);
      const d = canvas
        .getContext('2d')!
        .getImageData(x, Math.round((over.top - c.top) * r), Math.round(2 * (half as number) * r), Math.round((over.height / 2) * r)).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && Math.abs(d[i] - 0x37) + Math.abs(d[i + 1] - 0x94) + Math.abs(d[i + 2] - 0xff) < 60) n++;
      return n;
    },
    [`.chart[data-metric="${chart}"]`, fx, halfPx] as const,
  );
}

describe('NaN and Inf markers (real Chromium)', () => {
  const harness = harnessPerTest('nonfinite');
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });

  it('marks where a series became NaN or infinite, and still draws what came before', async () => {
    // the page receives NaN and ±Infinity as such (structured clone); the harness' JSON carries them as
    // null (NaN), so Infinity is put in the page's arrays there
    const loss = {
      key: 'stdout.log:loss',
      name: 'loss',
      source: 'stdout.log',
      xKind: 'step',
      x: { f64: steps },
      y: { f64: steps.map((s) => (s <= 60 ? 1 / s : null)) },
    };
    const norm = {
      key: 'stdout.log:grad_norm',
      name: 'grad_norm',
      source: 'stdout.log',
      xKind: 'step',
      x: { f64: steps },
      y: { f64: steps.map((s) => s / 100) },
    };
    await h.stage('batch', { series: [loss, norm], logs: [], events: [] });
    await h.page.evaluate(`(() => {
      const y = window.batch.series[1].y;
      for (let i = 50; i < y.length; i++) y[i] = i % 2 ? Infinity : -Infinity;
      window.postMessage({ type: 'snapshot', run: ${JSON.stringify(RUN)}, batch: window.batch }, '*');
    })()`);
    await frame(h);
    assert.equal(await h.page.getAttribute('.chart[data-metric="loss"]', 'data-markers'), 'loss: NaN at step 61');
    assert.equal(await h.page.getAttribute('.chart[data-metric="gradient norm"]', 'data-markers'), 'grad_norm: -Inf at step 51');
    assert.ok((await inkedPixels(h.page, '.chart[data-metric="gradient norm"] canvas', ORANGE)) > 200, 'the finite part of an infinite series is drawn');
    // at step 61 the line has ended near the bottom: what is drawn up there is the marker
    const at61 = await stripInk(h, 'loss', 60 / 99, 4);
    const at90 = await stripInk(h, 'loss', 89 / 99, 4);
    assert.ok(at61 > 20, `a marker at step 61 (${at61} pixels)`);
    assert.equal(at90, 0, 'nothing after it');
    await h.page.screenshot({ path: path.join(resultsDir, 'nonfinite.png') });
  });
});
