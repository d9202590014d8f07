/**
 * Columnar storage of every series of a run, with the points not yet sent kept as a range so a
 * batch carries only what changed.
 *
 * Each point holds x (f64), y (f64) and its wall-clock time (f32 seconds after the series' first
 * known time: 0.06 s resolution after 11 days, plenty to draw by time). Columns grow in chunks:
 * the first doubles up to CHUNK points, later ones are CHUNK points each and never move, so a
 * long run costs 20 bytes a point plus at most one part-filled chunk per series.
 */
import type { Axis, SeriesDelta, XKind } from './protocol/batch';
import { MAX_NAME_CHARS, storedName } from './seriesName';

export { MAX_NAME_CHARS, storedName } from './seriesName';

/** Points of several series in file order: point `i` belongs to series `tagOf[i]` (an EventsPart). */
export interface PointColumns {
  tagOf: Uint32Array;
  x: Float64Array;
  y: Float64Array;
  wall: Float64Array;
}

/** A series in a summary table: how many points it has (since it was last taken) and its last value. */
export interface SeriesCount {
  key: string;
  name: string;
  source: string;
  xKind: XKind;
  points: number;
  last: number;
}

/** What `add` did with a point (`dropped`: a new series past MAX_SERIES). */
export type AddResult = 'appended' | 'replaced' | 'restarted' | 'skipped' | 'dropped';

const SHIFT = 15;
const CHUNK = 1 << SHIFT;
/** Points a series' first columns hold: most runs have a few long series and many short ones. */
const FIRST = 4;
const EMPTY64 = new Float64Array(0);
const EMPTY32 = new Float32Array(0);

/** Series kept per run; a run that logs more (200k JSON keys, a 50k-column CSV) keeps the first. */
export const MAX_SERIES = 2000;
/** Names of dropped series remembered, to count them (a count beyond says "at least"). */
const DROPPED_COUNTED = 10_000;

/** Points of one series within [from, to), copied into arrays of exactly that size. */
export interface StoredColumns {
  x: Float64Array<ArrayBuffer>;
  y: Float64Array<ArrayBuffer>;
  /** Seconds since the Unix epoch; NaN where the time is not known. */
  wall: Float64Array<ArrayBuffer>;
}

class Series {
  // allocated on the first point, then doubled up to CHUNK
  private xs: Float64Array[] = [EMPTY64];
  private ys: Float64Array[] = [EMPTY64];
  private ws: Float32Array[] = [EMPTY32];
  /** Wall-clock seconds that stored wall offsets count from (the first known time). */
  private wallBase = NaN;
  length = 0;
  /** Points before this index were sent. */
  sent = 0;
  lastX = -Infinity;
  /** Points were dropped that receivers hold: the next delta replaces from its first x on. */
  cut = false;

  constructor(
    readonly key: string,
    readonly name: string,
    readonly source: string,
    readonly xKind: XKind,
    /** Holds several points at one x (event files), so a delta starting at the last x appends. */
    readonly multi = false,
  ) {}

  /** The chunk points go to (from index `cBase`), until the series is `cEnd` long: a push finds it without a lookup. */
  private cx: Float64Array = EMPTY64;
  private cy: Float64Array = EMPTY64;
  private cw: Float32Array = EMPTY32;
  private cBase = 0;
  private cEnd = 0;

  push(x: number, y: number, wall: number): void {
    if (this.length === this.cEnd) this.room();
    const i = this.length - this.cBase;
    if (Number.isNaN(this.wallBase) && Number.isFinite(wall)) this.wallBase = wall;
    this.cx[i] = x;
    this.cy[i] = y;
    this.cw[i] = wall - this.wallBase;
    this.length++;
    this.lastX = x;
  }

