/** The Console tab, Find that reveals a match sideways, wrapping, and Find text per run (real Chromium). */
import { strict as assert } from 'node:assert';
import { until } from '../helpers';
import { harnessPerTest, RUN, type Harness } from './harness';

const OTHER = { name: 'eval.py', state: 'finished', command: 'python3 -u eval.py', canStop: false };
const logs = (stream: string, text: string) => ({ type: 'batch', batch: { series: [], logs: [{ stream, text }], events: [] } });
const rowsOf = (h: Harness, pane: string) => h.page.$$eval(`.log[aria-label="${pane}"] pre .line`, (els) => els.map((e) => e.textContent ?? ''));
const frame = (h: Harness) => h.page.waitForTimeout(120);
/**
 * tqdm's bar as it writes it to stderr: `tqdm.display` → `status_printer`'s `fp_write('\r' + s)`
 * for each refresh (the meter of `format_meter`, ascii bar), and a newline from `close()`.
 */
const bar = (n: number, total: number) =>
  `${String(Math.round((100 * n) / total)).padStart(3)}%|${'#'.repeat(n).padEnd(total)}| ${n}/${total} [00:0${n}<00:00,  1.00it/s]`;

describe('Console and Find (real Chromium)', () => {
  const harness = harnessPerTest('console');
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });

  it('interleaves stdout and stderr as a terminal shows them, progress bar redraws included', async () => {
    await h.send({ type: 'snapshot', run: RUN, batch: { series: [], logs: [], events: [] } });
    await h.page.click('#tab-console');
    await h.send(logs('stdout', 'Epoch 1\n'));
    await h.send(logs('stderr', `\r${bar(0, 4)}`));
    await h.send(logs('stderr', `\r${bar(2, 4)}`));
    await h.send(logs('stderr', `\r${bar(4, 4)}\n`));
    await h.send(logs('stdout', 'loss=0.52 acc=0.81\n'));
    await h.send(logs('stderr', 'UserWarning: lr scheduler stepped before optimizer\n'));
    await frame(h);
    assert.deepEqual(await rowsOf(h, 'Console'), [
      'Epoch 1\n',
      `${bar(4, 4)}\n`,
      'loss=0.52 acc=0.81\n',
      'UserWarning: lr scheduler stepped before optimizer\n',
    ]);
    await h.page.click('#tab-stdout');
    await frame(h);
    assert.deepEqual(await rowsOf(h, 'Output'), ['Epoch 1\n', 'loss=0.52 acc=0.81\n'], 'Output keeps stdout alone');
  });

  it("after a reload, shows the snapshot's Console in the order its text came, not stdout then stderr", async () => {
    await h.send({
      type: 'snapshot',
      run: RUN,
      batch: {
        series: [],
        logs: [
          { stream: 'stdout', text: 'Epoch 1\nloss=0.52\n', line: 0 },
          { stream: 'stderr', text: `${bar(4, 4)}\nUserWarning: lr\n`, line: 0 },
          { stream: 'console', text: `Epoch 1\n${bar(4, 4)}\nloss=0.52\nUserWarning: lr\n`, line: 0 },
        ],
        events: [],
      },
    });
    await h.page.click('#tab-console');
    await frame(h);
    assert.deepEqual(await rowsOf(h, 'Console'), ['Epoch 1\n', `${bar(4, 4)}\n`, 'loss=0.52\n', 'UserWarning: lr\n']);
    assert.equal(await h.page.locator('#tab-console').count(), 1, 'no tab of its own');
    // and it goes on live
    await h.send(logs('stderr', 'done\n'));
    await frame(h);
    assert.deepEqual((await rowsOf(h, 'Console')).slice(-2), ['UserWarning: lr\n', 'done\n']);
    await h.page.click('#tab-stdout');
    await frame(h);
    assert.deepEqual(await rowsOf(h, 'Output'), ['Epoch 1\n', 'loss=0.52\n']);
  });

  it('scrolls a match far along a long line into view sideways, wraps on request, and keeps Find text per run', async () => {
    const long = `${'x'.repeat(600)} NEEDLE ${'y'.repeat(300)}`;
    const text = Array.from({ length: 50 }, (_, i) => (i === 30 ? long : `line ${i}`)).join('\n') + '\n';
    await h.send({ type: 'snapshot', run: RUN, batch: { series: [], logs: [{ stream: 'stdout', text }], events: [] } });
    await h.page.click('#tab-console');
    const viewport = h.page.locator('.log[aria-label="Console"]');
    await h.page.fill('[aria-label="Find in Console"]', 'needle');
    await h.page.press('[aria-label="Find in Console"]', 'Enter');
    await until(async () => (await h.page.textContent('.log-pane:has(.log[aria-label="Console"]) .log-count')) === '1 of 1', 3000, 'found');
    await frame(h);
    const inView = async () => {
      const v = (await viewport.boundingBox())!;
      const m = (await h.page.locator('.log[aria-label="Console"] .current-match mark').boundingBox())!;
      return m.x >= v.x && m.x + m.width <= v.x + v.width;
    };
    assert.ok((await viewport.evaluate((e) => e.scrollLeft)) > 0, 'scrolled sideways');
    assert.equal(await inView(), true, 'the match is in view');

    await h.page.click('.log-pane:has(.log[aria-label="Console"]) .log-wrap');
    await frame(h);
    assert.equal(await h.page.getAttribute('.log-pane:has(.log[aria-label="Console"]) .log-wrap', 'aria-pressed'), 'true');
    assert.ok((await viewport.evaluate((e) => e.scrollWidth - e.clientWidth)) <= 1, 'no sideways scrolling while wrapped');

    // another run: its own (empty) Find; back: "needle" again
    await until(async () => JSON.stringify(await h.state()).includes('"console":"needle"'), 3000, 'kept with the run');
    await h.send({ type: 'snapshot', run: OTHER, batch: { series: [], logs: [{ stream: 'stdout', text }], events: [] } });
    await frame(h);
    assert.equal(await h.page.inputValue('[aria-label="Find in Console"]'), '');
    await h.send({ type: 'snapshot', run: RUN, batch: { series: [], logs: [{ stream: 'stdout', text }], events: [] } });
    await frame(h);
    assert.equal(await h.page.inputValue('[aria-label="Find in Console"]'), 'needle');
  });
});
