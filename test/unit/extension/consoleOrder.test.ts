/**
 * The Console's order across reloads: a real process writes stdout and stderr alternately into
 * its run folder (process.ts); real pipelines read it. After a snapshot (a webview reload) and
 * after the files are read again (a window reload, the order read back from the run folder), the
 * Console's text is what it was live.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONSOLE_STREAM, type Batch } from '../../../src/core/protocol/batch';
import { CONSOLE_ORDER_FILE, ConsoleOrder } from '../../../src/extension/consoleOrder';
import { TrainingProcess } from '../../../src/extension/process';
import { Pipeline } from '../../../src/workers/pipeline';
import { tempDir, workersDir } from '../../helpers';

/** Follows `dir` to the end of its files: what the live Console showed (stdout and stderr text as it came), and the snapshot's Console. */
async function follow(dir: string, order: ConsoleOrder, whileRunning?: Promise<unknown>): Promise<{ live: string; rebuilt: string | undefined }> {
  let live = '';
  const pipeline = new Pipeline(
    { root: dir, workersDir, updatesPerSecond: 20, pollMs: 10, live: true },
    {
      batch: (b: Batch) => {
        order.note(b);
        for (const l of b.logs) if (l.stream === 'stdout' || l.stream === 'stderr') live += l.text;
      },
      error: (t) => assert.fail(t),
    },
  );
  await whileRunning;
  await pipeline.drain();
  const snapshot = await pipeline.snapshot();
  const rebuilt = order.rebuild(snapshot.logs);
  if (rebuilt) assert.equal(rebuilt.stream, CONSOLE_STREAM);
  return { live, rebuilt: rebuilt?.text };
}

describe('Console order across reloads', () => {
  it('rebuilds the Console of a real process that alternates stdout and stderr in the order it came', async () => {
    const dir = tempDir();
    // three lines to stdout, then two to stderr, and so on; each burst read before the next
    const script = [
      'import sys, time',
      'for i in range(8):',
      // whole lines in one write each: unbuffered (PYTHONUNBUFFERED, as launched), print writes a line and its end apart
      '    for k in range(3): sys.stdout.write(f"out {i}.{k}\\n")',
      '    time.sleep(0.25)',
      '    for k in range(2): sys.stderr.write(f"err {i}.{k}\\n")',
      '    time.sleep(0.25)',
    ].join('\n');
    const proc = new TrainingProcess({ command: '/usr/bin/python3', args: ['-c', script], shell: false, cwd: dir, env: {}, name: 'alt' }, dir);
    const first = await follow(dir, new ConsoleOrder(dir), proc.exited);
    const expected = Array.from({ length: 8 }, (_, i) => `out ${i}.0\nout ${i}.1\nout ${i}.2\nerr ${i}.0\nerr ${i}.1\n`).join('');
    assert.equal(first.live, expected, 'live, the bursts came in the order written');
    assert.equal(first.rebuilt, first.live, 'a snapshot: the same order, not all stdout then all stderr');
    assert.ok(fs.readFileSync(path.join(dir, CONSOLE_ORDER_FILE), 'utf8').startsWith('o 3\ne 2\no 3\n'));

    // a window reload: new workers read both files at once; the order comes from the run folder
    const again = await follow(dir, new ConsoleOrder(dir));
    assert.notEqual(again.live, expected, 'read again, the files come a file at a time');
    assert.equal(again.rebuilt, expected);
    const records = fs.readFileSync(path.join(dir, CONSOLE_ORDER_FILE), 'utf8');
    assert.equal(records.split('\n').filter(Boolean).length, 15, 'nothing recorded twice: 16 bursts, the last one still open');
  });

  it('keeps the order of lines written while no window watched, and of a stream with a backlog', () => {
    const dir = tempDir();
    const order = new ConsoleOrder(dir);
    order.note({ series: [], events: [], logs: [{ stream: 'stderr', text: 'e0\n' }] });
    order.note({ series: [], events: [], logs: [{ stream: 'stdout', text: 'o0\no1\n' }] });
    order.note({ series: [], events: [], logs: [{ stream: 'stderr', text: 'e1\nbar 50%' }] });
    const snapshot = [
      { stream: 'stdout', text: 'o0\no1\n', line: 0 },
      { stream: 'stderr', text: 'e0\ne1\nbar 50%', line: 0 },
    ];
    assert.equal(order.rebuild(snapshot)?.text, 'e0\no0\no1\ne1\nbar 50%');
    // another window: the two streams' text again, from the start, then a stdout line it sees come
    const next = new ConsoleOrder(dir);
    next.note({
      series: [],
      events: [],
      logs: [
        { stream: 'stdout', text: 'o0\no1\n' },
        { stream: 'stderr', text: 'e0\ne1\nbar 50%' },
      ],
    });
    next.note({ series: [], events: [], logs: [{ stream: 'stdout', text: 'o2\n' }] });
    assert.equal(
      next.rebuild([
        { stream: 'stdout', text: 'o1\no2\n', line: 1 },
        { stream: 'stderr', text: 'e0\ne1\nbar 50%', line: 0 },
      ])?.text,
      'e0\no1\ne1\no2\nbar 50%',
      'o2 came after the window reload, in its place; o0 is no longer held',
    );
  });
});
