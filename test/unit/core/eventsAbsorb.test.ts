import { strict as assert } from 'node:assert';
import { Ingester } from '../../../src/core/ingester';
import { parsePart, recordStraddling, type ReadAt } from '../../../src/core/parse/tfeventsPart';
import { concat, event, record, scalarValue } from '../../../src/cli/tfrecord-writer';

const PIECE = 64 << 10;
const FILE = 'run/events.out.tfevents.1.host';

/** Two tags in turn, several points at one step, a tag that comes late, a restart (the step going back) late in the file. */
function eventFile(restart: boolean): Uint8Array {
  const recs: Uint8Array[] = [];
  for (let i = 0; i < 40_000; i++) {
    const step = restart && i >= 30_000 ? i - 2_000 : i;
    const values = [scalarValue(i % 2 ? 'loss' : 'lr', 1 / (1 + i))];
    if (i % 9 === 0) values.push(scalarValue('loss', i / 9));
    if (i > 25_000 && i % 4 === 0) values.push(scalarValue('late', i, 'double_val'));
    recs.push(record(event(step >> 1, values)));
  }
  return concat(recs);
}

function outcome(g: Ingester): unknown {
  g.end();
  const b = g.takeBatch();
  return { series: b.series, events: b.events.map((e) => [e.level, e.text]) };
}

function whole(bytes: Uint8Array): unknown {
  const g = new Ingester();
  for (let at = 0; at < bytes.length; at += PIECE) g.chunk(FILE, bytes.subarray(at, at + PIECE), undefined, 'tfevents');
  return outcome(g);
}

/** Up to `boundary` read, the rest parsed apart and absorbed. */
function split(bytes: Uint8Array, boundary: number): unknown {
  const read: ReadAt = (at, length) => bytes.slice(at, at + length);
  const g = new Ingester();
  for (let at = 0; at < boundary; at += PIECE) g.chunk(FILE, read(at, PIECE), undefined, 'tfevents');
  const part = parsePart(read, recordStraddling(read, boundary)!, boundary, bytes.length, PIECE);
  assert.ok(g.absorbEvents(FILE, part));
  return outcome(g);
}

describe('An event file part absorbed by the ingester (columns to the store)', () => {
  for (const restart of [false, true]) {
    it(`stores what reading the whole file stores, series, points, times and warnings${restart ? ', with a restart in the part' : ''}`, () => {
      const bytes = eventFile(restart);
      const expected = whole(bytes);
      const { series } = expected as { series: { name: string; x: Float64Array }[] };
      assert.deepEqual(
        series.map((s) => s.name),
        ['run/lr', 'run/loss', 'run/late'],
      );
      for (const boundary of [PIECE, 7 * PIECE, Math.floor(bytes.length / PIECE) * PIECE])
        assert.deepEqual(split(bytes, boundary), expected, `boundary ${boundary}`);
    });
  }
});
