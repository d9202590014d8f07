/** Runs told apart: colours by run when compared, stable colours, readable and renameable run labels, High Contrast (real Chromium). */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { until } from '../helpers';
import { f64, harnessPerTest, inkedPixels, resultsDir, RUN, type Harness } from './harness';

const steps = Array.from({ length: 50 }, (_, i) => i + 1);
const BLUE: [number, number, number] = [0x37, 0x94, 0xff];
const ORANGE: [number, number, number] = [0xd1, 0x86, 0x16];
const local = (h: number, m: number, dayOffset = 0) => {
  const d = new Date();
  d.setDate(d.getDate() + dayOffset);
  d.setHours(h, m, 0, 0);
  return d.toISOString();
};
const series = (key: string, name: string, source: string, y: (s: number) => number) => ({
  key,
  name,
  source,
  xKind: 'step',
  x: f64(steps),
  y: f64(steps.map(y)),
});
const runsB = [
  {
    id: '/w/runs/b',
    label: 'train.py 09:30',
    name: 'train.py',
    start: new Date(Date.now() - 65 * 60_000).toISOString(),
    state: 'running',
    shown: true,
    overlaid: false,
  },
  { id: '/w/runs/a', label: 'train.py 08:12', name: 'train.py', start: local(8, 12), end: local(8, 54), state: 'finished', shown: false, overlaid: true },
  {
    id: '/w/runs/old',
    label: 'train.py 2026-11-20 17:00',
    name: 'train.py',
    start: '2026-11-20T17:00:00',
    end: '2026-11-21T19:05:00',
    state: 'past',
    shown: false,
    overlaid: false,
  },
];
const compare = (runs = runsB, tagged = 'train.py 08:12', more: unknown[] = []) => ({
  type: 'snapshot',
  run: RUN,
  runs,
  batch: {
    series: [
      ...more,
      series('stdout.log:loss', 'loss', 'stdout.log', (s) => 1 / s),
      series('stdout.log:val_loss', 'val_loss', 'stdout.log', (s) => 1.5 / s + 0.2),
      series('run0\u0000stdout.log:loss', 'loss', `${tagged} · stdout.log`, (s) => 2 / s),
      series('run0\u0000stdout.log:val_loss', 'val_loss', `${tagged} · stdout.log`, (s) => 2.5 / s + 0.2),
    ],
    logs: [],
    events: [],
  },
});
const frame = (h: Harness) => h.page.waitForTimeout(150);
/** Each drawn line's look (colour and dash), by its legend label. */
const looks = async (h: Harness, metric: string) => {
  const chart = h.page.locator(`.chart[data-metric="${metric}"]`);
  const styles = ((await chart.getAttribute('data-styles')) ?? '').split(';');
  const labels = await chart.locator('.u-legend .u-series:not(.raw) .u-label').allTextContents();
  return Object.fromEntries(labels.slice(1).map((l, i) => [l, styles[i]]));
};

