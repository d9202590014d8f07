/**
 * Bounded memory on big inputs, through the real workers and real files: a 220 MB backlog of 3M
 * lines keeps every point and its log lines readable; one 300 MB line without a newline is cut
 * once. Memory is measured in the bench (`npm run bench`), not here.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Batch } from '../../../src/core/protocol/batch';
import { LOG_BATCH_CHARS, Ingester } from '../../../src/core/ingester';
import { Pipeline } from '../../../src/workers/pipeline';
import { tempDir, until, workersDir } from '../../helpers';

const LINES = 3_000_000;
const line = (i: number) => `step=${i} loss=${(i % 1000) / 1000} and some words the training prints, to fill the line\n`;

/** `LINES` lines, ~220 MB, written in large slices. */
function bigLog(file: string): void {
  const fd = fs.openSync(file, 'w');
  for (let i = 0; i < LINES;) {
    let s = '';
    for (const end = Math.min(LINES, i + 50_000); i < end; i++) s += line(i);
    fs.writeSync(fd, s);
  }
  fs.closeSync(fd);
}

function collect() {
  const batches: Batch[] = [];
  const errors: string[] = [];
  return { batches, errors, batch: (b: Batch) => void batches.push(b), error: (t: string) => errors.push(t) };
}

const logChars = (b: Batch) => b.logs.reduce((n, l) => n + l.text.length, 0);
const pointsIn = (b: Batch) => b.series.reduce((n, s) => n + s.x.length, 0);

describe('Big inputs through the real workers', function () {
  this.timeout(240_000);
  let dir = '';
  before(() => {
    dir = tempDir();
    bigLog(path.join(dir, 'stdout.log'));
    assert.ok(fs.statSync(path.join(dir, 'stdout.log')).size > 210e6);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('an ended run with a 220 MB stdout.log of 3M lines keeps every point and readable log lines', async () => {
    const c = collect();
    const p = new Pipeline({ root: dir, workersDir, updatesPerSecond: 20, pollMs: 50 }, c);
    // the parse takes several seconds: a drain waits while it moves, however short its idle limit
    await p.drain(3000);
    const [loss] = (await p.snapshot(true)).series;
    assert.equal(loss?.x.length, LINES, 'every point kept');
    assert.equal(loss.x[LINES - 1], LINES - 1);
    assert.deepEqual(
      await p.logLines('stdout', 0, 2),
      [line(0), line(1)].map((l) => l.trimEnd()),
    );
    assert.deepEqual(
      await p.logLines('stdout', LINES - 2, 5),
      [line(LINES - 2), line(LINES - 1)].map((l) => l.trimEnd()),
    );
    const biggest = Math.max(...c.batches.map(logChars));
    assert.ok(biggest <= 1_100_000, `log text per batch is capped (${biggest} characters)`);
    assert.deepEqual(c.errors, []);
  });

  it('attached live to it, the first batch comes early and small, and every point follows', async () => {
    const c = collect();
    const p = new Pipeline({ root: dir, workersDir, updatesPerSecond: 20, pollMs: 50 }, c);
    try {
      await until(() => c.batches.some((b) => b.series.length), 20_000, 'a first batch');
      const first = c.batches.find((b) => b.series.length)!;
      assert.ok(pointsIn(first) < LINES / 4, `the first batch holds ${pointsIn(first)} points, not the whole backlog`);
      assert.ok(logChars(first) <= 1_100_000, `and ${logChars(first)} characters of log text`);
      await until(() => c.batches.reduce((n, b) => n + pointsIn(b), 0) === LINES, 200_000, 'every point');
    } finally {
      await p.dispose();
    }
  });

  it('one 300 MB line without a newline is cut once, with one warning, in small batches', async () => {
    const d = tempDir();
    try {
      const fd = fs.openSync(path.join(d, 'stdout.log'), 'w');
      fs.writeSync(fd, 'step=1 loss=0.5\n');
      const block = Buffer.alloc(30 << 20, 'x');
      for (let i = 0; i < 10; i++) fs.writeSync(fd, block);
      fs.writeSync(fd, '\nstep=2 loss=0.25\n');
      fs.closeSync(fd);
      const c = collect();
      const p = new Pipeline({ root: d, workersDir, updatesPerSecond: 20, pollMs: 50 }, c);
      await p.drain();
      const warnings = c.batches.flatMap((b) => b.events).filter((e) => /cut/.test(e.text));
      assert.equal(warnings.length, 1, warnings.map((w) => w.text).join('\n'));
      const biggest = Math.max(...c.batches.map(logChars));
      assert.ok(biggest <= 1_100_000, `log text per batch is capped (${biggest} characters)`);
      assert.deepEqual([...(await p.snapshot(true)).series[0].x], [1, 2], 'the lines around it keep their points');
    } finally {
      fs.rmSync(d, { recursive: true, force: true });
    }
  });
});

describe('Log text per batch', () => {
  it('carries the last lines of a backlog bigger than a batch, numbered, so earlier ones are read back', () => {
    const r = new Ingester();
    const text = Array.from({ length: 100_000 }, (_, i) => line(i)).join('');
    r.chunk('stdout.log', new TextEncoder().encode(text));
    const [log] = r.takeBatch().logs;
    assert.ok(log.text.length <= 2 * LOG_BATCH_CHARS, `${log.text.length} characters`);
    assert.ok(log.line! > 90_000);
    assert.equal(log.text.slice(0, log.text.indexOf('\n') + 1), line(log.line!), 'the text starts with the line it says');
    r.chunk('stdout.log', new TextEncoder().encode(line(100_000)));
    const next = r.takeBatch().logs[0];
    assert.deepEqual(next, { stream: 'stdout', text: line(100_000) }, 'a small batch continues where that one ended');
    const snap = r.snapshot().logs[0];
    assert.equal(snap.line! + snap.text.split('\n').length - 1, 100_001, 'the snapshot counts the skipped lines too');
  });
});
