import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { until } from '../helpers';
import { f64, harnessPerTest, inkedPixels, resultsDir, RUN, type Harness } from './harness';

const range = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));

function series(name: string, source: string, x: number[], y: number[]) {
  return { key: `${source}:${name}`, name, source, xKind: 'step', x: f64(x), y: f64(y) };
}

/** --vscode-charts-blue in the harness theme: the first series' stroke. */
const BLUE: [number, number, number] = [0x37, 0x94, 0xff];

describe('Monitor webview (real Chromium)', () => {
  const harness = harnessPerTest('webview');
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });

  it('says ready, then draws the snapshot: a chart per metric and the log tabs', async () => {
    assert.deepEqual(await h.posted(), [{ type: 'ready' }]);
    assert.equal(await inkedPixels(h.page, '.chart canvas'), 0);
    await h.send({
      type: 'snapshot',
      run: RUN,
      batch: {
        series: [
          series(
            'loss',
            'stdout.log',
            range(200, (i) => i + 1),
            range(200, (i) => 1 / Math.sqrt(i + 1)),
          ),
          series('val_loss', 'metrics.csv', [32, 64, 96, 128], [0.6, 0.4, 0.3, 0.25]),
          series(
            'accuracy',
            'stdout.log',
            range(200, (i) => i + 1),
            range(200, (i) => 1 - 1 / Math.sqrt(i + 1)),
          ),
          { ...series('loss', 'history.csv', [0, 1, 2], [0.7, 0.5, 0.4]), xKind: 'epoch' },
        ],
        logs: [{ stream: 'stdout', text: 'Epoch 1/3\n 1/32 ━ - loss: 0.9\r 2/32 ━━ - loss: 0.8\r32/32 ━━━━ - loss: 0.5\nEpoch 2/3\n' }],
        events: [{ time: Date.UTC(2026, 10, 23, 9), level: 'info', text: 'Started python3 -u train.py' }],
      },
    });
    await h.page.waitForFunction(() => document.querySelectorAll('.chart canvas').length === 3);
    await h.page.waitForTimeout(100); // one animation frame draws
    // a per-epoch series gets its own chart: it cannot share the step axis
    assert.deepEqual(
      await h.page.$$eval('.chart h3', (els) => els.map((e) => e.textContent)),
      ['loss', 'loss (by epoch)', 'accuracy'],
      'in a stable order: by family, a metric by step before by epoch',
    );
    assert.ok((await inkedPixels(h.page, '.chart[data-metric="loss"][data-x="step"] canvas', BLUE)) > 300, 'the loss line is drawn');
    assert.ok(
      (await inkedPixels(h.page, '.chart[data-metric="loss"][data-x="step"] canvas', [0xd1, 0x86, 0x16])) > 100,
      'the metrics.csv line is drawn in the second colour',
    );
    const legend = await h.page.$$eval('.chart[data-metric="loss"][data-x="step"] .u-legend .u-label', (els) => els.map((e) => e.textContent));
    assert.deepEqual(legend, ['step', 'loss', 'val_loss']);
    // \r redraws collapse into one line
    assert.equal(await h.page.textContent('[aria-label="Output"] pre'), 'Epoch 1/3\n32/32 ━━━━ - loss: 0.5\nEpoch 2/3\n');
    await h.page.click('#tab-events'); // a pane renders its rows when it is shown
    await until(async () => /Started python3 -u train\.py/.test((await h.page.textContent('[aria-label="Events"] pre')) ?? ''), 2000, 'the event');
    assert.equal(await h.page.textContent('.run-title'), 'train.py');
    fs.mkdirSync(resultsDir, { recursive: true });
    await h.page.screenshot({ path: path.join(resultsDir, 'webview.png') });
  });

  it('appends batches and redraws the same chart', async () => {
    await h.send({ type: 'snapshot', run: RUN, batch: { series: [series('loss', 'stdout.log', [1, 2], [1, 0.9])], logs: [], events: [] } });
    await h.page.waitForSelector('.chart canvas');
    const before = await inkedPixels(h.page, '.chart canvas', BLUE);
    for (let b = 0; b < 10; b++) {
      const x = range(50, (i) => 3 + b * 50 + i);
      await h.send({
        type: 'batch',
        batch: {
          series: [
            series(
              'loss',
              'stdout.log',
              x,
              x.map((v) => Math.sin(v / 20)),
            ),
          ],
          logs: [{ stream: 'stdout', text: `batch ${b}\n` }],
          events: [],
        },
      });
    }
    await h.page.waitForTimeout(150);
    assert.equal(await h.page.locator('.chart').count(), 1);
    const after = await inkedPixels(h.page, '.chart canvas', BLUE);
    await h.page.screenshot({ path: path.join(resultsDir, 'webview-append.png') });
    assert.ok(after > before * 1.4, `the wave has more ink than the 2-point line (${before} → ${after})`);
    assert.equal((await h.page.textContent('[aria-label="Output"] pre'))!.split('\n').filter(Boolean).length, 10);
  });

  it('a delta starting at the last x replaces that point instead of adding one', async () => {
    await h.send({ type: 'snapshot', run: RUN, batch: { series: [series('loss', 'stdout.log', [1, 2, 3], [1, 1, 1])], logs: [], events: [] } });
    await h.send({ type: 'batch', batch: { series: [series('loss', 'stdout.log', [3, 4], [0, 0])], logs: [], events: [] } });
    await h.page.waitForTimeout(100);
    // hovering the point at x=3 shows its new value in the legend
    const box = (await h.page.locator('.chart .u-over').boundingBox())!;
    await h.page.mouse.move(box.x + (box.width * 2) / 3, box.y + box.height / 2);
    await h.page.waitForTimeout(50);
    const values = await h.page.$$eval('.chart .u-legend .u-value', (els) => els.map((e) => e.textContent));
    assert.deepEqual(values, ['3', '0']);
  });

  it('gives each task of an array job its log tabs, before Events, and drops them for another run', async () => {
    const logs = [
      { stream: 'stdout', text: '' },
      { stream: 'stdout-0', text: 'task 0 step=1\n' },
      { stream: 'stdout-1', text: 'task 1 step=1\n' },
      { stream: 'stderr-1', text: 'warning from task 1\n' },
    ];
    await h.send({ type: 'snapshot', run: RUN, batch: { series: [], logs, events: [] } });
    await h.page.waitForTimeout(100);
    const tabs = () => h.page.$$eval('vscode-panel-tab', (els) => els.map((e) => e.textContent));
    assert.deepEqual(await tabs(), ['Output', 'Errors', 'Console', 'Task 0', 'Task 1', 'Task 1 errors', 'Events']);
    await h.page.click('#tab-stdout-1');
    await until(async () => (await h.page.textContent('.log[aria-label="Task 1"] pre')) === 'task 1 step=1\n', 2000, "task 1's lines");
    await h.send({ type: 'batch', batch: { series: [], logs: [{ stream: 'stdout-1', text: 'task 1 step=2\n' }], events: [] } });
    await until(async () => (await h.page.textContent('.log[aria-label="Task 1"] pre')) === 'task 1 step=1\ntask 1 step=2\n', 2000, 'appended');
    await h.send({ type: 'snapshot', run: RUN, batch: { series: [], logs: [], events: [] } });
    await h.page.waitForTimeout(100);
    assert.deepEqual(await tabs(), ['Output', 'Errors', 'Console', 'Events'], "another run: its tasks' tabs are gone");
  });

  it('marks the points of a sparse series, so a lone first value shows', async () => {
    await h.send({ type: 'snapshot', run: RUN, batch: { series: [series('val_loss', 'metrics.csv', [32], [0.5])], logs: [], events: [] } });
    await h.page.waitForTimeout(150);
    assert.ok((await inkedPixels(h.page, '.chart canvas', BLUE)) > 10, 'one point is drawn as a dot');
  });

  it('shows log text as text, never as markup', async () => {
    const evil = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>\n';
    await h.send({ type: 'batch', batch: { series: [], logs: [{ stream: 'stderr', text: evil }], events: [] } });
    await h.page.click('#tab-stderr');
    await h.page.waitForTimeout(100);
    assert.equal(await h.page.textContent('[aria-label="Errors"] pre'), evil);
    assert.equal(await h.page.locator('#app img').count(), 0);
    assert.equal(await h.page.evaluate(() => (window as unknown as { __xss?: number }).__xss), undefined);
  });

  it("renders ANSI colours with the theme's terminal colours, as text, even when a sequence is cut between batches", async () => {
    const chunks = [
      '\x1b[1mEpoch 1/3\x1b[0m \x1b[31mERROR <b>bold?</b>\x1b[0m\n',
      '\x1b[32mgreen \x1b[',
      '94mbright\nstill blue\x1b[0m plain \x1b[38;5;208mpalette\x1b[0m \x1b[38;2;10;200;30mtrue\x1b[0m\x1b[2K\n',
    ];
    for (const text of chunks) await h.send({ type: 'batch', batch: { series: [], logs: [{ stream: 'stdout', text }], events: [] } });
    await h.page.waitForTimeout(50);
    assert.equal(await h.page.textContent('[aria-label="Output"] pre'), 'Epoch 1/3 ERROR <b>bold?</b>\ngreen bright\nstill blue plain palette true\n');
    const styled = await h.page.$$eval('[aria-label="Output"] pre span span', (els) =>
      els.map((e) => [e.textContent, getComputedStyle(e).color, getComputedStyle(e).fontWeight]),
    );
    assert.deepEqual(styled, [
      ['Epoch 1/3', 'rgb(204, 204, 204)', '700'],
      ['ERROR <b>bold?</b>', 'rgb(205, 49, 49)', '400'],
      ['green ', 'rgb(13, 188, 121)', '400'],
      ['bright', 'rgb(59, 142, 234)', '400'],
      ['still blue', 'rgb(59, 142, 234)', '400'],
      ['palette', 'rgb(255, 135, 0)', '400'],
      ['true', 'rgb(10, 200, 30)', '400'],
    ]);
    assert.equal(await h.page.locator('#app b').count(), 0);
  });

  it('posts stop from its Stop button while running, and hides it after the end', async () => {
    await h.send({ type: 'snapshot', run: RUN, batch: { series: [], logs: [], events: [] } });
    await h.page.click('#stop');
    assert.deepEqual(
      (await h.posted()).map((m) => m.type),
      ['ready', 'stop'],
    );
    await h.send({ type: 'run', run: { ...RUN, state: 'stopped', exit: 'exit 130' } });
    await until(async () => (await h.page.textContent('.run-state'))?.startsWith('stopped'));
    assert.equal(await h.page.isHidden('#stop'), true);
    assert.equal(await h.page.textContent('.run-state'), 'stopped (exit 130)');
  });

  it("runs under the strict CSP: no script or style was refused but the toolkit's known probe", async () => {
    await h.page.waitForTimeout(100);
    const refused = (await h.violations()).filter((v) => !(v.directive === 'style-src-elem' && v.blocked === 'inline'));
    assert.deepEqual(refused, []);
    // The toolkit's components are styled through adopted stylesheets despite the CSP.
    const sheets = await h.page.evaluate(() => document.querySelector('vscode-panel-tab')?.shadowRoot?.adoptedStyleSheets.length ?? 0);
    assert.ok(sheets > 0, 'panel tabs have their styles');
    // An unstyled custom element would be display: inline.
    assert.notEqual(await h.page.evaluate(() => getComputedStyle(document.querySelector('vscode-panels')!).display), 'inline');
  });
});
