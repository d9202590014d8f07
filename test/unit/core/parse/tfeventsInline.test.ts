import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { maskedCrc32c, maskedLengthCrc } from '../../../../src/core/parse/crc32c';
import { TfEventsParser } from '../../../../src/core/parse/tfevents';
import type { Point } from '../../../../src/core/parse/types';
import { concat, event, record, scalarValue } from '../../../../src/cli/tfrecord-writer';

const fixtures = path.join(__dirname, '..', '..', '..', 'fixtures');

interface Outcome {
  points: Point[];
  stats: TfEventsParser['stats'];
  warnings: string[];
}

function read(bytes: Uint8Array, inline: boolean, piece = bytes.length): Outcome {
  const p = new TfEventsParser();
  p.inlineValues = inline;
  const points: Point[] = [];
  for (let at = 0; at < bytes.length; at += piece) points.push(...p.push(bytes.subarray(at, at + piece)));
  return { points, stats: { ...p.stats }, warnings: [...p.warnings] };
}

/** Deterministic pseudo-random numbers (xorshift), so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

describe('Event values read inline and through the cursor (TfEventsParser.inlineValues)', () => {
  it('give the same points, counts and warnings on the real event files', () => {
    const files = [
      path.join(fixtures, 'lightning', 'events.out.tfevents.1795405318.vm.621.0'),
      ...fs
        .readdirSync(path.join(fixtures, 'torch-tb'), { recursive: true, encoding: 'utf8' })
        .filter((f) => f.includes('tfevents'))
        .map((f) => path.join(fixtures, 'torch-tb', f)),
    ];
    assert.equal(files.length, 4);
    for (const f of files) {
      const bytes = fs.readFileSync(f);
      const inline = read(bytes, true, 4096);
      assert.ok(inline.points.length > 10, f);
      assert.deepEqual(inline, read(bytes, false, 4096), f);
    }
  });

  it('give the same on damaged events whose checksums hold (bytes changed, cut, lengths wrong)', () => {
    const random = rng(17);
    const recs: Uint8Array[] = [record(event(0, [scalarValue('text', 1, 'float_val', 'text')]))];
    let inlined = 0;
    for (let i = 0; i < 20_000; i++) {
      const values = [scalarValue(['loss', 'lr', 'text', 'a/long/tag/name'][i % 4], i / 3)];
      if (i % 5 === 0) values.push(scalarValue('acc', i, i % 2 ? 'double_val' : 'tensor_content'));
      const data = event(i % 700, values, 1_795_405_318 + i / 10);
      if (i % 3 === 0) inlined++;
      else {
        // a byte changed, the data cut short or grown, the checksums made to hold: not the Event it was
        const at = Math.floor(random() * data.length);
        const kind = i % 3 === 1 ? 'change' : random() < 0.5 ? 'cut' : 'grow';
        if (kind === 'change') data[at] = Math.floor(random() * 256);
        const d = kind === 'cut' ? data.subarray(0, at) : kind === 'grow' ? concat([data, new Uint8Array([0x0a, 0x03, 0x6c, 0x72])]) : data;
        recs.push(record(d));
        continue;
      }
      recs.push(record(data));
    }
    const bytes = concat(recs);
    const inline = read(bytes, true);
    assert.ok(inline.points.length > inlined, `${inline.points.length}`);
    assert.ok(inline.stats.corrupt > 100, `${inline.stats.corrupt}`); // some do not decode
    assert.deepEqual(inline, read(bytes, false));
  });

  it('read keys and lengths written in more bytes than they need as the same fields', () => {
    // `0a 04 loss 15 f32` with the key of the value, its length and the tag's length each in two bytes
    const y = new Uint8Array(new Float32Array([0.25]).buffer);
    const value = concat([new Uint8Array([0x8a, 0x00, 0x84, 0x00]), new TextEncoder().encode('loss'), new Uint8Array([0x95, 0x00]), y]);
    const summary = concat([new Uint8Array([0x8a, 0x00, value.length]), value]);
    const data = concat([new Uint8Array([0x90, 0x00, 0x87, 0x00, 0xaa, 0x00, summary.length]), summary]);
    const bytes = concat([record(data), record(event(8, [scalarValue('loss', 0.5)]))]);
    for (const inline of [true, false]) {
      const got = read(bytes, inline);
      assert.deepEqual(
        got.points.map((q) => [q.name, q.x, q.y]),
        [
          ['loss', 7, 0.25],
          ['loss', 8, 0.5],
        ],
      );
      assert.equal(got.stats.corrupt, 0);
    }
  });
});

describe('CRC-32C of a record header (maskedLengthCrc)', () => {
  it('is the masked CRC of the 8 bytes of the length, for every length a record may have', () => {
    const header = new Uint8Array(8);
    const view = new DataView(header.buffer);
    const lengths = [0, 1, 27, 127, 128, 255, 256, 65_535, 65_536, 64 << 20, 2 ** 32 - 1];
    for (let lo = 3; lo < 1 << 24; lo = lo * 3 + 1) lengths.push(lo);
    for (const lo of lengths) {
      view.setUint32(0, lo, true);
      assert.equal(maskedLengthCrc(lo), maskedCrc32c(header, 0, 8), `${lo}`);
    }
  });
});
