/** Sections by prefix, a summary table for single values, one chart for a metric by step and by epoch (real Chromium). */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { until } from '../helpers';
import { f64, harnessPerTest, resultsDir, RUN, type Harness } from './harness';

const steps = Array.from({ length: 100 }, (_, i) => (i + 1) * 10);
const line = (name: string, x: number[], y: (s: number) => number, xKind = 'step', source = 'stdout.log') => ({
  key: `${source}:${name}`,
  name,
  source,
  xKind,
  x: f64(x),
  y: f64(x.map(y)),
});
const snapshot = (series: unknown[]) => ({ type: 'snapshot', run: RUN, batch: { series, logs: [], events: [] } });
const frame = (h: Harness) => h.page.waitForTimeout(150);
const visibleTitles = (h: Harness) =>
  h.page.$$eval('.chart', (els) => els.filter((e) => (e as HTMLElement).offsetParent !== null).map((e) => e.querySelector('h3')!.textContent));

describe('Sections and summary (real Chromium)', () => {
  const harness = harnessPerTest('sections');
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });

  it('groups charts into collapsible sections by prefix, in an order that survives a reload', async () => {
    const names = ['train/tokens_per_sec', 'loss', 'val/perplexity', 'eval_rouge', 'gpu0/power.draw [W]', 'eval_bleu', 'train/grad_scale'];
    const all = names.map((n, i) => line(n, steps, (s) => i + Math.sin(s)));
    await h.send(snapshot(all));
    await frame(h);
    const toggles = () => h.page.$$eval('.section-toggle', (els) => els.map((e) => `${e.textContent} ${e.getAttribute('aria-expanded')}`));
    assert.deepEqual(await toggles(), ['Metrics (1) true', 'eval (2) true', 'gpu (1) true', 'train (2) true', 'val (1) true']);
    const order = await visibleTitles(h);
    assert.deepEqual(order, ['loss', 'eval_bleu', 'eval_rouge', 'gpu0/power.draw [W]', 'train/grad_scale', 'train/tokens_per_sec', 'val/perplexity']);
    await h.page.click('.section-toggle >> text=train (2)');
    await frame(h);
    assert.deepEqual(await visibleTitles(h), ['loss', 'eval_bleu', 'eval_rouge', 'gpu0/power.draw [W]', 'val/perplexity']);
    assert.equal(await h.page.getAttribute('.section-toggle >> text=train (2)', 'aria-expanded'), 'false');
    await until(async () => JSON.stringify(((await h.state()) as { collapsed?: string[] }).collapsed) === '["train"]', 3000, 'kept');

    await h.reload();
    await h.send(snapshot([...all].reverse()));
    await frame(h);
    assert.deepEqual(await visibleTitles(h), ['loss', 'eval_bleu', 'eval_rouge', 'gpu0/power.draw [W]', 'val/perplexity'], 'same order, still collapsed');
    await h.page.click('.section-toggle >> text=train (2)');
    await frame(h);
    assert.deepEqual(await visibleTitles(h), order);
    assert.ok((await h.page.locator('.chart[data-metric="train/grad_scale"] canvas').count()) > 0, 'drawn once shown');
  });

  it('puts single and constant values in a table, and a metric gets its chart once it changes', async () => {
    await h.send(
      snapshot([
        line('loss', steps, (s) => 1 / s),
        line('train_runtime', [1000], () => 3605.2),
        line('eval_samples_per_second', [1000], () => 41.7),
        line('warmup_ratio', steps, () => 0.1),
      ]),
    );
    await frame(h);
    assert.deepEqual(await visibleTitles(h), ['loss']);
    const rows = await h.page.$$eval('table.summary tbody tr', (els) => els.map((e) => Array.from(e.children, (c) => c.textContent).join(' | ')));
    assert.deepEqual(rows, [
      'eval_samples_per_second | 41.7 | step 1000 | stdout.log',
      'train_runtime | 3605.2 | step 1000 | stdout.log',
      'warmup_ratio | 0.1 | 100 points | stdout.log',
    ]);
    await h.page.setViewportSize({ width: 700, height: 500 });
    await h.page.screenshot({ path: path.join(resultsDir, 'sections-summary.png') });
    await h.send({ type: 'batch', batch: { series: [line('warmup_ratio', [1010], () => 0.05)], logs: [], events: [] } });
    await frame(h);
    assert.deepEqual(await visibleTitles(h), ['loss', 'warmup_ratio']);
    assert.equal(await h.page.locator('table.summary tbody tr').count(), 2);
  });

  it('draws a metric by step and by epoch as one chart, placing epochs at their steps; says so when it cannot', async () => {
    const byStep = line('loss', steps, (s) => 1 / s + 0.5);
    const byEpoch = line('val_loss', [1, 2, 3, 4], (e) => 0.9 - e / 10, 'epoch', 'metrics.csv');
    // a trainer's records carry the epoch at each step: 250 steps an epoch
    const epochs = line('epoch', steps, (s) => s / 250);
    await h.send(snapshot([byEpoch, byStep, epochs]));
    await frame(h);
    assert.deepEqual(await visibleTitles(h), ['loss'], 'never "loss" and "loss (by epoch)" side by side');
    const box = (await h.page.locator('.chart[data-metric="loss"] .u-over').boundingBox())!;
    await h.page.mouse.move(box.x + box.width * ((500 - 10) / 990), box.y + box.height / 2);
    await frame(h);
    const tip = await h.page.$$eval('.chart-tooltip .tt-row', (els) =>
      els.map((e) => `${e.querySelector('.tt-label')!.textContent} ${e.querySelector('.tt-value')!.textContent}`),
    );
    assert.ok(tip.includes('val_loss 0.7'), `epoch 2 at step 500: ${tip.join(', ')}`);
    assert.equal(await h.page.isVisible('.epoch-note'), false);

    await h.send(snapshot([byEpoch, byStep]));
    await frame(h);
    assert.deepEqual(await visibleTitles(h), ['loss', 'loss (by epoch)']);
    assert.equal(await h.page.isVisible('.chart[data-metric="loss"][data-x="epoch"] .epoch-note'), true, 'no mapping: said so');
  });
});