describe('Runs told apart (real Chromium)', () => {
  const harness = harnessPerTest('colors');
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });

  it("colours by run when runs are compared, a run's lines differing by shade and dash", async () => {
    const three = runsB.map((r) => ({ ...r, overlaid: !r.shown }));
    const old = 'train.py 2026-11-20 17:00 · stdout.log';
    await h.send(
      compare(three, 'train.py 08:12', [
        series('run2\u0000stdout.log:val_loss', 'val_loss', old, (s) => 3 / s + 0.3),
        series('run2\u0000stdout.log:loss', 'loss', old, (s) => 3 / s),
      ]),
    );
    await frame(h);
    const look = await looks(h, 'loss');
    assert.deepEqual(Object.keys(look), [
      'val_loss · train.py 2026-11-20 17:00 · stdout.log',
      'loss · train.py 2026-11-20 17:00 · stdout.log',
      'loss · stdout.log',
      'val_loss · stdout.log',
      'loss · train.py 08:12 · stdout.log',
      'val_loss · train.py 08:12 · stdout.log',
    ]);
    const [oldA, oldB, mineA, mineB, theirsA, theirsB] = Object.values(look);
    assert.equal(oldA, '#89d185', 'the third run in the third colour, though its lines came first');
    assert.match(oldB, /^#[0-9a-f]{6} \d/);
    assert.equal(mineA, '#3794ff', 'the run shown in the first colour');
    assert.equal(theirsA, '#d18616', 'the compared run in the second');
    assert.notEqual(mineB, mineA);
    assert.match(mineB, /^#[0-9a-f]{6} \d/, 'its second metric a shade, dashed');
    assert.match(theirsB, /^#[0-9a-f]{6} \d/);
    assert.ok((await inkedPixels(h.page, '.chart canvas', BLUE)) > 100);
    assert.ok((await inkedPixels(h.page, '.chart canvas', ORANGE)) > 100, 'the compared run is drawn in its colour');
    const chips = await h.page.$$eval('.overlay-chip', (els) => els.map((e) => getComputedStyle(e).borderLeftColor));
    assert.deepEqual(chips, ['rgb(209, 134, 22)', 'rgb(137, 209, 133)'], 'their chips carry the colours');
    await h.page.setViewportSize({ width: 1000, height: 700 });
    await h.page.screenshot({ path: path.join(resultsDir, 'compare-three-runs.png') });
  });

  it("shows each line's dash in its legend swatch, not only its colour", async () => {
    await h.send(compare());
    await frame(h);
    const markers = h.page.locator('.chart[data-metric="loss"] .u-legend .u-series:not(.raw) .u-marker');
    // along the middle row of each swatch (the first row is the x series, hidden): which pixels are in its colour
    const inkRow = async (i: number): Promise<boolean[]> => {
      const png = await markers.nth(i + 1).screenshot({ scale: 'css' });
      return h.page.evaluate(async (b64) => {
        const img = new Image();
        img.src = `data:image/png;base64,${b64}`;
        await img.decode();
        const c = new OffscreenCanvas(img.width, img.height);
        const g = c.getContext('2d')!;
        g.drawImage(img, 0, 0);
        const d = g.getImageData(0, 0, img.width, img.height).data;
        const y = Math.floor(img.height / 2);
        // inked: the colour of the swatch's first pixel (a dash pattern starts with its dash)
        const row: boolean[] = [];
        const ink = (y * img.width + 1) * 4;
        for (let p = y * img.width * 4; row.length < img.width; p += 4) {
          row.push(Math.abs(d[p] - d[ink]) + Math.abs(d[p + 1] - d[ink + 1]) + Math.abs(d[p + 2] - d[ink + 2]) < 40);
        }
        return row;
      }, png.toString('base64'));
    };
    const look = await looks(h, 'loss');
    const dashed = Object.values(look).map((s) => s.includes(' '));
    assert.deepEqual(dashed, [false, true, false, true], 'each run: its first metric solid, its second dashed');
    for (let i = 0; i < dashed.length; i++) {
      const row = await inkRow(i);
      // a gap: ink again after a pixel without (an edge's antialiasing is no gap)
      const gaps = row.filter((on, x) => on && x > 0 && !row[x - 1]).length;
      assert.ok(row.filter(Boolean).length >= 6, `swatch ${i} is drawn (${row.map(Number).join('')})`);
      if (dashed[i]) assert.ok(gaps >= 1, `swatch ${i} of a dashed line shows its dash: ${row.map(Number).join('')}`);
      else assert.equal(gaps, 0, `swatch ${i} of a solid line is solid: ${row.map(Number).join('')}`);
    }
  });

  it("keeps each metric's colour and each run's colour after a reload, whatever order lines come in", async () => {
    const single = (names: string[]) => ({
      type: 'snapshot',
      run: RUN,
      batch: { series: names.map((n, i) => series(`s:${n}`, n, 'stdout.log', (s) => i + 1 / s)), logs: [], events: [] },
    });
    await h.send(single(['loss', 'accuracy', 'grad_norm']));
    await frame(h);
    const before = { ...(await looks(h, 'loss')), ...(await looks(h, 'accuracy')), ...(await looks(h, 'gradient norm')) };
    assert.equal(new Set(Object.values(before)).size, 3, "three metrics, three colours (each chart's first line was blue)");
    await h.reload();
    await h.send(single(['grad_norm', 'accuracy', 'loss']));
    await frame(h);
    const after = { ...(await looks(h, 'loss')), ...(await looks(h, 'accuracy')), ...(await looks(h, 'gradient norm')) };
    assert.deepEqual(after, before);

    await h.send(compare());
    await frame(h);
    const runColours = Object.values(await looks(h, 'loss'));
    await h.reload();
    // the other run shown, this one compared: each keeps its colour
    const swapped = runsB.map((r) => ({ ...r, shown: r.id === '/w/runs/a', overlaid: r.id === '/w/runs/b' }));
    await h.send(compare(swapped, 'train.py 09:30'));
    await frame(h);
    const again = Object.values(await looks(h, 'loss'));
    assert.equal(again[0], runColours[2], 'run a keeps its colour, shown or compared');
    assert.equal(again[2], runColours[0], 'run b too');
  });

  it('labels runs with name, start, duration and state, and lets the user rename one', async () => {
    await h.send(compare());
    await frame(h);
    const options = await h.page.$$eval('#run option', (els) => els.map((e) => e.textContent ?? ''));
    assert.match(options[0], /^train\.py · (\d{4}-\d\d-\d\d )?\d\d:\d\d · 1 h 0[56] min · running$/);
    assert.equal(options[1], 'train.py · 08:12 · 42 min · finished');
    assert.equal(options[2], 'train.py · 2026-11-20 17:00 · 1 d 2 h · ended');
    await h.page.click('#rename-run');
    await h.page.fill('#run-name', 'baseline lr=3e-4');
    await h.page.press('#run-name', 'Enter');
    await frame(h);
    assert.match(
      (await h.page.$$eval('#run option', (els) => els.map((e) => e.textContent ?? '')))[0],
      /^baseline lr=3e-4 · (\d{4}-\d\d-\d\d )?\d\d:\d\d · 1 h /,
    );
    assert.equal(await h.page.textContent('.run-title'), 'baseline lr=3e-4');
    await until(async () => ((await h.state()) as { names?: Record<string, string> }).names?.['/w/runs/b'] === 'baseline lr=3e-4', 3000, 'the name kept');

    // after a reload, with the renamed run compared: its chip and legend lines say its name
    await h.reload();
    const swapped = runsB.map((r) => ({ ...r, shown: r.id === '/w/runs/a', overlaid: r.id === '/w/runs/b' }));
    await h.send(compare(swapped, 'train.py 09:30'));
    await frame(h);
    assert.equal(await h.page.textContent('.overlay-chip'), 'baseline lr=3e-4 ×');
    assert.ok(Object.keys(await looks(h, 'loss')).includes('loss · baseline lr=3e-4 · stdout.log'));
  });

  it('draws High Contrast lines in colours and dashes that differ, over a subdued grid', async () => {
    // a High Contrast theme: one blue for several chart colours, a bright border
    await h.page.evaluate(() => {
      document.body.classList.add('vscode-high-contrast');
      document.body.style.background = '#000';
      for (const v of ['blue', 'purple', 'green', 'yellow']) document.documentElement.style.setProperty(`--vscode-charts-${v}`, '#3794ff');
      document.documentElement.style.setProperty('--vscode-editorWidget-border', '#6fc3df');
      document.documentElement.style.setProperty('--vscode-editor-background', '#000000');
    });
    const names = ['loss', 'val_loss', 'accuracy', 'val_accuracy', 'lr', 'grad_norm', 'tokens_per_sec', 'perplexity'];
    await h.send({
      type: 'snapshot',
      run: RUN,
      batch: { series: names.map((n, i) => series(`s:${n}`, n, 'stdout.log', (s) => (i + 1) / s)), logs: [], events: [] },
    });
    await frame(h);
    const all = await h.page.$$eval('.chart', (els) => els.flatMap((e) => (e.getAttribute('data-styles') ?? '').split(';')));
    assert.equal(all.length, 8);
    assert.equal(new Set(all).size, 8, `eight lines, eight looks: ${all.join(' | ')}`);
    assert.equal(new Set(all.map((s) => s.split(' ')[0])).size, 6, "six colours, none the theme's shared blue twice");
    // (a few antialiased pixels of the lines come near it)
    const bright = await inkedPixels(h.page, '.chart canvas', [0x6f, 0xc3, 0xdf]);
    assert.ok(bright < 30, `the grid is not drawn in the bright border (${bright} pixels)`);
    await h.page.screenshot({ path: path.join(resultsDir, 'high-contrast.png'), fullPage: true });
  });
});
