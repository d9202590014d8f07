/** The dashboard's controls in real Chromium: grouping, filter, smoothing, log scale, x modes, theme, zoom, restore. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { smoothEma } from '../../src/core/smooth';
import { until } from '../helpers';
import { dragAcross, f64, harnessPerTest, inkedPixels, legendValuesAt, resultsDir, RUN, type Harness } from './harness';

const range = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));
const BLUE: [number, number, number] = [0x37, 0x94, 0xff];

/** A delta; without `wall` its times are unknown (NaN does not survive the JSON that carries it into the page). */
function series(name: string, source: string, x: number[], y: number[], opts: { xKind?: string; wall?: number[] } = {}) {
  return { key: `${source}:${name}`, name, source, xKind: opts.xKind ?? 'step', x: f64(x), y: f64(y), ...(opts.wall && { wall: f64(opts.wall) }) };
}

const snapshot = (list: unknown[]) => ({ type: 'snapshot', run: RUN, batch: { series: list, logs: [], events: [] } });
const titles = (h: Harness) => h.page.$$eval('.chart:not([hidden]) h3', (els) => els.map((e) => e.textContent));
const legend = (h: Harness, chart: string) =>
  h.page.$$eval(`.chart[data-metric="${chart}"] .u-legend .u-series:not(.raw) .u-label`, (els) => els.map((e) => e.textContent));
const frame = (h: Harness) => h.page.waitForTimeout(120);

