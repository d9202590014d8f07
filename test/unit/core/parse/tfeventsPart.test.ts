import { strict as assert } from 'node:assert';
import { TfEventsParser } from '../../../../src/core/parse/tfevents';
import { parsePart, recordStraddling, type ReadAt } from '../../../../src/core/parse/tfeventsPart';
import type { Point } from '../../../../src/core/parse/types';
import { concat, event, record, scalarValue } from '../../../../src/cli/tfrecord-writer';

const PIECE = 64 << 10;

/**
 * An event file with what a split can get wrong: a tag whose plugin (histograms) comes with its
 * first value only, early, and later values that would read as scalars without it; a restart (the
 * step going back) late; a tag that first appears late; damaged records on both sides; a
 * half-written record at the end.
 */
function eventFile(): { bytes: Uint8Array } {
  const recs: Uint8Array[] = [record(event(0, [scalarValue('hist', 1, 'float_val', 'histograms')]))];
  for (let i = 0; i < 30_000; i++) {
    const step = i < 20_000 ? i : i - 5_000; // a restart at 20,000
    const values = [scalarValue(i % 3 ? 'loss' : 'train/acc', 1 / (1 + i), i % 2 ? 'simple_value' : 'double_val')];
    if (i % 7 === 0) values.push(scalarValue('hist', i, 'float_val'));
    if (i > 18_000 && i % 5 === 0) values.push(scalarValue('late', i / 2));
    recs.push(record(event(step, values)));
  }
  const bytes = concat(recs);
  const straddling = (boundary: number) => {
    let at = 0;
    while (at + 16 + new DataView(bytes.buffer).getUint32(at, true) <= boundary) at += 16 + new DataView(bytes.buffer).getUint32(at, true);
    return at;
  };
  // damage: data bytes on both sides, the length of the record straddling a read boundary, the
  // data of another straddling one
  const damage = [200_000, 900_000, straddling(10 * PIECE), straddling(12 * PIECE) + 14];
  for (const at of damage) bytes[at] ^= 0x5a;
  return { bytes: concat([bytes, record(event(99, [scalarValue('loss', 0)])).subarray(0, 20)]) };
}

interface Outcome {
  points: Point[];
  warnings: string[];
  stats: TfEventsParser['stats'];
  pending: number;
}

/** The whole file read in PIECE-byte pieces by one parser, as the tailer hands it over. */
function whole(bytes: Uint8Array): Outcome {
  const p = new TfEventsParser();
  const points: Point[] = [];
  for (let at = 0; at < bytes.length; at += PIECE) points.push(...p.push(bytes.subarray(at, at + PIECE)));
  return { points, warnings: [...p.warnings], stats: { ...p.stats }, pending: p.pendingBytes };
}

/** Up to `boundary` on one parser, the rest as a part it absorbs (or, refused, reads on). */
function split(bytes: Uint8Array, boundary: number): Outcome & { absorbed: boolean } {
  const read: ReadAt = (at, length) => bytes.slice(at, at + length); // a copy, as a read from disk is
  const p = new TfEventsParser();
  const points: Point[] = [];
  for (let at = 0; at < boundary; at += PIECE) points.push(...p.push(read(at, PIECE)));
  const start = recordStraddling(read, boundary);
  assert.ok(start === undefined || (start <= boundary && boundary - start < 100), `a record straddles ${boundary}: ${start}`);
  const part = start === undefined ? undefined : parsePart(read, start, boundary, bytes.length, PIECE);
  const absorbed = !!part && p.absorb(part, (name, xKind, x, y, wall) => points.push({ name, xKind, x, y, wall }));
  if (!absorbed) for (let at = boundary; at < bytes.length; at += PIECE) points.push(...p.push(read(at, PIECE)));
  return { points, warnings: [...p.warnings], stats: { ...p.stats }, pending: p.pendingBytes, absorbed };
}

describe('An event file parsed in two parts (tfeventsPart)', () => {
  const { bytes } = eventFile();
  const expected = whole(bytes);

  it('the file holds what the split must get right', () => {
    assert.ok(bytes.length > 16 * PIECE, `${bytes.length}`);
    assert.equal(expected.stats.corrupt, expected.warnings.length);
    assert.ok(expected.warnings.some((w) => /header .* is damaged/.test(w)));
    assert.ok(expected.pending > 0);
    const names = new Set(expected.points.map((q) => q.name));
    assert.deepEqual([...names].sort(), ['late', 'loss', 'train/acc']); // `hist` is a histogram throughout
    assert.ok(expected.stats.other > 4000);
  });

  it('gives the same points, in order, warnings, counts and held bytes at every read boundary', () => {
    const absorbed: number[] = [];
    for (let boundary = PIECE; boundary < bytes.length; boundary += PIECE) {
      const got = split(bytes, boundary);
      assert.deepEqual(got.points, expected.points, `boundary ${boundary}`);
      assert.deepEqual(got.warnings, expected.warnings, `boundary ${boundary}`);
      assert.deepEqual(got.stats, expected.stats, `boundary ${boundary}`);
      assert.equal(got.pending, expected.pending);
      if (got.absorbed) absorbed.push(boundary / PIECE);
    }
    // every boundary splits but the one whose straddling record has a damaged header
    const boundaries = Math.floor((bytes.length - 1) / PIECE);
    assert.deepEqual(
      absorbed,
      Array.from({ length: boundaries }, (_, i) => i + 1).filter((k) => k !== 10),
    );
  });

  it('refuses a part whose start is not where the first parser stands, and changes nothing', () => {
    const read: ReadAt = (at, length) => bytes.slice(at, at + length);
    const boundary = 4 * PIECE;
    const start = recordStraddling(read, boundary)!;
    assert.ok(start < boundary - 1);
    const part = parsePart(read, start, boundary, bytes.length, PIECE);
    const p = new TfEventsParser();
    p.push(read(0, boundary - 1)); // a byte short of the boundary: its walk stands elsewhere
    const before = { ...p.stats };
    let emitted = 0;
    assert.equal(
      p.absorb(part, () => emitted++),
      false,
    );
    assert.equal(emitted, 0);
    assert.deepEqual(p.stats, before);
  });
});

describe('TfEventsParser and the buffers it is given', () => {
  it('keeps no view of them: a record longer than a read, read through one reused buffer, still decodes', () => {
    const long = 'x'.repeat(3 * PIECE); // a tag three reads long
    const bytes = concat([
      record(event(1, [scalarValue('loss', 0.5)])),
      record(event(2, [scalarValue(long, 0.25)])),
      record(event(3, [scalarValue('loss', 0.125)])),
    ]);
    const reused = new Uint8Array(PIECE);
    const p = new TfEventsParser();
    const points: Point[] = [];
    for (let at = 0; at < bytes.length; at += PIECE) {
      const n = Math.min(PIECE, bytes.length - at);
      reused.set(bytes.subarray(at, at + n));
      points.push(...p.push(reused.subarray(0, n)));
      reused.fill(0xee); // what the next read would overwrite
    }
    assert.deepEqual(
      points.map((q) => [q.name.length, q.x, q.y]),
      [
        [4, 1, 0.5],
        [long.length, 2, 0.25],
        [4, 3, 0.125],
      ],
    );
    assert.equal(p.stats.corrupt, 0);
  });
});