  /** Makes the chunk that point `length` goes to the one `push` writes, allocating it as needed. */
  private room(): void {
    const c = this.length >>> SHIFT;
    const i = this.length & (CHUNK - 1);
    if (c === this.xs.length) {
      this.xs.push(new Float64Array(CHUNK));
      this.ys.push(new Float64Array(CHUNK));
      this.ws.push(new Float32Array(CHUNK));
    } else if (c === 0 && i === this.xs[0].length) {
      const n = Math.max(FIRST, i * 2);
      this.xs[0] = grow(this.xs[0], new Float64Array(n));
      this.ys[0] = grow(this.ys[0], new Float64Array(n));
      this.ws[0] = grow(this.ws[0], new Float32Array(n));
    }
    this.cx = this.xs[c];
    this.cy = this.ys[c];
    this.cw = this.ws[c];
    this.cBase = c << SHIFT;
    this.cEnd = this.cBase + this.cx.length;
  }

  /** Keeps the first `n` points. */
  truncate(n: number): void {
    this.length = n;
    if (n < this.sent) this.cut = true;
    this.sent = Math.min(this.sent, n); // the next delta starts there: the receiver drops its points from its x on
    this.xs.length = this.ys.length = this.ws.length = Math.max(1, Math.ceil(n / CHUNK));
    this.cEnd = n; // the next push looks its chunk up again
    this.lastX = n > 0 ? this.x(n - 1) : -Infinity;
  }

  x(i: number): number {
    return this.xs[i >>> SHIFT][i & (CHUNK - 1)];
  }

  y(i: number): number {
    return this.ys[i >>> SHIFT][i & (CHUNK - 1)];
  }

