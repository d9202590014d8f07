import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Batch } from '../../../src/core/protocol/batch';
import { DISPLAY_BUCKETS, Pipeline } from '../../../src/workers/pipeline';
import { sleep, tempDir, until, workersDir } from '../../helpers';

/** Collects what a pipeline delivers, optionally slowly (a webview that lags). */
function consumer(delayMs = 0) {
  const batches: Batch[] = [];
  const errors: string[] = [];
  return {
    batches,
    errors,
    points: (key: string) => batches.flatMap((b) => b.series.filter((s) => s.key === key).flatMap((s) => [...s.x])),
    batch: async (b: Batch) => {
      batches.push(b);
      if (delayMs) await sleep(delayMs);
    },
    error: (t: string) => errors.push(t),
  };
}

describe('Pipeline (real worker_threads)', () => {
  it('delivers appended lines as throttled batches, then drains the last partial line and ends both workers', async () => {
    const dir = tempDir();
    const log = path.join(dir, 'stdout.log');
    fs.writeFileSync(log, '');
    const c = consumer();
    const p = new Pipeline({ root: dir, workersDir, updatesPerSecond: 20, pollMs: 20 }, c);
    const [tailId, refineId] = p.threadIds;
    assert.ok(tailId > 0 && refineId > 0 && tailId !== refineId);
    for (let i = 1; i <= 200; i++) {
      fs.appendFileSync(log, `step=${i} loss=${1 / i}\n`);
      if (i % 20 === 0) await sleep(30);
    }
    fs.appendFileSync(log, 'step=201 loss=0.001'); // no newline yet
    await until(() => c.points('stdout.log:loss').length >= 200, 10_000, '200 points');
    assert.equal(c.points('stdout.log:loss').length, 200, 'the partial line waits');
    await p.drain();
    assert.deepEqual(
      c.points('stdout.log:loss'),
      Array.from({ length: 201 }, (_, i) => i + 1),
    );
    assert.deepEqual(p.threadIds, [-1, -1], 'both workers ended');
    assert.deepEqual(c.errors, []);
    const snapshot = await p.snapshot();
    assert.equal(snapshot.series[0].x.length, 201, 'a finished run still restores');
  });

  it('a slow consumer gets fewer, bigger batches and every point', async () => {
    const dir = tempDir();
    const log = path.join(dir, 'stdout.log');
    fs.writeFileSync(log, '');
    const c = consumer(300);
    const p = new Pipeline({ root: dir, workersDir, updatesPerSecond: 50, pollMs: 10 }, c);
    for (let i = 1; i <= 2000; i++) {
      fs.appendFileSync(log, `step=${i} loss=${i}\n`);
      if (i % 100 === 0) await sleep(20);
    }
    await p.drain();
    assert.equal(c.points('stdout.log:loss').length, 2000);
    // ~0.4 s of writing at 50 batches/s would be ~20 batches; the 300 ms consumer with 2 credits allows far fewer
    assert.ok(c.batches.length <= 8, `${c.batches.length} batches`);
  });

  it('reacts to writes through the watch, long before the next poll', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'stdout.log'), '');
    const c = consumer();
    const p = new Pipeline({ root: dir, workersDir, updatesPerSecond: 20, pollMs: 60_000 }, c);
    await sleep(300); // the first pass and the watch are set up
    fs.appendFileSync(path.join(dir, 'stdout.log'), 'step=1 loss=0.5\n');
    fs.mkdirSync(path.join(dir, 'logs'));
    fs.writeFileSync(path.join(dir, 'logs', 'metrics.csv'), 'step,acc\n1,0.5\n');
    await until(() => c.points('stdout.log:loss').length === 1 && c.points('logs/metrics.csv:acc').length === 1, 3000, 'watched writes');
    await p.dispose();
  });

  it('sends a point written after a quiet spell at once, and coalesces what follows within the interval', async () => {
    const dir = tempDir();
    const log = path.join(dir, 'stdout.log');
    fs.writeFileSync(log, '');
    const c = consumer();
    // one batch every 4 s at most: a fixed tick would hold the first point for up to 4 s
    const p = new Pipeline({ root: dir, workersDir, updatesPerSecond: 0.25, pollMs: 20 }, c);
    try {
      await sleep(300);
      const written = Date.now();
      fs.appendFileSync(log, 'step=1 loss=0.5\n');
      await until(() => c.points('stdout.log:loss').length === 1, 1500, 'the first point at once (leading edge)');
      const firstAfter = Date.now() - written;
      fs.appendFileSync(log, 'step=2 loss=0.4\n');
      await sleep(300);
      fs.appendFileSync(log, 'step=3 loss=0.3\n');
      await sleep(1000);
      assert.equal(c.batches.filter((b) => b.series.length).length, 1, 'within the interval nothing more is sent yet');
      await until(() => c.points('stdout.log:loss').length === 3, 6000, 'the rest at the end of the interval (trailing edge)');
      assert.equal(c.batches.filter((b) => b.series.length).length, 2, `the two later points as one batch (first came after ${firstAfter} ms)`);
    } finally {
      await p.dispose();
    }
  });

  it("answers a zoom window at full fidelity from the worker's store", async () => {
    const dir = tempDir();
    const lines = Array.from({ length: 20_000 }, (_, i) => `step=${i} loss=${i === 12_345 ? 99 : Math.sin(i / 100)}\n`);
    fs.writeFileSync(path.join(dir, 'stdout.log'), lines.join(''));
    const c = consumer();
    const p = new Pipeline({ root: dir, workersDir, updatesPerSecond: 20, pollMs: 20 }, c);
    await until(() => c.points('stdout.log:loss').length === 20_000, 10_000, 'all points');
    const [whole] = await p.window(['stdout.log:loss'], 0, 19_999, 100);
    assert.equal(whole.inRange, 20_000);
    assert.ok(whole.x.length <= 400 && whole.y.includes(99), 'decimated, spike kept');
    const [zoom] = await p.window(['stdout.log:loss', 'no such series'], 12_300, 12_399, 200);
    assert.deepEqual(
      [...zoom.x],
      Array.from({ length: 100 }, (_, i) => 12_300 + i),
      'every point of a narrow window',
    );
    await p.dispose();
  });

  it('gives a webview its snapshot at display resolution, an export every point, and still zooms once ended', async () => {
    const dir = tempDir();
    const n = 40_000;
    fs.writeFileSync(path.join(dir, 'stdout.log'), Array.from({ length: n }, (_, i) => `step=${i} loss=${i === 30_000 ? 99 : 1}\n`).join(''));
    const c = consumer();
    const p = new Pipeline({ root: dir, workersDir, updatesPerSecond: 20, pollMs: 20 }, c);
    await until(() => c.points('stdout.log:loss').length === n, 10_000, 'all points');
    const [display] = (await p.snapshot()).series;
    assert.ok(display.x.length <= DISPLAY_BUCKETS * 4 && display.x.length < n, `${display.x.length} points at display resolution`);
    assert.ok(display.y.includes(99) && display.hi!.includes(99), 'the spike is in the line and its band');
    assert.equal(display.x.at(-1), n - 1);
    assert.equal((await p.snapshot(true)).series[0].x.length, n, 'an export gets every point');
    await p.drain();
    assert.equal((await p.snapshot()).series[0].x.length, display.x.length, 'a finished run restores at display resolution');
    assert.equal((await p.snapshot(true)).series[0].x.length, n);
    const [zoom] = await p.window(['stdout.log:loss'], 29_990, 30_010, 500);
    assert.deepEqual(
      [...zoom.x],
      Array.from({ length: 21 }, (_, i) => 29_990 + i),
      "a finished run's window at full fidelity",
    );
    assert.equal(zoom.y[10], 99);
  });

  it('reads log lines back and searches the log in the worker, and on the host once the workers ended', async () => {
    const dir = tempDir();
    const lines = Array.from({ length: 30_000 }, (_, i) => (i === 22_222 ? 'Traceback (most recent call last):' : `step=${i} loss=0.5`));
    fs.writeFileSync(path.join(dir, 'stdout.log'), lines.join('\n') + '\n');
    const c = consumer();
    const p = new Pipeline({ root: dir, workersDir, updatesPerSecond: 20, pollMs: 20 }, c);
    await until(() => c.points('stdout.log:loss').length === 29_999, 10_000, 'all points');
    assert.deepEqual(await p.logLines('stdout', 22_220, 3), lines.slice(22_220, 22_223));
    assert.deepEqual(await p.logSearch('stdout', 'traceback', 100), { lines: [22_222], complete: true });
    await p.drain();
    assert.deepEqual(await p.logLines('stdout', 0, 2), lines.slice(0, 2), 'read by the host from the kept index');
    assert.deepEqual(await p.logSearch('stdout', 'traceback', 100), { lines: [22_222], complete: true });
  });

  it('follows files and folders outside the root under other names, and reads their lines back', async () => {
    const runDir = tempDir();
    const work = tempDir();
    fs.writeFileSync(path.join(work, 'slurm-17.out'), 'step=1 loss=0.9\nstep=2 loss=0.8\n');
    fs.mkdirSync(path.join(work, 'lightning_logs', 'version_0'), { recursive: true });
    fs.writeFileSync(path.join(work, 'lightning_logs', 'version_0', 'metrics.csv'), 'step,val_loss\n1,0.7\n');
    fs.writeFileSync(path.join(work, 'metrics.csv'), 'step,other\n1,1\n'); // in the work dir, not followed
    const c = consumer();
    const also = [
      { path: path.join(work, 'slurm-17.out'), as: 'stdout.log' },
      { path: path.join(work, 'lightning_logs'), as: 'lightning_logs' },
    ];
    const p = new Pipeline({ root: runDir, also, workersDir, updatesPerSecond: 20, pollMs: 20 }, c);
    await until(() => c.points('stdout.log:loss').length === 2 && c.points('lightning_logs/version_0/metrics.csv:val_loss').length === 1, 5000, 'both');
    fs.appendFileSync(path.join(work, 'slurm-17.out'), 'step=3 loss=0.7\n');
    await until(() => c.points('stdout.log:loss').length === 3, 5000, 'the appended line');
    assert.deepEqual(await p.logLines('stdout', 1, 5), ['step=2 loss=0.8', 'step=3 loss=0.7'], 'read back from the renamed file');
    assert.equal(c.points('metrics.csv:other').length, 0);
    await p.dispose();
  });

  it('answers a snapshot with everything so far while running', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'metrics.csv'), 'epoch,loss\n0,1\n1,0.5\n');
    const c = consumer();
    const p = new Pipeline({ root: dir, workersDir, updatesPerSecond: 20, pollMs: 20 }, c);
    await until(() => c.points('metrics.csv:loss').length === 2, 5000, 'two points');
    const snap = await p.snapshot();
    assert.deepEqual([...snap.series[0].y], [1, 0.5]);
    assert.equal(snap.series[0].xKind, 'epoch');
    await p.dispose();
  });

  it('replaces a worker that dies: the new pair reads the files again, with no point lost or doubled', async () => {
    const dir = tempDir();
    const log = path.join(dir, 'stdout.log');
    fs.writeFileSync(log, Array.from({ length: 500 }, (_, i) => `step=${i} loss=${1 / (i + 1)}\n`).join(''));
    const c = consumer();
    const restarts: string[] = [];
    // what a webview does on a restart: forget what it showed, take the new pair's snapshot
    const p = new Pipeline(
      { root: dir, workersDir, updatesPerSecond: 20, pollMs: 20 },
      { ...c, restarted: (t) => void (restarts.push(t), c.batches.splice(0)) },
    );
    await until(() => c.points('stdout.log:loss').length === 500, 5000, 'the first 500 points');
    const before = p.threadIds;
    assert.equal(await p.crash('refine'), 1, 'the refine worker was ended abruptly');
    fs.appendFileSync(log, Array.from({ length: 500 }, (_, i) => `step=${500 + i} loss=0.5\n`).join(''));
    await until(() => restarts.length === 1, 5000, 'the restart');
    assert.match(restarts[0], /The refine worker exited with code 1\. Restarted the workers/);
    await until(() => c.points('stdout.log:loss').length === 1000, 5000, 'all 1000 points again');
    await p.crash('tail');
    await until(() => restarts.length === 2 && c.points('stdout.log:loss').length === 1000, 5000, 'all points after the tail worker died');
    const after = c.points('stdout.log:loss');
    assert.deepEqual(
      after,
      Array.from({ length: 1000 }, (_, i) => i),
      'each step once, in order',
    );
    assert.ok(
      p.threadIds.every((id) => !before.includes(id)),
      'new threads',
    );
    assert.deepEqual(c.errors, []);
    await p.dispose();
  });

  it('stops replacing workers that keep dying, and says so', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'stdout.log'), 'step=1 loss=1\n');
    const c = consumer();
    let restarts = 0;
    const p = new Pipeline({ root: dir, workersDir, updatesPerSecond: 20, pollMs: 20 }, { ...c, restarted: () => void restarts++ });
    for (let k = 1; k <= 3; k++) {
      await p.crash('refine');
      await until(() => restarts === k, 5000, `restart ${k}`);
    }
    await p.crash('refine');
    await until(() => c.errors.length === 1, 5000, 'the message');
    assert.match(c.errors[0], /Workers died 4 times within a minute: not restarted/);
    assert.equal(restarts, 3);
    await p.dispose();
  });

  it('a worker that runs out of its heap cap ends alone, is replaced, and says why', async () => {
    const dir = tempDir();
    // an array job's 160 task logs: the log text kept for each tab (250K characters) outgrows a small cap
    const log = Array.from({ length: 4000 }, (_, i) => `step=${i} loss=0.5 and the rest of a line a task prints\n`).join('');
    for (let t = 0; t < 160; t++) fs.writeFileSync(path.join(dir, `stdout-${t}.log`), log);
    const c = consumer();
    const restarts: string[] = [];
    const p = new Pipeline(
      { root: dir, workersDir, updatesPerSecond: 20, pollMs: 20, heapMb: { tail: 64, refine: 24 } },
      { ...c, restarted: (t) => void restarts.push(t) },
    );
    try {
      await until(() => restarts.length >= 1 || c.errors.length >= 1, 60_000, 'the worker to reach its cap');
      assert.match([...restarts, ...c.errors].join('\n'), /refine worker .*memory limit/i);
      const { heapUsed } = process.memoryUsage();
      assert.ok(heapUsed < 512 << 20, `this process (the host) kept running, ${(heapUsed / 2 ** 20).toFixed(0)} MB of heap`);
    } finally {
      await p.dispose();
    }
  });
});
