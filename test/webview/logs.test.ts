/** Log panes at a million lines in real Chromium: virtual rows, lines read back through the host, find, follow, copy. */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { until } from '../helpers';
import { harnessPerTest, resultsDir, RUN, type Harness } from './harness';

const TOTAL = 1_000_000;
/** The stand-in log: line n of a million. */
const lineText = (n: number) => (n % 100_000 === 4242 ? `\x1b[31mERROR\x1b[0m NaN loss at line ${n}` : `line ${n} step=${n} loss=0.5`);
const shown = (n: number) => lineText(n).replace(/\x1b\[[0-9;]*m/g, '');

type Posted = { type: string; id: number; stream?: string; from?: number; count?: number; query?: string; text?: string };

/** Answers the page's log requests as the host would, until stopped. */
function standInHost(h: Harness): () => void {
  let answered = 0;
  let running = true;
  void (async () => {
    while (running) {
      const posted = (await h.posted().catch(() => [])) as Posted[];
      for (const m of posted.slice(answered)) {
        if (m.type === 'logLines') {
          const lines = Array.from({ length: Math.max(0, Math.min(m.count!, TOTAL - m.from!)) }, (_, i) => lineText(m.from! + i));
          await h.send({ type: 'logLines', id: m.id, from: m.from, lines });
        } else if (m.type === 'logSearch') {
          const q = m.query!.toLowerCase();
          const lines = Array.from({ length: 10 }, (_, k) => k * 100_000 + 4242).filter((n) => shown(n).toLowerCase().includes(q));
          await h.send({ type: 'logSearch', id: m.id, lines, complete: true });
        }
      }
      answered = posted.length;
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return () => (running = false);
}

const rows = (h: Harness) => h.page.$$eval('[aria-label="Output"] pre .line', (els) => els.map((e) => e.textContent ?? ''));

describe('Log panes (real Chromium)', () => {
  const harness = harnessPerTest('logs');
  let h: Harness;
  let stop: () => void;
  beforeEach(async () => {
    h = harness();
    stop = standInHost(h);
    // the host's snapshot holds the last 3000 lines of a million
    const from = TOTAL - 3000;
    const text = Array.from({ length: 3000 }, (_, i) => lineText(from + i) + '\n').join('');
    await h.send({ type: 'snapshot', run: RUN, batch: { series: [], logs: [{ stream: 'stdout', text, line: from }], events: [] } });
    await h.page.waitForTimeout(100);
  });
  afterEach(() => stop());

  it('renders only the rows in view, follows the newest line, and reads older lines back from the host on scroll', async () => {
    const first = await rows(h);
    assert.ok(first.length > 10 && first.length < 80, `${first.length} rows in the DOM for a million lines`);
    assert.equal(first.at(-1), `${shown(TOTAL - 1)}\n`, 'following: the newest line is in view');
    assert.equal(await h.page.getAttribute('.log-follow', 'aria-pressed'), 'true');
    const height = await h.page.$eval('.log-spacer', (e) => e.getBoundingClientRect().height);
    assert.equal(height, 15_000_000, "the scrollbar spans the whole log (scaled: browsers cap an element's height)");

    await h.page.$eval('.log[aria-label="Output"]', (e) => (e.scrollTop = 7_500_000));
    await until(async () => (await rows(h)).some((r) => r === `${shown(500_000)}\n`), 5000, 'line 500000 read back from the host');
    const asked = ((await h.posted()) as Posted[]).filter((m) => m.type === 'logLines');
    assert.ok(
      asked.every((m) => m.stream === 'stdout' && m.count === 200 && m.from! % 200 === 0),
      JSON.stringify(asked.slice(0, 3)),
    );
    assert.ok(asked.length <= 4, `a block or two per view (${asked.length} requests)`);
    assert.equal(await h.page.getAttribute('.log-follow', 'aria-pressed'), 'false', 'scrolling up stops following');

    await h.send({ type: 'batch', batch: { series: [], logs: [{ stream: 'stdout', text: 'a new line\n' }], events: [] } });
    await h.page.waitForTimeout(100);
    assert.ok((await rows(h)).includes(`${shown(500_000)}\n`), 'new lines do not move a view scrolled up');
    await h.page.click('.log-follow');
    await until(async () => (await rows(h)).at(-1) === 'a new line\n', 3000, 'Follow goes back to the newest line');
  });

  it('finds text in the whole log through the host, highlights it, and steps through the matches', async () => {
    await h.page.fill('.log-find', 'nan LOSS');
    await h.page.press('.log-find', 'Enter');
    await until(async () => (await h.page.textContent('.log-count')) === '10 of 10', 3000, 'ten matches');
    assert.ok(((await h.posted()) as Posted[]).some((m) => m.type === 'logSearch' && m.query === 'nan LOSS' && m.stream === 'stdout'));
    // following, the newest match comes first: line 904242, read back from the host
    await until(
      async () => (await h.page.$$eval('.current-match mark', (els) => els.map((e) => e.textContent))).join() === 'NaN loss',
      3000,
      'the match highlighted',
    );
    assert.equal(await h.page.textContent('.current-match'), `${shown(904_242)}\n`);
    await h.page.press('.log-find', 'Enter');
    await until(async () => (await h.page.textContent('.log-count')) === '1 of 10', 3000, 'wraps to the first');
    await until(async () => (await h.page.textContent('.current-match')) === `${shown(4242)}\n`, 3000, 'line 4242 in view');
    const red = await h.page.$eval('.current-match span', (e) => getComputedStyle(e).color);
    assert.equal(red, 'rgb(205, 49, 49)', 'colours stay under the highlight');
    await h.page.press('.log-find', 'Shift+Enter');
    await until(async () => (await h.page.textContent('.log-count')) === '10 of 10', 3000, 'Shift+Enter goes back');
    await h.page.screenshot({ path: path.join(resultsDir, 'logs-find.png') });
  });

  it('copies the lines in view, or the selection, through the host', async () => {
    await h.page.click('.log-copy');
    const copied = await until(async () => ((await h.posted()) as Posted[]).find((m) => m.type === 'copy'), 3000, 'a copy');
    const lines = copied.text!.split('\n').filter(Boolean);
    assert.ok(lines.length >= 10 && lines.length <= 16, `the ~13 lines in view (${lines.length})`);
    assert.equal(lines.at(-1), shown(TOTAL - 1));
    await h.page.evaluate(`(() => {
      const row = document.querySelectorAll('[aria-label="Output"] pre .line')[document.querySelectorAll('[aria-label="Output"] pre .line').length - 1];
      const range = document.createRange();
      range.setStart(row.firstChild, 5);
      range.setEnd(row.firstChild, 12);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
    })()`);
    await h.page.click('.log-copy');
    await until(async () => ((await h.posted()) as Posted[]).filter((m) => m.type === 'copy').length === 2, 3000, 'a second copy');
    assert.equal(((await h.posted()) as Posted[]).filter((m) => m.type === 'copy')[1].text, shown(TOTAL - 1).slice(5, 12));
  });

  it('takes a million appended lines without growing: the DOM keeps the rows in view', async () => {
    await h.page.evaluate(`(() => {
      for (let b = 0; b < 200; b++) {
        let text = '';
        for (let i = 0; i < 5000; i++) text += 'appended ' + (b * 5000 + i) + '\\n';
        window.postMessage({ type: 'batch', batch: { series: [], logs: [{ stream: 'stdout', text }], events: [] } }, '*');
      }
    })()`);
    await until(async () => (await rows(h)).at(-1) === 'appended 999999\n', 10_000, 'the last appended line in view');
    const n = (await rows(h)).length;
    assert.ok(n < 80, `${n} rows in the DOM`);
    const height = await h.page.$eval('.log-spacer', (e) => e.getBoundingClientRect().height);
    assert.ok(Math.abs(height - 15_000_000) < 1, `two million lines: the scroll height is capped (${height})`);
  });
});