  /** Index of the first point with x ≥ v. */
  lowerBound(v: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.x(mid) < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Index of the first point with x > v. */
  upperBound(v: number): number {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.x(mid) <= v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  columns(from: number, to: number): StoredColumns {
    const n = Math.max(0, to - from);
    const out: StoredColumns = { x: new Float64Array(n), y: new Float64Array(n), wall: new Float64Array(n) };
    for (let at = from; at < to;) {
      const c = at >>> SHIFT;
      const i = at & (CHUNK - 1);
      const take = Math.min(to - at, CHUNK - i);
      out.x.set(this.xs[c].subarray(i, i + take), at - from);
      out.y.set(this.ys[c].subarray(i, i + take), at - from);
      const w = this.ws[c];
      const base = this.wallBase;
      if (base === base) for (let k = 0; k < take; k++) out.wall[at - from + k] = w[i + k] + base;
      at += take;
    }
    if (this.wallBase !== this.wallBase) out.wall.fill(NaN); // no point of it was dated (a backlog, most files)
    return out;
  }

  delta(from: number, to = this.length): SeriesDelta {
    const d: SeriesDelta = { key: this.key, name: this.name, source: this.source, xKind: this.xKind, ...this.columns(from, to) };
    if (this.multi && !this.cut) d.keepsSameX = true;
    return d;
  }

  get bytes(): number {
    let n = 0;
    for (let c = 0; c < this.xs.length; c++) n += this.xs[c].byteLength + this.ys[c].byteLength + this.ws[c].byteLength;
    return n;
  }
}

function grow<T extends Float64Array | Float32Array>(a: T, b: T): T {
  b.set(a);
  return b;
}

export class SeriesStore {
  private series = new Map<string, Series>();
  /** source → name → series: a lookup per point without building a key string. */
  private bySource = new Map<string, Map<string, Series>>();
  /** Points come in runs from one file: its names without a lookup. */
  private lastSource = '';
  private lastNames: Map<string, Series> | undefined;
  /** Per source, the series at each position of its last rows (see appendRow). */
  private slots = new Map<string, { names: string[]; series: Array<Series | undefined> }>();
  private lastSlotsSource = '';
  private lastSlots: { names: string[]; series: Array<Series | undefined> } | undefined;
  /** Names of series not kept (past MAX_SERIES), up to DROPPED_COUNTED, in the order they came. */
  readonly dropped = new Set<string>();

  /**
   * Adds points `[from, to)` of columns in file order (`names[tagOf[i]]`, several at one x kept,
   * as `add` with `multi`) when none of them goes back, is dropped or is positioned otherwise:
   * then the result is that of `add` for each, without a lookup per point. False, having only
   * created the series that `add` would have created by then, when one does: add them one by one.
   */
  addPoints(source: string, names: readonly string[], xKind: XKind, c: PointColumns, from: number, to: number): boolean {
    const series: (Series | undefined)[] = new Array(names.length).fill(undefined);
    const last = new Float64Array(names.length);
    const { tagOf, x } = c;
    for (let i = from; i < to; i++) {
      const t = tagOf[i];
      let s = series[t];
      if (!s) {
        if (!(s = series[t] = this.seriesFor(source, names[t], xKind, true))) return false;
        last[t] = s.lastX;
      }
      const xi = x[i];
      if (!(xi >= last[t])) return false; // back (a restart), or NaN
      last[t] = xi;
    }
    const { y, wall } = c;
    for (let i = from; i < to; i++) series[tagOf[i]]!.push(x[i], y[i], wall[i]);
    return true;
  }

  /** The series `add` would put a point of `name` in, created if new; undefined when `add` would not append to it (dropped, another axis, one point at each x). */
  private seriesFor(source: string, name: string, xKind: XKind, multi: boolean): Series | undefined {
    let names = this.bySource.get(source);
    if (!names) this.bySource.set(source, (names = new Map()));
    if (name.length > MAX_NAME_CHARS) name = storedName(name);
    let s = names.get(name);
    if (!s) {
      if (this.series.size >= MAX_SERIES) return undefined;
      s = this.create(source, name, xKind, multi, names);
    }
    return s.xKind === xKind && s.multi ? s : undefined;
  }

  /**
   * Adds a point (`wall`: its time in seconds since the epoch, NaN when unknown). A point at the
   * series' last x replaces it (a redraw settling on its value); a point whose x goes back starts
   * the series over from there, dropping the points at or after it, as TensorBoard purges on a
   * restarted run — unless `overlapping`, for sources that repeat what they wrote before
   * (trainer_state.json copies), where it is skipped. `multi`: every point counts, several at one
   * x included (event files, as TensorBoard keeps every event): a point at the last x is appended.
   */
  add(source: string, name: string, xKind: XKind, x: number, y: number, wall = NaN, overlapping = false, multi = false): AddResult {
    let names = source === this.lastSource ? this.lastNames : this.bySource.get(source);
    if (!names) this.bySource.set(source, (names = new Map()));
    this.lastSource = source;
    this.lastNames = names;
    if (name.length > MAX_NAME_CHARS) name = storedName(name);
    let s = names.get(name);
    if (!s) {
      if (this.series.size >= MAX_SERIES) {
        if (this.dropped.size < DROPPED_COUNTED && !this.dropped.has(name)) this.dropped.add(storedName(name));
        return 'dropped';
      }
      s = this.create(source, name, xKind, multi, names);
    }
    if (xKind !== s.xKind) return 'skipped'; // positioned otherwise (a damaged line read by row number): not this axis
    if (x > s.lastX || (s.multi && x === s.lastX)) {
      s.push(x, y, wall);
      return 'appended';
    }
    if (Number.isNaN(x) || (overlapping && x !== s.lastX)) return 'skipped';
    const from = s.lowerBound(x);
    const result = from === s.length - 1 && s.x(from) === x ? 'replaced' : 'restarted';
    s.truncate(from);
    s.push(x, y, wall);
    return result;
  }

  private create(source: string, name: string, xKind: XKind, multi: boolean, names: Map<string, Series>): Series {
    const own = storedName(name);
    const key = `${source}:${own}`;
    const s = new Series(key, own, source, xKind, multi);
    this.series.set(key, s);
    names.set(own, s);
    return s;
  }

  /**
   * Appends the points of a row at one x (`names[i]` is `ys[i]`, from `from` on) while each is
   * the rule: a series that exists, on this axis, and x after its last. The series of each
   * position are kept while the names there repeat, so a line costs no lookup a point. Returns
   * where it stopped (`count`: all appended); the caller stores that point with `add`.
   */
  appendRow(source: string, names: string[], ys: Float64Array, from: number, count: number, xKind: XKind, x: number, wall: number): number {
    let slots = source === this.lastSlotsSource ? this.lastSlots : this.slots.get(source);
    if (!slots) this.slots.set(source, (slots = { names: [], series: [] }));
    this.lastSlotsSource = source;
    this.lastSlots = slots;
    for (let i = from; i < count; i++) {
      const name = names[i];
      let s = slots.series[i];
      if (s === undefined || slots.names[i] !== name) {
        s = this.bySource.get(source)?.get(name.length > MAX_NAME_CHARS ? storedName(name) : name);
        slots.names[i] = name;
        slots.series[i] = s;
        if (s === undefined) return i;
      }
      if (s.xKind !== xKind || !(x > s.lastX)) return i;
      s.push(x, ys[i], wall);
    }
    return count;
  }

  /** Points added since the last call, per series; marks them sent. */
  takeDeltas(): SeriesDelta[] {
    const out: SeriesDelta[] = [];
    for (const s of this.series.values()) {
      if (s.sent === s.length) continue;
      out.push(s.delta(s.sent));
      s.sent = s.length;
      s.cut = false;
    }
    return out;
  }

  /** As `takeDeltas`, each series' count and last value instead of a copy of its points. */
  takeCounts(): SeriesCount[] {
    const out: SeriesCount[] = [];
    for (const s of this.series.values()) {
      if (s.sent === s.length) continue;
      out.push({ key: s.key, name: s.name, source: s.source, xKind: s.xKind, points: s.length - s.sent, last: s.y(s.length - 1) });
      s.sent = s.length;
      s.cut = false;
    }
    return out;
  }

  /**
   * A copy of the stored points of series `key` whose position lies in [x0, x1], positioned by
   * their x or by their wall-clock time (see `byWall`).
   */
  range(key: string, x0: number, x1: number, axis: Axis = 'x'): StoredColumns | undefined {
    const s = this.series.get(key);
    if (!s) return undefined;
    return axis === 'x' ? s.columns(s.lowerBound(x0), s.upperBound(x1)) : byWall(s.columns(0, s.length), x0, x1);
  }

  /**
   * Every point sent so far (the state the last batch left receivers in), each series passed
   * through `shape` as soon as it is copied (so only one full copy exists at a time); changes nothing.
   */
  sentSoFar(shape: (d: SeriesDelta) => SeriesDelta = (d) => d): SeriesDelta[] {
    return [...this.series.values()]
      .filter((s) => s.sent > 0)
      .map((s) => {
        const d = s.delta(0, s.sent);
        delete d.keepsSameX; // a snapshot is the whole series
        return shape(d);
      });
  }

  /** Bytes the stored points occupy, spare capacity included. */
  get bytes(): number {
    let n = 0;
    for (const s of this.series.values()) n += s.bytes;
    return n;
  }

  get pointCount(): number {
    let n = 0;
    for (const s of this.series.values()) n += s.length;
    return n;
  }
}

/**
 * The points whose wall-clock time lies in [t0, t1], positioned by it (`x` holds the time); points
 * of unknown time are left out.
 */
export function byWall(c: { y: ArrayLike<number>; wall: ArrayLike<number> }, t0: number, t1: number): StoredColumns {
  const keep: number[] = [];
  for (let i = 0; i < c.wall.length; i++) if (c.wall[i] >= t0 && c.wall[i] <= t1) keep.push(i);
  // Times ascend with x as a rule; a clock step back (or a restarted training) must not unsort them.
  if (keep.some((k, j) => j > 0 && c.wall[k] < c.wall[keep[j - 1]])) keep.sort((a, b) => c.wall[a] - c.wall[b]);
  const x = Float64Array.from(keep, (i) => c.wall[i]);
  return { x, y: Float64Array.from(keep, (i) => c.y[i]), wall: x.slice() };
}
