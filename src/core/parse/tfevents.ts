/**
 * TensorBoard event files: TFRecord framing (`uint64 length, uint32 masked_crc32c(length), data,
 * uint32 masked_crc32c(data)`, little-endian) around `Event` protobufs. Scalars come from
 * `simple_value` (v1) or a rank-0 `tensor` (v2: `float_val`, `double_val` or `tensor_content`).
 * A half-written record at the end of a live file is kept until the rest arrives; a record whose
 * checksum fails is reported and skipped by resynchronising on the next valid header.
 */
import { maskedCrc32c, maskedCrc32c8, maskedLengthCrc } from './crc32c';
import type { Emit, Point } from './types';
import { ScalarColumns } from './scalarColumns';
import { pluginName, tensorScalar } from './tfeventsValue';
import { Reader, Tags } from './wire';

/**
 * Records longer than this are not plausible events (TensorBoard's own writers stay far below):
 * the header is taken as damaged and the reader resynchronises, rather than wait for the bytes.
 */
const MAX_RECORD = 64 << 20;

// Protobuf field numbers (tensorflow/core/util/event.proto, framework/summary.proto, tensor.proto).
const EVENT_WALL_TIME = 1,
  EVENT_STEP = 2,
  EVENT_SUMMARY = 5;
const SUMMARY_VALUE = 1;
const VALUE_TAG = 1,
  VALUE_SIMPLE = 2,
  VALUE_HISTO = 5,
  VALUE_IMAGE = 4,
  VALUE_AUDIO = 6,
  VALUE_TENSOR = 8,
  VALUE_METADATA = 9;

export interface TfEventsStats {
  records: number;
  scalars: number;
  /** Histograms, images, audio, text and other non-scalar values: counted, not plotted. */
  other: number;
  /** Records skipped because a checksum failed. */
  corrupt: number;
}

/** A later part of an event file parsed on its own (see `TfEventsParser.absorb`, `parsePart`). */
export interface EventsPart {
  /** Bytes the parser of the earlier part holds at the boundary when both walks agree. */
  heldAtStart: number;
  tags: string[];
  /** Each point in file order: index into `tags`, step, value, wall time. */
  tagOf: Uint32Array;
  x: Float64Array;
  y: Float64Array;
  wall: Float64Array;
  /** Points and warnings so far at the end of each read. */
  chunkPoints: number[];
  chunkWarnings: number[];
  stats: TfEventsStats;
  warnings: string[];
  nonScalarTags: string[];
  /** Bytes of an incomplete record at the part's end, and what they need. */
  held: Uint8Array;
  needBytes: number;
}

export class TfEventsParser {
  /** Bytes of an incomplete record, in the pieces they came in (copies): joined once there are enough, not at every piece. */
  private held: Uint8Array[] = [];
  private heldBytes = 0;
  /** Bytes the held record needs before it can be read (12: its header, until that is known). */
  private needBytes = 0;
  /** Tags whose plugin (from the first value's metadata) is not `scalars`. */
  private nonScalarTags = new Set<string>();
  readonly stats: TfEventsStats = { records: 0, scalars: 0, other: 0, corrupt: 0 };
  /** One line per problem, for the Events tab. */
  readonly warnings: string[] = [];
  /** Whether each record's data checksum is verified (the header's always is). */
  verifyData = true;
  /** Whether values of a tag and a `simple_value` are read inline; false: all through the cursor, as tests compare. */
  inlineValues = true;
  private tags = new Tags();
  /** Where `read` collects a read's scalars before emitting them. */
  private emitted: ScalarColumns | undefined;
  /** One cursor for every record: an object per record was a good part of the garbage. */
  private readonly reader = new Reader(new Uint8Array(0), new DataView(new ArrayBuffer(0)), 0, 0);

  /** Appended bytes; returns the scalars of every complete record (tests and tools). */
  push(bytes: Uint8Array): Point[] {
    const points: Point[] = [];
    this.read(bytes, (name, xKind, x, y, wall) => points.push({ name, xKind, x, y, wall }));
    return points;
  }

  /** Appended bytes; emits the scalars of every complete record. Keeps no view of `bytes`: the caller may read into them again. */
  read(bytes: Uint8Array, emit: Emit): void {
    const out = (this.emitted ??= new ScalarColumns());
    out.clear();
    this.readInto(bytes, out);
    for (let i = 0; i < out.n; i++) emit(out.tags[out.tagOf[i]], 'step', out.x[i], out.y[i], out.wall[i]);
  }

  /** `read`, the scalars appended to `out` (the hot path: no call a scalar). */
  readInto(bytes: Uint8Array, out: ScalarColumns): void {
    let buf: Uint8Array;
    if (this.heldBytes === 0) buf = bytes;
    else {
      this.held.push(bytes.slice()); // once per piece of a record longer than a read: linear still
      this.heldBytes += bytes.length;
      if (this.heldBytes < this.needBytes) return; // a big record still coming: nothing to read yet
      buf = new Uint8Array(this.heldBytes);
      let at = 0;
      for (const h of this.held) {
        buf.set(h, at);
        at += h.length;
      }
    }
    this.hold(buf, this.walk(buf, out));
  }