describe('Dashboard controls (real Chromium)', () => {
  const harness = harnessPerTest('dashboard');
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });

  const steps = range(100, (i) => i + 1);
  const family = [
    series(
      'loss',
      'stdout.log',
      steps,
      steps.map((s) => 1 / s),
    ),
    series('val_loss', 'metrics.csv', [50, 100], [0.05, 0.02]),
    series(
      'accuracy',
      'stdout.log',
      steps,
      steps.map((s) => 1 - 1 / s),
    ),
    series('val_accuracy', 'metrics.csv', [50, 100], [0.9, 0.95]),
    series(
      'lr-Adam',
      'metrics.csv',
      steps,
      steps.map(() => 0.001),
    ),
    series(
      'grad_norm',
      'metrics.csv',
      steps,
      steps.map((s) => 2 + Math.sin(s)),
    ),
    series('f1', 'metrics.csv', [50, 100], [0.7, 0.8]),
  ];

  it('groups metrics by family, one line per series, and filters charts by text or /regex/', async () => {
    await h.send(snapshot(family));
    await frame(h);
    assert.deepEqual(await titles(h), ['loss', 'accuracy', 'learning rate', 'gradient norm', 'f1']);
    assert.deepEqual(await legend(h, 'loss'), ['step', 'loss', 'val_loss']);
    assert.deepEqual(await legend(h, 'accuracy'), ['step', 'accuracy', 'val_accuracy']);
    await h.page.fill('#filter', 'ACC');
    await frame(h);
    assert.deepEqual(await titles(h), ['accuracy']);
    await h.page.fill('#filter', '/^(val_loss|f1)$/');
    await frame(h);
    assert.deepEqual(await titles(h), ['loss', 'f1'], 'a chart shows when one of its series matches');
    await h.page.fill('#filter', '');
    await frame(h);
    assert.equal((await titles(h)).length, 5);
    fs.mkdirSync(resultsDir, { recursive: true });
    await h.page.screenshot({ path: path.join(resultsDir, 'dashboard-groups.png'), fullPage: true });
  });

  it("smooths with TensorBoard's EMA: the legend reads the smoothed value, the raw line stays faint", async () => {
    const ys = steps.map((s) => (s % 2 ? 1 : 0) + s / 100);
    await h.send(snapshot([series('loss', 'stdout.log', steps, ys)]));
    await frame(h);
    // the raw line at 30% opacity: the same colour, drawn with alpha ≤ 0.3 (anti-aliased edges of any line are fainter still)
    const faint = () => inkedPixels(h.page, '.chart canvas', BLUE, [40, 90]);
    const solid = () => inkedPixels(h.page, '.chart canvas', BLUE, [200, 255]);
    const rawSolid = await solid();
    const rawFaint = await faint();
    const raw = await legendValuesAt(h, 'loss', 0.5);
    await h.page.fill('#smoothing', '0.9');
    await frame(h);
    const smoothed = await legendValuesAt(h, 'loss', 0.5);
    assert.equal(smoothed[0], raw[0], 'the same step under the cursor');
    const step = Number(raw[0]);
    assert.equal(Number(raw[1]), ys[step - 1]);
    assert.ok(Math.abs(Number(smoothed[1]) - smoothEma(ys, 0.9)[step - 1]) < 1e-3, `${smoothed[1]} is the EMA at step ${step}`);
    assert.deepEqual(await legend(h, 'loss'), ['step', 'loss'], 'one legend row per series');
    const [smoothSolid, smoothFaint] = [await solid(), await faint()];
    assert.ok(smoothFaint > rawFaint * 2, `the raw zigzag is drawn faint behind (${rawFaint} → ${smoothFaint} faint pixels)`);
    assert.ok(smoothSolid < rawSolid / 2, `only the smooth line is drawn solid (${rawSolid} → ${smoothSolid} solid pixels)`);
    await h.page.screenshot({ path: path.join(resultsDir, 'dashboard-smoothing.png') });
  });

  it('draws y on a log scale when asked', async () => {
    const xs = range(200, (i) => i + 1);
    await h.send(
      snapshot([
        series(
          'loss',
          'stdout.log',
          xs,
          xs.map((i) => 10 ** (-i / 50)),
        ),
      ]),
    );
    await frame(h);
    const upper = () =>
      h.page.evaluate(`(() => {
        const c = document.querySelector('.chart canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, Math.floor(c.height / 2)).data;
        let n = 0;
        for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - 0x37) + Math.abs(d[i + 1] - 0x94) + Math.abs(d[i + 2] - 0xff) < 60) n++;
        return n;
      })()`) as Promise<number>;
    const linear = await upper();
    await h.page.check('#log-y');
    await frame(h);
    const log = await upper();
    assert.ok(
      log > linear * 2,
      `a decade-per-50-steps decay is a diagonal on a log scale, not a drop to the floor (${linear} → ${log} pixels in the upper half)`,
    );
  });

  it('puts series on a relative-time axis from their wall-clock times; series without times leave it', async () => {
    const t0 = 1_795_000_000;
    await h.send(
      snapshot([
        series(
          'loss',
          'stdout.log',
          steps,
          steps.map((s) => 1 / s),
          { wall: steps.map((s) => t0 + s * 2) },
        ),
        series('val_loss', 'history.csv', [0, 1], [0.5, 0.3], { xKind: 'epoch', wall: [t0 + 100, t0 + 200] }),
        series('f1', 'old.csv', [1, 2], [0.5, 0.6]),
      ]),
    );
    await frame(h);
    assert.deepEqual(await titles(h), ['loss', 'loss (by epoch)', 'f1']);
    await h.page.selectOption('#x-mode', 'relative');
    await frame(h);
    assert.deepEqual(await titles(h), ['loss', 'f1'], 'by time, the per-epoch line joins the per-step one');
    assert.deepEqual(await legend(h, 'loss'), ['time (s)', 'loss', 'val_loss']);
    const values = await legendValuesAt(h, 'loss', 0.999);
    assert.equal(values[0], '198', "the last point, 198 s after the run's first known time");
    assert.equal(await inkedPixels(h.page, '.chart[data-metric="f1"] canvas', BLUE), 0, 'no times, no line');
    assert.equal(await h.page.isVisible('.chart[data-metric="f1"] .chart-note'), true, 'and a note that says why');
    assert.equal(await h.page.isVisible('.chart[data-metric="loss"] .chart-note'), false);
  });

  it('recolours when the theme changes', async () => {
    await h.send(
      snapshot([
        series(
          'loss',
          'stdout.log',
          steps,
          steps.map((s) => Math.sin(s / 10)),
        ),
      ]),
    );
    await frame(h);
    assert.ok((await inkedPixels(h.page, '.chart canvas', BLUE)) > 300);
    // what VS Code does on a theme switch: new variables on <html>, a new class on <body>
    await h.page.evaluate(`document.documentElement.style.setProperty('--vscode-charts-blue', '#00ff00'); document.body.className = 'vscode-high-contrast'`);
    await frame(h);
    assert.equal(await inkedPixels(h.page, '.chart canvas', BLUE), 0, 'the old colour is gone');
    assert.ok((await inkedPixels(h.page, '.chart canvas', [0, 255, 0])) > 300, 'drawn in the new one');
  });

  it('a zoomed chart stops following new points until Follow; double-click also resumes', async () => {
    await h.send(
      snapshot([
        series(
          'loss',
          'stdout.log',
          steps,
          steps.map((s) => 1 / s),
        ),
      ]),
    );
    await frame(h);
    await dragAcross(h, 'loss', 0.2, 0.4);
    await frame(h);
    assert.equal(await h.page.isVisible('.chart .follow'), true);
    const zoomedRight = Number((await legendValuesAt(h, 'loss', 0.999))[0]);
    assert.ok(zoomedRight >= 35 && zoomedRight <= 45, `zoomed to steps ~20–40 (right edge ${zoomedRight})`);
    const more = range(100, (i) => 101 + i);
    await h.send({
      type: 'batch',
      batch: {
        series: [
          series(
            'loss',
            'stdout.log',
            more,
            more.map(() => 0.01),
          ),
        ],
        logs: [],
        events: [],
      },
    });
    await frame(h);
    assert.equal(Number((await legendValuesAt(h, 'loss', 0.999))[0]), zoomedRight, 'new points did not move the zoomed range');
    await h.page.click('.chart .follow');
    await frame(h);
    assert.equal(await h.page.isVisible('.chart .follow'), false);
    assert.equal(Number((await legendValuesAt(h, 'loss', 0.999))[0]), 200, 'following the live edge again');
  });

  it('keeps its controls, zoom, hidden series and tab in the webview state across a reload', async () => {
    await h.send(snapshot(family));
    await frame(h);
    await dragAcross(h, 'loss', 0.2, 0.4);
    await h.page.selectOption('#x-mode', 'relative');
    await h.page.fill('#smoothing', '0.6');
    await h.page.check('#log-y');
    await h.page.check('#log-x');
    await h.page.fill('#filter', 'loss');
    await h.page.click('.chart[data-metric="loss"] .u-legend .u-series:not(.raw) >> text=val_loss');
    await h.page.click('#tab-events');
    await until(async () => ((await h.state()) as { tab: string }).tab === 'events');
    const state = (await h.state()) as {
      tab: string;
      view: Record<string, unknown> & { zoom: Record<string, number[]> };
      colors: { series: Record<string, number> };
    };
    const [from, to] = state.view.zoom.step;
    assert.ok(from > 15 && from < 30 && to > 35 && to < 50, `the step axis zoomed to ~20–40 (${from}–${to})`);
    // and the colours given to its metrics (colors.test.ts)
    assert.equal(state.colors.series.loss, 0);
    assert.notEqual(state.colors.series.val_loss, 0);
    assert.deepEqual(
      { ...state, colors: undefined, names: undefined },
      {
        colors: undefined,
        names: undefined,
        tab: 'events',
        view: { xMode: 'relative', smoothing: 0.6, logY: true, logX: true, filter: 'loss', zoom: { step: [from, to] }, chartHeight: 180 },
        runs: { 'train.py\npython3 -u train.py': { hidden: { loss: ['metrics.csv:val_loss'] } } },
      },
    );
    await h.reload();
    assert.deepEqual(await h.posted(), [{ type: 'ready' }]);
    await h.send(snapshot(family));
    await frame(h);
    assert.equal(await h.page.inputValue('#x-mode'), 'relative');
    assert.equal(await h.page.inputValue('#smoothing'), '0.6');
    assert.equal(await h.page.isChecked('#log-y'), true);
    assert.equal(await h.page.isChecked('#log-x'), true);
    assert.equal(await h.page.inputValue('#filter'), 'loss');
    assert.deepEqual(await titles(h), ['loss']);
    assert.equal(await h.page.getAttribute('vscode-panels', 'activeid'), 'tab-events');
    const off = await h.page.$$eval('.chart[data-metric="loss"] .u-legend .u-series.u-off:not(.raw) .u-label', (els) => els.map((e) => e.textContent));
    assert.deepEqual(off, ['val_loss'], 'the series switched off stays off');
    await h.page.selectOption('#x-mode', 'native');
    await frame(h);
    assert.equal(await h.page.isVisible('.chart[data-metric="loss"] .follow'), true, 'by step, the zoom is back');
    const asked = (await h.posted()).filter((m) => m.type === 'window') as unknown as Array<{ x0: number; x1: number }>;
    assert.ok(
      asked.some((m) => m.x0 === from && m.x1 === to),
      'and its window is asked for again',
    );
  });

  it('asks the host to save a chart as PNG (title, run, plot and legend on the theme background) and the run as CSV', async () => {
    await h.send(
      snapshot([
        series(
          'loss',
          'stdout.log',
          steps,
          steps.map((s) => 1 / s),
        ),
      ]),
    );
    await frame(h);
    await h.page.click('.chart[data-metric="loss"] .save-png');
    await h.page.click('#export-csv');
    const posted = (await h.posted()) as Array<{ type: string; name?: string; png?: string }>;
    assert.deepEqual(
      posted.map((m) => m.type),
      ['ready', 'exportPng', 'exportCsv'],
    );
    assert.equal(posted[1].name, 'loss');
    fs.writeFileSync(path.join(resultsDir, 'chart-export.png'), Buffer.from(posted[1].png!.split(',')[1], 'base64'));
    // the image, decoded in the page: as wide as the chart, a title band on top, the blue line in it
    const img = (await h.page.evaluate(`new Promise((resolve) => {
      const im = new Image();
      im.onload = () => {
        const c = document.createElement('canvas');
        c.width = im.width; c.height = im.height;
        const g = c.getContext('2d');
        g.drawImage(im, 0, 0);
        const d = g.getImageData(0, 0, c.width, c.height).data;
        let blue = 0;
        let blueBelow = 0; // the legend's swatch, under the plot
        const below = (im.height - 20) * c.width * 4;
        for (let i = 0; i < d.length; i += 4) {
          if (Math.abs(d[i] - 0x37) + Math.abs(d[i + 1] - 0x94) + Math.abs(d[i + 2] - 0xff) >= 60) continue;
          blue++;
          if (i >= below) blueBelow++;
        }
        resolve({ width: im.width, height: im.height, corner: Array.from(d.slice(0, 3)), blue, blueBelow });
      };
      im.src = ${JSON.stringify(posted[1].png)};
    })`)) as { width: number; height: number; corner: number[]; blue: number; blueBelow: number };
    const canvas = (await h.page.locator('.chart canvas').boundingBox())!;
    assert.equal(img.width, Math.round(canvas.width));
    assert.equal(img.height, Math.round(canvas.height) + 24 + 24, 'a title band above, one legend row below');
    assert.deepEqual(img.corner, [0x1f, 0x1f, 0x1f], 'opaque, on the editor background');
    assert.ok(img.blue > 200, `the line is in the image (${img.blue} pixels)`);
    assert.ok(img.blueBelow >= 12, `the legend's swatch is under the plot (${img.blueBelow} pixels)`);
  });
});
