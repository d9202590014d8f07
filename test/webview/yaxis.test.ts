/** Per-chart y axis: ignore outliers, include zero, pinned range (real Chromium). */
import { strict as assert } from 'node:assert';
import { until } from '../helpers';
import { harnessPerTest, RUN, stepSeries, type Harness } from './harness';

const steps = Array.from({ length: 100 }, (_, i) => i + 1);
const series = (name: string, y: (s: number) => number) => stepSeries(steps, name, y);
const snapshot = () => ({
  type: 'snapshot',
  run: RUN,
  batch: { series: [series('grad_norm', (s) => (s === 30 ? 1000 : 1 + 0.1 * Math.sin(s))), series('loss', (s) => 5 + 1 / s)], logs: [], events: [] },
});
const frame = (h: Harness) => h.page.waitForTimeout(150);
const num = (t: string) => {
  const m = /^(-?[\d.]+(?:e[+-]?\d+)?)([kMG]?)$/.exec(t);
  return m ? Number(m[1]) * { '': 1, k: 1e3, M: 1e6, G: 1e9 }[m[2] as '' | 'k' | 'M' | 'G'] : NaN;
};
const ticks = async (h: Harness, chart: string) => ((await h.page.getAttribute(`.chart[data-metric="${chart}"]`, 'data-y-ticks')) ?? '').split(' ').map(num);
/** Painted pixels in the top `rows` CSS pixels of a chart's plot, around fraction `fx` across. */
const topInk = (h: Harness, chart: string, fx: number, rows: number) =>
  h.page.evaluate(
    ([sel, f, r]) => {
      const canvas = document.querySelector<HTMLCanvasElement>(`${sel} canvas`)!;
      const over = document.querySelector<HTMLElement>(`${sel} .u-over`)!.getBoundingClientRect();
      const c = canvas.getBoundingClientRect();
      const k = canvas.width / c.width;
      const x = Math.round((over.left - c.left + over.width * (f as number) - 4) * k);
      const d = canvas.getContext('2d')!.getImageData(x, Math.round((over.top - c.top) * k), Math.round(8 * k), Math.round((r as number) * k)).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && d[i + 2] > 200 && d[i] < 120) n++; // the line's blue
      return n;
    },
    [`.chart[data-metric="${chart}"]`, fx, rows] as const,
  );

describe('Y axis per chart (real Chromium)', () => {
  const harness = harnessPerTest('yaxis');
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });

  it('ignores outliers (drawn at the edge), includes zero, or pins a range; kept after a reload', async () => {
    await h.send(snapshot());
    await frame(h);
    const norm = '.chart[data-metric="gradient norm"]';
    assert.ok(Math.max(...(await ticks(h, 'gradient norm'))) >= 500, 'auto: the spike sets the range');

    await h.page.selectOption(`${norm} .y-mode`, 'outliers');
    await frame(h);
    const robust = await ticks(h, 'gradient norm');
    assert.ok(Math.max(...robust) < 2 && Math.min(...robust) > 0.5, `the range of the other points (${robust.join(' ')})`);
    assert.ok((await topInk(h, 'gradient norm', 29 / 99, 4)) > 0, 'the outlier drawn at the top edge');
    assert.equal(await topInk(h, 'gradient norm', 60 / 99, 4), 0, 'where there is none, nothing up there');
    assert.ok(Math.max(...(await ticks(h, 'loss'))) < 10, 'another chart keeps its own axis');

    assert.ok(Math.min(...(await ticks(h, 'loss'))) > 4, 'loss: auto, far from zero');
    await h.page.selectOption('.chart[data-metric="loss"] .y-mode', 'zero');
    await frame(h);
    assert.equal(Math.min(...(await ticks(h, 'loss'))), 0, 'zero included');

    await h.page.selectOption(`${norm} .y-mode`, 'pinned');
    await h.page.fill(`${norm} .y-min`, '0');
    await h.page.fill(`${norm} .y-max`, '2');
    await h.page.press(`${norm} .y-max`, 'Enter');
    await h.page.locator(`${norm} .y-max`).blur();
    await frame(h);
    const pinned = await ticks(h, 'gradient norm');
    assert.ok(Math.min(...pinned) >= 0 && Math.max(...pinned) <= 2, `pinned to [0, 2] (${pinned.join(' ')})`);

    await until(async () => ((await h.state()) as { yAxes?: Record<string, { mode: string }> }).yAxes?.grad_norm?.mode === 'pinned', 3000, 'kept');
    await h.reload();
    await h.send(snapshot());
    await frame(h);
    assert.equal(await h.page.inputValue(`${norm} .y-mode`), 'pinned');
    assert.equal(await h.page.inputValue(`${norm} .y-max`), '2');
    assert.equal(await h.page.inputValue('.chart[data-metric="loss"] .y-mode'), 'zero');
    const again = await ticks(h, 'gradient norm');
    assert.ok(Math.max(...again) <= 2);
  });
});
