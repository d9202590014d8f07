/** Axis labels on small and huge values, in real Chromium. */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { f64, harnessPerTest, resultsDir, type Harness } from './harness';

const RUN = { name: 'train.py', state: 'failed', command: 'python3 -u train.py', canStop: false };
const steps = Array.from({ length: 100 }, (_, i) => (i + 1) * 10);
const series = (name: string, y: number[]) => ({ key: `stdout.log:${name}`, name, source: 'stdout.log', xKind: 'step', x: f64(steps), y: f64(y) });
const frame = (h: Harness) => h.page.waitForTimeout(150);
const ticks = (h: Harness, chart: string) => h.page.getAttribute(`.chart[data-metric="${chart}"]`, 'data-y-ticks').then((t) => (t ? t.split(' ') : []));

/** Painted pixels of a chart's canvas left of its plot area: the y axis' tick labels. */
function yAxisInk(h: Harness, chart: string): Promise<number> {
  return h.page.evaluate((sel) => {
    const canvas = document.querySelector<HTMLCanvasElement>(`${sel} canvas`)!;
    const over = document.querySelector<HTMLElement>(`${sel} .u-over`)!;
    const ratio = canvas.width / canvas.clientWidth;
    const left = Math.floor((over.getBoundingClientRect().left - canvas.getBoundingClientRect().left) * ratio) - 2;
    const d = canvas.getContext('2d')!.getImageData(0, 0, left, canvas.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 100) n++;
    return n;
  }, `.chart[data-metric="${chart}"]`);
}

describe('Tick labels (real Chromium)', () => {
  const harness = harnessPerTest('ticks');
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });

  it('labels a learning rate and an exploding gradient norm compactly, each tick apart', async () => {
    const lr = steps.map((s) => 5e-5 * (1 - s / 1000));
    const norm = steps.map((s) => 10 ** ((63 * s) / 1000)); // 1 → 1e63
    await h.send({ type: 'snapshot', run: RUN, batch: { series: [series('learning_rate', lr), series('grad_norm', norm)], logs: [], events: [] } });
    await frame(h);
    const lrTicks = await ticks(h, 'learning rate');
    assert.ok(lrTicks.length >= 3, `${lrTicks}`);
    assert.equal(new Set(lrTicks).size, lrTicks.length, `told apart: ${lrTicks}`);
    for (const t of lrTicks) assert.match(t, /^(0|\d(\.\d+)?e-\d+)$/, `compact: ${lrTicks}`);
    const normTicks = await ticks(h, 'gradient norm');
    assert.ok(normTicks.length >= 3, `the huge axis has labels: ${normTicks}`);
    assert.equal(new Set(normTicks).size, normTicks.length);
    for (const t of normTicks) assert.match(t, /^(0|\d(\.\d+)?e\+6[0-3])$/, `compact: ${normTicks}`);
    assert.ok((await yAxisInk(h, 'gradient norm')) > 100, 'and they are drawn');
    assert.ok((await yAxisInk(h, 'learning rate')) > 100);
    // the legend reads the value under the cursor, not 0
    const box = (await h.page.locator('.chart[data-metric="learning rate"] .u-over').boundingBox())!;
    await h.page.mouse.move(box.x + 2, box.y + box.height / 2);
    await h.page.waitForTimeout(50);
    const value = await h.page.$$eval('.chart[data-metric="learning rate"] .u-legend .u-series:not(.raw) .u-value', (els) => els[1].textContent);
    assert.match(value ?? '', /^4\.\d+e-5$/);
    await h.page.screenshot({ path: path.join(resultsDir, 'ticks.png') });
  });
});
