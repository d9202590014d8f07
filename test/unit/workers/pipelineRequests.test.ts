/** The host's questions to the refine worker (request.ts) and the numbering of its batches, with real worker_threads. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Batch } from '../../../src/core/protocol/batch';
import { RequestError } from '../../../src/core/protocol/request';
import { Pipeline } from '../../../src/workers/pipeline';
import { noUnhandledRejections, sleep, tempDir, until, workersDir } from '../../helpers';

function consumer() {
  const batches: Batch[] = [];
  const errors: string[] = [];
  const restarts: string[] = [];
  return {
    batches,
    errors,
    restarts,
    points: (key: string) => batches.flatMap((b) => b.series.filter((s) => s.key === key).flatMap((s) => [...s.x])),
    batch: (b: Batch) => void batches.push(b),
    error: (t: string) => void errors.push(t),
    restarted: (t: string) => void restarts.push(t),
  };
}

describe('Pipeline questions and batch numbers (real worker_threads)', () => {
  noUnhandledRejections();

  it('log searches and log lines asked while the run ends are answered, from what the run kept', async () => {
    const dir = tempDir();
    const n = 200_000;
    const lines = Array.from({ length: n }, (_, i) => (i % 50_000 === 1234 ? `Traceback at ${i}` : `step=${i} loss=0.5 some text to search through`));
    fs.writeFileSync(path.join(dir, 'stdout.log'), lines.join('\n') + '\n');
    const c = consumer();
    const p = new Pipeline({ root: dir, workersDir, updatesPerSecond: 20, pollMs: 20 }, c);
    await until(() => c.points('stdout.log:loss').length === n - 4, 30_000, 'all points');
    // each search reads the whole log: the workers end while they are still reading
    const searches = Array.from({ length: 4 }, () => p.logSearch('stdout', 'traceback', 100));
    const block = p.logLines('stdout', 1200, 200);
    const drained = p.drain();
    const expected = { lines: [1234, 51_234, 101_234, 151_234], complete: true };
    for (const s of searches) assert.deepEqual(await s, expected);
    assert.deepEqual(await block, lines.slice(1200, 1400));
    await drained;
    assert.deepEqual(p.threadIds, [-1, -1]);
    assert.deepEqual(c.errors, []);
  });

  it('an error while reading log lines back is an error reply: the question fails with why, the worker lives on', async () => {
    const dir = tempDir();
    const log = path.join(dir, 'stdout.log');
    fs.writeFileSync(log, Array.from({ length: 100 }, (_, i) => `step=${i} loss=0.5\n`).join(''));
    const c = consumer();
    const p = new Pipeline({ root: dir, workersDir, updatesPerSecond: 20, pollMs: 60_000 }, c);
    await until(() => c.points('stdout.log:loss').length === 100, 10_000, 'all points');
    const threads = p.threadIds;
    // the log's place now holds a folder: it opens, and reading it fails (EISDIR)
    fs.rmSync(log);
    fs.mkdirSync(log);
    const failures = await Promise.all(
      [p.logLines('stdout', 0, 10), p.logSearch('stdout', 'loss', 10)].map((q) =>
        q.then(
          () => assert.fail('expected an error'),
          (e: unknown) => e,
        ),
      ),
    );
    for (const err of failures) {
      assert.ok(err instanceof RequestError, String(err));
      assert.equal(err.failure, 'error');
      assert.match(err.message, /EISDIR/);
    }
    await sleep(200);
    assert.deepEqual(p.threadIds, threads, 'the same workers');
    assert.deepEqual([c.errors, c.restarts], [[], []]);
    assert.equal((await p.window(['stdout.log:loss'], 0, 99, 10)).length, 1, 'and they still answer');
    await p.dispose();
  });

  it('numbers batches 1, 2, …; a snapshot carries the number of the last batch it holds', async () => {
    const dir = tempDir();
    const log = path.join(dir, 'stdout.log');
    fs.writeFileSync(log, '');
    const c = consumer();
    const p = new Pipeline({ root: dir, workersDir, updatesPerSecond: 50, pollMs: 10 }, c);
    const snapshots: Batch[] = [];
    for (let i = 0; i < 600; i++) {
      fs.appendFileSync(log, `step=${i} loss=0.5\n`);
      if (i % 60 === 59) {
        // a batch since the last snapshot, so snapshots fall between different batches however loaded the machine
        const seen = c.batches.length;
        await until(() => c.batches.length > seen, 10_000, 'a batch');
        snapshots.push(await p.snapshot(true));
      }
    }
    await p.drain();
    assert.deepEqual(
      c.batches.map((b) => b.seq),
      c.batches.map((_, i) => i + 1),
    );
    assert.equal(c.points('stdout.log:loss').length, 600);
    for (const s of snapshots) {
      // exactly the points of the batches up to its number
      const upTo = c.batches.filter((b) => b.seq! <= s.seq!).flatMap((b) => b.series.flatMap((d) => [...d.x]));
      assert.deepEqual([...(s.series[0]?.x ?? [])], upTo, `snapshot ${s.seq}`);
    }
    assert.ok(new Set(snapshots.map((s) => s.seq)).size > 3, 'snapshots taken between different batches');
  });
});
