/** Smoothing applies to dense series only: not to a handful of evaluation points, not to counters (real Chromium). */
import { strict as assert } from 'node:assert';
import { f64, harnessPerTest, RUN, type Harness } from './harness';

const steps = Array.from({ length: 100 }, (_, i) => (i + 1) * 10);
const evalSteps = [200, 400, 600, 800, 1000];
const line = (name: string, x: number[], y: (s: number, i: number) => number) => ({
  key: `stdout.log:${name}`,
  name,
  source: 'stdout.log',
  xKind: 'step',
  x: f64(x),
  y: f64(x.map(y)),
});
const frame = (h: Harness) => h.page.waitForTimeout(150);
const rawRows = (h: Harness, chart: string) =>
  h.page.$$eval(`.chart[data-metric="${chart}"] .u-legend .u-series.raw .u-label`, (els) => els.map((e) => e.textContent));

describe('Smoothing (real Chromium)', () => {
  const harness = harnessPerTest('smoothing');
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });

  it('smooths the dense training loss, not five evaluation points nor a counter', async () => {
    const series = [
      line('loss', steps, (s, i) => 100 / s + (i % 2 ? 0.3 : -0.3)),
      line('eval_loss', evalSteps, (s) => 100 / s + 1),
      line('samples_seen', steps, (s) => s * 32),
    ];
    await h.send({ type: 'snapshot', run: RUN, batch: { series, logs: [], events: [] } });
    await frame(h);
    await h.page.fill('#smoothing', '0.9');
    await frame(h);
    assert.deepEqual(await rawRows(h, 'loss'), ['loss (raw)'], 'only the dense line gets a smoothed line over its raw one');
    assert.deepEqual(await rawRows(h, 'samples_seen'), [], 'a counter is drawn as it is');
    // at step 600 the evaluation's value is its own, not an average lagging behind
    const box = (await h.page.locator('.chart[data-metric="loss"] .u-over').boundingBox())!;
    await h.page.mouse.move(box.x + box.width * ((600 - 10) / 990), box.y + box.height / 2);
    await frame(h);
    const rows = await h.page.$$eval('.chart-tooltip .tt-row', (els) =>
      els.map((e) => `${e.querySelector('.tt-label')!.textContent} ${e.querySelector('.tt-value')!.textContent}`),
    );
    assert.ok(
      rows.some((r) => /^eval_loss 1\.16\d*$/.test(r)),
      rows.join(', '),
    );
  });
});