  /**
   * Reads the complete records of `buf`; returns where the first incomplete one starts. Nothing
   * follows the loop but the return: the optimized code of a loop entered mid-way would leave it
   * for the interpreter at anything not yet run there, at the end of every read.
   */
  private walk(buf: Uint8Array, out: ScalarColumns): number {
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    let at = 0;
    // a run's records have a few lengths: the header checksum of the last one is kept
    let lastLo = -1,
      lastLoCrc = 0;
    while (buf.length - at >= 12) {
      const lo = view.getUint32(at, true);
      if (lo !== lastLo && lo <= MAX_RECORD) lastLoCrc = maskedLengthCrc((lastLo = lo));
      if (view.getUint32(at + 4, true) !== 0 || lo > MAX_RECORD || view.getUint32(at + 8, true) !== lastLoCrc) {
        const next = this.resync(buf, view, at + 1);
        this.corrupt(`a record header at byte offset ${at} of this chunk is damaged; skipped ${next - at} bytes`);
        at = next;
        continue;
      }
      const end = at + 12 + lo + 4;
      if (end > buf.length) break; // half-written: wait for the rest (`needBytes` below)
      const data = at + 12;
      if (this.verifyData && view.getUint32(data + lo, true) !== maskedCrc32c(buf, data, data + lo)) {
        this.corrupt('a record failed its checksum; skipped it');
      } else {
        this.stats.records++;
        try {
          this.event(buf, view, data, data + lo, out);
        } catch {
          // A valid checksum over bytes that are not an Event: written by something else.
          this.corrupt('a record could not be decoded as an Event; skipped it');
        }
      }
      at = end;
    }
    return at;
  }

  /** Keeps `buf` from `at` on, an incomplete record, until the rest comes. */
  private hold(buf: Uint8Array, at: number): void {
    const rest = buf.length - at;
    this.held = rest ? [buf.slice(at)] : [];
    this.heldBytes = rest;
    this.needBytes = rest >= 12 ? 12 + new DataView(buf.buffer, buf.byteOffset + at, 12).getUint32(0, true) + 4 : 12;
  }

  /** Bytes held for an incomplete record (reported at the end of a run). */
  get pendingBytes(): number {
    return this.heldBytes;
  }

  /**
   * Takes in a later part of the same file, parsed by another parser (`parsePart`, on another
   * thread) from the record that straddles the read boundary where this parser stopped: its points
   * go to `emit` in file order, `chunkDone` after each read's (as `read` would have left them), or,
   * when none is dropped, each read's as a range of the part's columns to `points`, which stores
   * them as `emit` would have, in fewer calls.
   * False, changing nothing, unless this parser holds exactly the bytes from that record to the
   * boundary, i.e. both walks of the records agree (damage near the boundary can make them differ).
   */
  absorb(part: EventsPart, emit: Emit, chunkDone?: () => void, points?: (tags: string[], part: EventsPart, from: number, to: number) => void): boolean {
    if (this.heldBytes !== part.heldAtStart) return false;
    // A tag's plugin comes with its first value: tags this part met first in the bytes before it
    // were not known to the other parser as non-scalars.
    const dropped = part.tags.map((t) => this.nonScalarTags.has(t));
    const whole = points && !dropped.includes(true);
    let i = 0;
    for (let c = 0; c < part.chunkPoints.length; c++) {
      const end = part.chunkPoints[c];
      if (whole) points(part.tags, part, i, (i = end));
      for (; i < end; i++) {
        const t = part.tagOf[i];
        if (dropped[t]) {
          this.stats.scalars--;
          this.stats.other++;
        } else emit(part.tags[t], 'step', part.x[i], part.y[i], part.wall[i]);
      }
      for (let w = c ? part.chunkWarnings[c - 1] : 0; w < part.chunkWarnings[c]; w++) if (this.warnings.length < 20) this.warnings.push(part.warnings[w]);
      chunkDone?.();
    }
    for (const t of part.nonScalarTags) this.nonScalarTags.add(t);
    this.stats.records += part.stats.records;
    this.stats.scalars += part.stats.scalars;
    this.stats.other += part.stats.other;
    this.stats.corrupt += part.stats.corrupt;
    this.held = part.held.length ? [part.held] : [];
    this.heldBytes = part.held.length;
    this.needBytes = part.needBytes;
    return true;
  }

  /** What `absorb` needs of this parser's state after the last read of a part. */
  partState(): Pick<EventsPart, 'stats' | 'warnings' | 'nonScalarTags' | 'held' | 'needBytes'> {
    const held = new Uint8Array(this.heldBytes);
    let at = 0;
    for (const h of this.held) {
      held.set(h, at);
      at += h.length;
    }
    return { stats: { ...this.stats }, warnings: [...this.warnings], nonScalarTags: [...this.nonScalarTags], held, needBytes: this.needBytes };
  }

  reset(): void {
    this.held = [];
    this.heldBytes = 0;
    this.needBytes = 0;
  }

  private corrupt(text: string): void {
    this.stats.corrupt++;
    if (this.warnings.length < 20) this.warnings.push(text);
  }

