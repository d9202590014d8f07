/** Space: values in a tooltip, legends as a row of chips, adjustable heights, narrow and short panels (real Chromium). */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { until } from '../helpers';
import { harnessPerTest, resultsDir, RUN, stepSeries, type Harness } from './harness';

const steps = Array.from({ length: 50 }, (_, i) => i + 1);
const series = (name: string, y: (s: number) => number) => stepSeries(steps, name, y);
const EIGHT = ['loss', 'val_loss', 'accuracy', 'val_accuracy', 'lr', 'grad_norm', 'tokens_per_sec', 'perplexity', 'epoch_time', 'gpu0/utilization.gpu [%]'].map(
  (n, i) => series(n, (s) => (i + 1) * (1 + Math.sin(s / 7))),
);
const snapshot = (s: unknown[]) => ({ type: 'snapshot', run: RUN, batch: { series: s, logs: [], events: [] } });
const frame = (h: Harness) => h.page.waitForTimeout(150);

describe('Dashboard space (real Chromium)', () => {
  const harness = harnessPerTest('layout');
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });

  it('shows the values under the cursor in a tooltip, highest first; the legend is one row of chips', async () => {
    await h.send(snapshot([series('loss', (s) => 1 / s), series('val_loss', (s) => 3 / s), series('train_loss', (s) => 2 / s)]));
    await frame(h);
    assert.equal(await h.page.isVisible('.chart-tooltip'), false);
    const box = (await h.page.locator('.chart[data-metric="loss"] .u-over').boundingBox())!;
    await h.page.mouse.move(box.x + box.width * (9 / 49), box.y + box.height / 2); // step 10
    await frame(h);
    assert.equal(await h.page.isVisible('.chart-tooltip'), true);
    assert.equal(await h.page.textContent('.chart-tooltip .tt-x'), 'step 10');
    const rows = await h.page.$$eval('.chart-tooltip .tt-row', (els) =>
      els.map((e) => `${e.querySelector('.tt-label')!.textContent} ${e.querySelector('.tt-value')!.textContent}`),
    );
    assert.deepEqual(rows, ['val_loss 0.3', 'train_loss 0.2', 'loss 0.1']);
    await h.page.mouse.move(box.x - 40, box.y - 40);
    await frame(h);
    assert.equal(await h.page.isVisible('.chart-tooltip'), false, 'gone when the cursor leaves');

    const legend = h.page.locator('.chart[data-metric="loss"] .u-legend');
    assert.equal((await legend.innerText()).includes('--'), false, 'no value placeholders');
    const tops = await legend.locator('.u-series:visible').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().top)));
    assert.equal(tops.length, 3);
    assert.equal(new Set(tops).size, 1, 'one row');
    assert.ok((await legend.boundingBox())!.height < 26, 'as tall as a line of text');
  });

  it('draws charts at the height chosen, and keeps it', async () => {
    await h.send(snapshot([series('loss', (s) => 1 / s)]));
    await frame(h);
    const plotHeight = () => h.page.$eval('.chart .u-over', (e) => e.getBoundingClientRect().height);
    const medium = await plotHeight();
    await h.page.selectOption('#chart-height', '280');
    await frame(h);
    assert.ok((await plotHeight()) > medium + 80, 'taller');
    await until(async () => ((await h.state()) as { view: { chartHeight: number } }).view.chartHeight === 280);
    await h.reload();
    await h.send(snapshot([series('loss', (s) => 1 / s)]));
    await frame(h);
    assert.equal(await h.page.inputValue('#chart-height'), '280');
  });

  it('fits several charts beside the editor at 500 px, and a whole chart in a short panel', async () => {
    await h.page.setViewportSize({ width: 500, height: 900 });
    await h.send(snapshot(EIGHT));
    await frame(h);
    const whole = () =>
      h.page.$$eval('.chart', (els) => els.filter((e) => e.getBoundingClientRect().bottom <= innerHeight && e.getBoundingClientRect().height > 60).length);
    const n = await whole();
    assert.ok(n >= 3, `${n} whole charts in 900 px`);
    await h.page.screenshot({ path: path.join(resultsDir, 'panel-500px-8-metrics.png') });

    // the panel area at its default height
    await h.page.setViewportSize({ width: 900, height: 250 });
    await frame(h);
    const over = (await h.page.locator('.chart .u-over').first().boundingBox())!;
    assert.ok(over.y + over.height <= 250 && over.height >= 70, `a whole plot shows (${over.y}+${over.height})`);
    await h.page.screenshot({ path: path.join(resultsDir, 'panel-short-250px.png') });
  });
});
