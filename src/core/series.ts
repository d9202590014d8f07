/**
 * Columnar storage of every series of a run, growing in place, with the points not yet sent
 * kept as a range so a batch carries only what changed.
 */
import type { SeriesDelta, XKind } from './protocol/batch';
import { lowerBound } from './decimate';

/** What `add` did with a point. */
export type AddResult = 'appended' | 'replaced' | 'restarted' | 'skipped';

class Series {
  x: Float64Array<ArrayBuffer> = new Float64Array(256);
  y: Float64Array<ArrayBuffer> = new Float64Array(256);
  length = 0;
  /** Points before this index were sent. */
  sent = 0;

  constructor(
    readonly key: string,
    readonly name: string,
    readonly source: string,
    readonly xKind: XKind,
  ) {}

  get lastX(): number {
    return this.length > 0 ? this.x[this.length - 1] : -Infinity;
  }

  push(x: number, y: number): void {
    if (this.length === this.x.length) {
      this.x = grow(this.x);
      this.y = grow(this.y);
    }
    this.x[this.length] = x;
    this.y[this.length] = y;
    this.length++;
  }

  delta(from: number, to = this.length): SeriesDelta {
    // slice() copies into a buffer of exactly the right size, so it transfers whole.
    return {
      key: this.key,
      name: this.name,
      source: this.source,
      xKind: this.xKind,
      x: this.x.slice(from, to),
      y: this.y.slice(from, to),
    };
  }
}

function grow(a: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}

export class SeriesStore {
  private series = new Map<string, Series>();
  /** source → name → series: a lookup per point without building a key string. */
  private bySource = new Map<string, Map<string, Series>>();

  /**
   * Adds a point. A point at the series' last x replaces it (a redraw settling on its value); a
   * point whose x goes back starts the series over from there, dropping the points at or after
   * it, as TensorBoard purges on a restarted run — unless `overlapping`, for sources that repeat
   * what they wrote before (trainer_state.json copies), where it is skipped.
   */
  add(source: string, name: string, xKind: XKind, x: number, y: number, overlapping = false): AddResult {
    let names = this.bySource.get(source);
    if (!names) this.bySource.set(source, (names = new Map()));
    let s = names.get(name);
    if (!s) {
      const key = `${source}:${name}`;
      s = new Series(key, name, source, xKind);
      this.series.set(key, s);
      names.set(name, s);
    }
    if (xKind !== s.xKind) return 'skipped'; // positioned otherwise (a damaged line read by row number): not this axis
    if (x > s.lastX) {
      s.push(x, y);
      return 'appended';
    }
    if (Number.isNaN(x) || (overlapping && x !== s.lastX)) return 'skipped';
    const from = lowerBound(s.x, s.length, x);
    const result = from === s.length - 1 && s.x[from] === x ? 'replaced' : 'restarted';
    s.length = from;
    s.sent = Math.min(s.sent, from); // the next delta starts at x: the receiver drops its points from there
    s.push(x, y);
    return result;
  }

  /** Points added since the last call, per series; marks them sent. */
  takeDeltas(): SeriesDelta[] {
    const out: SeriesDelta[] = [];
    for (const s of this.series.values()) {
      if (s.sent === s.length) continue;
      out.push(s.delta(s.sent));
      s.sent = s.length;
    }
    return out;
  }

  /** The stored columns of one series (views: valid until the next add). */
  columns(key: string): { x: Float64Array; y: Float64Array; length: number } | undefined {
    const s = this.series.get(key);
    return s && { x: s.x, y: s.y, length: s.length };
  }

  /** Every point sent so far (the state the last batch left receivers in); changes nothing. */
  sentSoFar(): SeriesDelta[] {
    return [...this.series.values()].filter((s) => s.sent > 0).map((s) => s.delta(0, s.sent));
  }

  /** Bytes the stored points occupy, spare capacity included. */
  get bytes(): number {
    let n = 0;
    for (const s of this.series.values()) n += s.x.byteLength + s.y.byteLength;
    return n;
  }

  get pointCount(): number {
    let n = 0;
    for (const s of this.series.values()) n += s.length;
    return n;
  }
}
