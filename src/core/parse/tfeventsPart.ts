/**
 * One big event file on two threads: records can be located by their length fields before they
 * are decoded, so the part after a read boundary is parsed on its own, recorded in file order, and
 * handed to the parser of the part before (`TfEventsParser.absorb`), which checks that both walks
 * of the records meet. The reads are those the tailer makes (READ-byte pieces from offset 0), so
 * the part's parser sees the very buffers the whole file's parser would: same records, same
 * warnings, same offsets in them.
 */
import { maskedCrc32c8 } from './crc32c';
import { ScalarColumns } from './scalarColumns';
import { TfEventsParser, type EventsPart } from './tfevents';

/** Reads `length` bytes at `at` (fewer at the end of the file). */
export type ReadAt = (at: number, length: number) => Uint8Array;

/** How far before a boundary the record straddling it is looked for, first near, then far: longer records are not split. */
const LOOK_BACK = [4 << 10, 1 << 20];
/** As the parser: longer lengths are damage. */
const MAX_RECORD = 64 << 20;

function headerAt(buf: Uint8Array, view: DataView, at: number): number | undefined {
  if (at + 12 > buf.length || view.getUint32(at + 4, true) !== 0) return undefined;
  if (view.getUint32(at + 8, true) !== maskedCrc32c8(buf, at)) return undefined;
  return view.getUint32(at, true);
}

/**
 * The offset of the record that straddles `boundary` (the first whose end lies past it), found by
 * a valid header in the LOOK_BACK bytes before and the chain of lengths from it; undefined when
 * there is none (a longer record). A wrong guess costs only time: `absorb` refuses it.
 */
export function recordStraddling(read: ReadAt, boundary: number): number | undefined {
  for (const back of LOOK_BACK) {
    const at = straddling(read, boundary, Math.max(0, boundary - back));
    if (at !== undefined) return at;
  }
  return undefined;
}

function straddling(read: ReadAt, boundary: number, from: number): number | undefined {
  const buf = read(from, boundary - from + 12);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const edge = boundary - from;
  for (let start = 0; start < edge; start++) {
    let at = start;
    for (;;) {
      const len = headerAt(buf, view, at);
      if (len === undefined || len > MAX_RECORD) break;
      const end = at + 16 + len;
      if (end > edge) return from + at;
      at = end;
    }
    // a chain that broke (damage): look on after it, not inside records already walked
    if (at > start) start = at;
  }
  return undefined;
}

/**
 * Parses the file from `start` (the record straddling `boundary`) to `size`, read as the tailer
 * reads it: the first piece up to the next multiple of `piece` after `boundary`, then whole pieces.
 */
export function parsePart(read: ReadAt, start: number, boundary: number, size: number, piece: number): EventsPart {
  const parser = new TfEventsParser();
  const c = new ScalarColumns();
  const chunkPoints: number[] = [];
  const chunkWarnings: number[] = [];
  for (let at = start; at < size;) {
    const end = Math.min(size, (Math.floor(at / piece) + 1) * piece);
    const bytes = read(at, end - at);
    parser.readInto(bytes, c);
    // sized once from the first read's points per byte, so that millions of points are not copied while growing
    if (!chunkPoints.length && c.n > 0) c.reserve(Math.ceil((c.n * (size - start)) / bytes.length) + 1024);
    chunkPoints.push(c.n);
    chunkWarnings.push(parser.warnings.length);
    if (bytes.length < end - at) break;
    at = end;
  }
  const n = c.n;
  return {
    heldAtStart: boundary - start,
    tags: c.tags,
    tagOf: c.tagOf.subarray(0, n),
    x: c.x.subarray(0, n),
    y: c.y.subarray(0, n),
    wall: c.wall.subarray(0, n),
    chunkPoints,
    chunkWarnings,
    ...parser.partState(),
  };
}
