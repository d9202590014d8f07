/** The charts by keyboard: legend chips, zoom and pan keys, Follow, section toggles; each announced (real Chromium). */
import { strict as assert } from 'node:assert';
import { until } from '../helpers';
import { harnessPerTest, RUN, stepSeries, type Harness } from './harness';

const steps = Array.from({ length: 1000 }, (_, i) => i + 1);
const line = (name: string, y: (s: number) => number) => stepSeries(steps, name, y);
const frame = (h: Harness) => h.page.waitForTimeout(150);
type Req = { type: string; x0: number; x1: number };
const windows = async (h: Harness) => ((await h.posted()) as Req[]).filter((m) => m.type === 'window');
const said = (h: Harness) => h.page.textContent('.announce');

describe('Keyboard (real Chromium)', () => {
  const harness = harnessPerTest('keyboard');
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });

  it('toggles legend chips, zooms, pans and follows by key, and opens and closes sections, saying what changed', async () => {
    await h.send({
      type: 'snapshot',
      run: RUN,
      batch: { series: [line('loss', (s) => 1 / s), line('val_loss', (s) => 2 / s), line('eval/bleu', (s) => s / 1000)], logs: [], events: [] },
    });
    await frame(h);
    const chip = h.page.locator('.chart[data-metric="loss"] .u-legend .u-series:not(.raw)', { hasText: 'val_loss' });
    assert.equal(await chip.getAttribute('tabindex'), '0', 'a chip is reachable by Tab');
    assert.equal(await chip.getAttribute('role'), 'button');
    assert.equal(await chip.getAttribute('aria-pressed'), 'true');
    await chip.focus();
    await h.page.keyboard.press('Space');
    await frame(h);
    assert.equal(await chip.getAttribute('aria-pressed'), 'false');
    assert.match((await chip.getAttribute('class')) ?? '', /u-off/, 'the line is off');
    assert.equal(await said(h), 'val_loss hidden');
    await until(async () => JSON.stringify(await h.state()).includes('stdout.log:val_loss'), 3000, 'remembered as a click is');
    await h.page.keyboard.press('Enter');
    assert.equal(await chip.getAttribute('aria-pressed'), 'true');

    const plot = h.page.locator('.chart[data-metric="loss"] .chart-body');
    await plot.focus();
    await h.page.keyboard.press('+');
    const zoomIn = await until(async () => (await windows(h)).at(-1), 3000, 'a zoom');
    assert.ok(zoomIn.x1 - zoomIn.x0 < 600 && zoomIn.x1 - zoomIn.x0 > 400, `half the range (${zoomIn.x0}–${zoomIn.x1})`);
    assert.match((await said(h)) ?? '', /^loss: zoomed to /);
    assert.equal(await h.page.isVisible('.chart[data-metric="loss"] .follow'), true);
    const before = (await windows(h)).length;
    await h.page.keyboard.press('ArrowRight');
    const panned = await until(async () => (await windows(h)).length > before && (await windows(h)).at(-1), 3000, 'a pan');
    assert.ok(panned.x0 > zoomIn.x0 + 50, `panned right (${zoomIn.x0} → ${panned.x0})`);
    await h.page.keyboard.press('0');
    await frame(h);
    assert.equal(await h.page.isVisible('.chart[data-metric="loss"] .follow'), false, 'following again');
    assert.equal(await said(h), 'loss: following the live edge');

    const toggle = h.page.locator('.section-toggle', { hasText: 'eval' });
    await toggle.focus();
    await h.page.keyboard.press('Enter');
    await frame(h);
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    assert.equal(await h.page.isVisible('.chart[data-metric="eval/bleu"]'), false);
    await h.page.keyboard.press('Space');
    await frame(h);
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  });
});
