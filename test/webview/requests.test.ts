/** The page's questions to the host end answered or failed, never waiting for ever; batches a snapshot holds are dropped (real Chromium). */
import { strict as assert } from 'node:assert';
import { until } from '../helpers';
import { harnessPerTest, RUN, type Harness } from './harness';

type Posted = { type: string; id: number; stream?: string; from?: number; query?: string };

const rows = (h: Harness) => h.page.$$eval('[aria-label="Output"] pre .line', (els) => els.map((e) => e.textContent ?? ''));
/** The snapshot's last line drawn: a scroll before the pane has its rows moves nothing (no request). */
const shown = (h: Harness) => until(async () => (await rows(h)).includes('line 1099\n'), 5000, 'the snapshot drawn');
const lines = (from: number, n: number) => Array.from({ length: n }, (_, i) => `line ${from + i}\n`).join('');

describe('Questions to the host and the order of batches (real Chromium)', () => {
  const harness = harnessPerTest('requests');
  let h: Harness;
  beforeEach(() => (h = harness()));

  it('an error reply ends a log search ("Search failed", not "…") and shows in the rows of a block that could not be read', async () => {
    // the snapshot holds lines 1000..1099: lines above are read back from the host
    await h.send({ type: 'snapshot', run: RUN, batch: { series: [], logs: [{ stream: 'stdout', text: lines(1000, 100), line: 1000 }], events: [] } });
    await shown(h);
    await h.page.$eval('.log[aria-label="Output"]', (e) => (e.scrollTop = 0));
    const ask = await until(async () => ((await h.posted()) as Posted[]).find((m) => m.type === 'logLines' && m.from === 0), 5000, 'block 0 asked');
    assert.equal((await rows(h))[0], '…\n', 'waiting for the host');
    await h.send({ type: 'error', id: ask.id, message: 'EISDIR: illegal operation on a directory, read' });
    await until(async () => (await rows(h))[0]?.startsWith('(could not read this line back: EISDIR'), 3000, 'the error in the rows');
    await h.page.waitForTimeout(300);
    assert.equal(
      ((await h.posted()) as Posted[]).filter((m) => m.type === 'logLines' && m.from === 0).length,
      1,
      'a failed block is not asked again and again',
    );

    await h.page.fill('.log-find', 'line 5');
    await h.page.press('.log-find', 'Enter');
    const search = await until(async () => ((await h.posted()) as Posted[]).find((m) => m.type === 'logSearch'), 3000, 'the search');
    assert.equal(await h.page.textContent('.log-count'), '…');
    await h.send({ type: 'error', id: search.id, message: 'EISDIR: illegal operation on a directory, read' });
    await until(async () => (await h.page.textContent('.log-count')) === 'Search failed', 3000, 'the search ends');
    assert.match((await h.page.getAttribute('.log-count', 'title')) ?? '', /EISDIR/);
  });

  it('answers that come after a new snapshot are of what it replaced: a block is asked again, not shown from the old text', async () => {
    await h.send({ type: 'snapshot', run: RUN, batch: { series: [], logs: [{ stream: 'stdout', text: lines(1000, 100), line: 1000 }], events: [] } });
    await shown(h);
    await h.page.$eval('.log[aria-label="Output"]', (e) => (e.scrollTop = 0));
    const old = await until(async () => ((await h.posted()) as Posted[]).find((m) => m.type === 'logLines' && m.from === 0), 5000, 'block 0 asked');
    await h.send({ type: 'snapshot', run: RUN, batch: { series: [], logs: [{ stream: 'stdout', text: lines(1000, 100), line: 1000 }], events: [] } });
    await h.send({ type: 'logLines', id: old.id, from: 0, lines: ['stale'] });
    await h.page.$eval('.log[aria-label="Output"]', (e) => (e.scrollTop = 1));
    await h.page.$eval('.log[aria-label="Output"]', (e) => (e.scrollTop = 0));
    const again = await until(
      async () => ((await h.posted()) as Posted[]).find((m) => m.type === 'logLines' && m.from === 0 && m.id !== old.id),
      5000,
      'block 0 asked again',
    );
    await h.send({ type: 'logLines', id: again.id, from: 0, lines: Array.from({ length: 200 }, (_, i) => `line ${i}`) });
    await until(async () => (await rows(h))[0] === 'line 0\n', 3000, 'the new answer shown');
  });

  it('drops the batches a snapshot holds (by their numbers), per run, and applies the newer ones', async () => {
    const series = (key: string, xs: number[]) => ({
      key,
      name: 'loss',
      source: 'stdout.log',
      xKind: 'step',
      x: { f64: xs },
      y: { f64: xs.map(() => 0.5) },
      wall: { f64: xs.map(() => null) },
    });
    await h.send({
      type: 'snapshot',
      run: RUN,
      batch: { series: [series('stdout.log:loss', [0, 1, 2])], logs: [{ stream: 'stdout', text: lines(0, 3), line: 0 }], events: [], seq: 7 },
      seqs: { '': 7, run1: 2 },
    });
    const batch = (seq: number, text: string, run?: string) =>
      h.send({ type: 'batch', batch: { series: [], logs: run ? [] : [{ stream: 'stdout', text }], events: [], seq, ...(run && { run }) } });
    await batch(6, 'line 1 again\n'); // held by the snapshot: a duplicate would shift every later line number
    await batch(7, 'line 2 again\n');
    await batch(8, 'line 3\n');
    await batch(9, 'line 4\n');
    await batch(8, 'line 3 again\n');
    await h.send({ type: 'batch', batch: { series: [], logs: [{ stream: 'stdout', text: 'an unnumbered line\n' }], events: [] } });
    await until(async () => (await rows(h)).length === 6, 3000, 'six lines');
    assert.deepEqual(await rows(h), ['line 0\n', 'line 1\n', 'line 2\n', 'line 3\n', 'line 4\n', 'an unnumbered line\n']);
    // an overlay's numbers are its own: its batch 3 is newer than the snapshot's 2 for it
    await h.send({ type: 'batch', batch: { series: [series('run1\u0000stdout.log:loss', [0, 1])], logs: [], events: [], seq: 3, run: 'run1' } });
    await h.send({ type: 'batch', batch: { series: [series('stdout.log:loss', [2])], logs: [], events: [], seq: 5 } });
    await until(async () => (await h.page.$$('.chart')).length > 0, 3000, 'a chart');
    await until(async () => (await h.page.$$eval('.chart .u-legend .u-series', (els) => els.length)) >= 3, 3000, 'both runs in the legend');
  });
});
