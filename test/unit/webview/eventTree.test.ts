/**
 * Event files as TensorBoard reads them: every event a point (several at one step included), a
 * tree of runs named by folder, damaged and empty files costing only their damaged records.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { maskedCrc32c } from '../../../src/core/parse/crc32c';
import { TfEventsParser } from '../../../src/core/parse/tfevents';
import { concat, event, record, scalarValue } from '../../../src/cli/tfrecord-writer';
import { SeriesStore } from '../../../src/core/series';
import { HeldSeries } from '../../../src/webview/heldSeries';
import { aligned } from '../../../src/webview/plotData';
import { repoRoot, tempDir } from '../../helpers';

const cli = path.join(repoRoot, 'dist', 'cli.js');
const f32 = (v: number) => Math.fround(v);

interface Result {
  series: Record<string, { x: number[]; y: number[]; xKind: string }>;
  warnings: string[];
}

function writeRun(dir: string, records: Uint8Array[]): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'events.out.tfevents.1700000000.host.4242.0');
  fs.writeFileSync(file, concat(records));
  return file;
}

const scalar = (step: number, tag: string, y: number) => record(event(step, [scalarValue(tag, y)]));

describe('Event files in a tree of runs', () => {
  it('keeps every event, names series by run folder, and loses only damaged records', () => {
    execFileSync(process.execPath, [path.join(repoRoot, 'esbuild.js')], { cwd: repoRoot, stdio: 'ignore' });
    const root = tempDir();
    const runs = path.join(root, 'runs');
    // a: Ultralytics-style, the value logged per batch with the epoch as step (3 events at step 1)
    writeRun(path.join(runs, 'a'), [scalar(0, 'loss', 1), scalar(1, 'loss', 0.9), scalar(1, 'loss', 0.8), scalar(1, 'loss', 0.7), scalar(2, 'loss', 0.5)]);
    writeRun(path.join(runs, 'b'), [scalar(0, 'loss', 2), scalar(1, 'loss', 1.5)]);
    writeRun(path.join(runs, 'c'), []); // zero bytes
    const d = Array.from({ length: 6 }, (_, i) => scalar(i, 'loss', i / 10));
    d[3] = d[3].slice();
    d[3][d[3].length - 6] ^= 0xff; // inside record 3's data: its checksum fails
    writeRun(path.join(runs, 'd'), d);
    const e = concat(Array.from({ length: 5 }, (_, i) => scalar(i, 'loss', 10 + i)));
    writeRun(path.join(runs, 'e'), [e.subarray(0, e.length - 7)]); // cut inside the last record
    // Keras: one folder per phase
    writeRun(path.join(root, 'logs', 'train'), [scalar(0, 'epoch_loss', 0.6), scalar(1, 'epoch_loss', 0.4)]);
    writeRun(path.join(root, 'logs', 'validation'), [scalar(0, 'epoch_loss', 0.7), scalar(1, 'epoch_loss', 0.5)]);

    const r = JSON.parse(execFileSync(process.execPath, [cli, 'parse', root, '--json'], { encoding: 'utf8' })) as Result;
    assert.deepEqual(Object.keys(r.series).sort(), [
      'logs/train/epoch_loss',
      'logs/validation/epoch_loss',
      'runs/a/loss',
      'runs/b/loss',
      'runs/d/loss',
      'runs/e/loss',
    ]);
    assert.deepEqual(r.series['runs/a/loss'], { x: [0, 1, 1, 1, 2], y: [1, 0.9, 0.8, 0.7, 0.5].map(f32), xKind: 'step' });
    assert.deepEqual(r.series['runs/b/loss'].y, [2, 1.5]);
    assert.deepEqual(r.series['runs/d/loss'].x, [0, 1, 2, 4, 5]);
    assert.deepEqual(r.series['runs/e/loss'].x, [0, 1, 2, 3]);
    assert.deepEqual(r.series['logs/validation/epoch_loss'].y, [0.7, 0.5].map(f32));
    assert.ok(
      r.warnings.some((w) => /^runs\/d\/events\.out\.tfevents\.[^:]+: a record failed its checksum; skipped it\.$/.test(w)),
      r.warnings.join('\n'),
    );
    assert.ok(
      r.warnings.some((w) => /^runs\/e\/events\.out\.tfevents\.[^:]+: ends with \d+ bytes of an incomplete record\.$/.test(w)),
      r.warnings.join('\n'),
    );
    assert.equal(r.warnings.length, 2, r.warnings.join('\n'));
  });
});

describe('TfEventsParser: hostile lengths and big records', () => {
  it('takes a length beyond the cap for damage (its checksum valid) and reads the records after it', () => {
    const bogus = new Uint8Array(12 + 100);
    const view = new DataView(bogus.buffer);
    view.setUint32(0, 255 << 20, true); // 255 MiB
    view.setUint32(8, maskedCrc32c(bogus, 0, 8), true);
    const p = new TfEventsParser();
    const points = p.push(concat([scalar(1, 'loss', 1), bogus, scalar(2, 'loss', 0.5), scalar(3, 'loss', 0.25)]));
    assert.deepEqual(
      points.map((q) => q.x),
      [1, 2, 3],
    );
    assert.equal(p.pendingBytes, 0);
    assert.ok(
      p.warnings.some((w) => /damaged/.test(w)),
      p.warnings.join('\n'),
    );
  });

  it('collects a 40 MB record from 64 KB pieces, then reads on', () => {
    // An Event whose one value is an image of 40 MB (Value.image = 4, Image.encoded_image_string = 4).
    const pixels = new Uint8Array(40 << 20).fill(7);
    const image = concat([Uint8Array.of(0x22), varint(pixels.length), pixels]);
    const value = concat([Uint8Array.of(0x0a, 3), new TextEncoder().encode('img'), Uint8Array.of(0x22), varint(image.length), image]);
    const summary = concat([Uint8Array.of(0x0a), varint(value.length), value]);
    const big = record(concat([Uint8Array.of(0x10, 5, 0x2a), varint(summary.length), summary]));
    const bytes = concat([scalar(4, 'loss', 1), big, scalar(6, 'loss', 0.5)]);
    const p = new TfEventsParser();
    const steps: number[] = [];
    for (let at = 0; at < bytes.length; at += 64 << 10) steps.push(...p.push(bytes.subarray(at, at + (64 << 10))).map((q) => q.x));
    assert.deepEqual(steps, [4, 6]);
    assert.equal(p.stats.other, 1);
    assert.equal(p.stats.corrupt, 0);
    assert.equal(p.pendingBytes, 0);
  });
});

describe('Several points at one x (event series)', () => {
  it('the store appends at equal x for event series, replaces for printed ones; deltas say which', () => {
    const s = new SeriesStore();
    for (const y of [1, 2, 3]) s.add('ev', 'loss', 'step', 5, y, NaN, false, true);
    for (const y of [1, 2, 3]) s.add('out', 'loss', 'step', 5, y);
    const [ev, out] = s.takeDeltas();
    assert.deepEqual([...ev.y], [1, 2, 3]);
    assert.equal(ev.keepsSameX, true);
    assert.deepEqual([...out.y], [3]);
    assert.equal(out.keepsSameX, undefined);
    // more events at the same step: the next delta starts at x 5 and must not replace the first three
    s.add('ev', 'loss', 'step', 5, 4, NaN, false, true);
    s.add('ev', 'loss', 'step', 6, 5, NaN, false, true);
    const [more] = s.takeDeltas();
    const line = new HeldSeries('ev:loss', 'loss', 'ev');
    line.add(ev);
    line.add(more);
    assert.deepEqual([...line.x.subarray(0, line.length)], [5, 5, 5, 5, 6]);
    assert.deepEqual([...line.y.subarray(0, line.length)], [1, 2, 3, 4, 5]);
    // a restart (steps went back) replaces what the receiver holds from there on
    s.add('ev', 'loss', 'step', 5, 9, NaN, false, true);
    const [restart] = s.takeDeltas();
    assert.equal(restart.keepsSameX, undefined);
    line.add(restart);
    assert.deepEqual([...line.y.subarray(0, line.length)], [9]);
  });

  it('gives each of several points at one x its own slot when lines are aligned', () => {
    const a: [Float64Array, Float64Array] = [Float64Array.from([1, 2, 2, 2, 3]), Float64Array.from([10, 20, 21, 22, 30])];
    const b: [Float64Array, Float64Array] = [Float64Array.from([2, 3]), Float64Array.from([5, 6])];
    const [x, ya, yb] = aligned([a, b]);
    assert.deepEqual([...x], [1, 2, 2, 2, 3]);
    assert.deepEqual([...ya], [10, 20, 21, 22, 30]);
    assert.deepEqual([...yb], [undefined, 5, undefined, undefined, 6]);
  });
});

function varint(v: number): Uint8Array {
  const out: number[] = [];
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Uint8Array.from(out);
}