  /** The first offset from `from` where a valid record header starts, or where data runs out. */
  private resync(buf: Uint8Array, view: DataView, from: number): number {
    for (let at = from; at + 12 <= buf.length; at++) {
      if (view.getUint32(at + 4, true) !== 0) continue;
      if (view.getUint32(at + 8, true) === maskedCrc32c8(buf, at)) return at;
    }
    return Math.max(from, buf.length - 11);
  }

  /**
   * One Event. One-byte keys and lengths (every field an Event has) are read inline, and a value
   * of just a tag and a `simple_value` (what `add_scalar` writes) without the cursor: its calls
   * were a third of the decode. Anything else goes through the cursor, as every value did.
   */
  private event(buf: Uint8Array, view: DataView, start: number, end: number, out: ScalarColumns): void {
    let step = 0;
    let wall = NaN;
    let summaryStart = -1,
      summaryEnd = -1;
    const r = this.reader.over(buf, view, start, end);
    let at = start;
    while (at < end) {
      let key = buf[at];
      if (key < 0x80) at++;
      else {
        key = r.from(at).varint() >>> 0; // as `key >>> 3` and `key & 7` read it
        at = r.at;
      }
      if (key === ((EVENT_STEP << 3) | 0)) {
        const b = buf[at];
        if (b < 0x80 && at < end) {
          step = b;
          at++;
        } else {
          step = r.from(at).varint();
          at = r.at;
        }
      } else if (key === ((EVENT_SUMMARY << 3) | 2)) {
        let len = buf[at];
        if (len < 0x80 && at < end) at++;
        else {
          len = r.from(at).varint();
          at = r.at;
        }
        summaryStart = at;
        summaryEnd = at = at + len;
      } else if (key === ((EVENT_WALL_TIME << 3) | 1)) {
        wall = view.getFloat64(at, true);
        at += 8;
      } else at = r.from(at).skip(key & 7);
    }
    if (summaryStart < 0) return;
    at = summaryStart;
    while (at < summaryEnd) {
      let key = buf[at];
      if (key < 0x80 && at < end) at++;
      else {
        key = r.from(at).varint() >>> 0;
        at = r.at;
      }
      if (key === ((SUMMARY_VALUE << 3) | 2)) {
        let len = buf[at];
        if (len < 0x80 && at < end) at++;
        else {
          len = r.from(at).varint();
          at = r.at;
        }
        const valueEnd = at + len;
        if (!this.inlineValues || !this.simpleValue(buf, view, at, valueEnd, end, step, wall, out)) this.value(r.from(at), valueEnd, step, wall, out);
        at = valueEnd;
      } else at = r.from(at).skip(key & 7);
    }
  }

  /** A value of `0a <len> <tag> 15 <float32>` read as `value` would read it; false for any other. */
  private simpleValue(buf: Uint8Array, view: DataView, at: number, valueEnd: number, end: number, step: number, wall: number, out: ScalarColumns): boolean {
    if (valueEnd > end || valueEnd - at < 7 || buf[at] !== ((VALUE_TAG << 3) | 2)) return false;
    const len = buf[at + 1];
    if (len >= 0x80 || at + 7 + len !== valueEnd || buf[at + 2 + len] !== ((VALUE_SIMPLE << 3) | 5)) return false;
    const tag = this.tags.at(buf, at + 2, len);
    const y = view.getFloat32(valueEnd - 4, true);
    if (this.nonScalarTags.size && this.nonScalarTags.has(tag)) this.stats.other++;
    else {
      this.stats.scalars++;
      out.push(tag, step, y, wall);
    }
    return true;
  }

  private value(r: Reader, end: number, step: number, wall: number, out: ScalarColumns): void {
    let tag = '';
    let y: number | undefined;
    let plugin: string | undefined;
    let kind: 'scalar' | 'other' | undefined;
    while (r.at < end) {
      const key = r.varint();
      const field = key >>> 3;
      if (field === VALUE_TAG) tag = this.tags.read(r);
      else if (field === VALUE_SIMPLE && (key & 7) === 5) {
        y = r.view.getFloat32(r.at, true);
        r.at += 4;
        kind = 'scalar';
      } else if (field === VALUE_TENSOR && (key & 7) === 2) {
        const len = r.varint();
        y = tensorScalar(r, r.at + len);
        kind = y === undefined ? 'other' : 'scalar';
      } else if (field === VALUE_METADATA && (key & 7) === 2) {
        const len = r.varint();
        plugin = pluginName(r, r.at + len);
      } else if (field === VALUE_HISTO || field === VALUE_IMAGE || field === VALUE_AUDIO) {
        kind = 'other';
        r.skip(key & 7);
      } else r.skip(key & 7);
    }
    // Plugin metadata comes with a tag's first value only: remember tags that are not scalars.
    if (plugin !== undefined && plugin !== 'scalars' && plugin !== '') this.nonScalarTags.add(tag);
    if (kind === 'scalar' && y !== undefined && !this.nonScalarTags.has(tag)) {
      this.stats.scalars++;
      out.push(tag, step, y, wall);
    } else if (kind) {
      this.stats.other++;
    }
  }
}
