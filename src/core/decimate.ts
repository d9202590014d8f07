/**
 * Min/max decimation for drawing: per bucket of x (a pixel column), the first, lowest, highest and
 * last points, in x order (M4: the line drawn from them covers exactly the pixels the full series
 * would). Each kept point also carries its bucket's lowest and highest value, for a band that
 * keeps spikes visible. Decimating points that are already decimated merges their bands, so the
 * webview can shrink what it holds with the same function.
 */
import type { SeriesDelta } from './protocol/batch';

/** Columns of one series, ascending x. `lo`/`hi`: each point's band, when it stands for several. */
export interface Columns {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Wall-clock seconds, carried along with the kept points; NaN where unknown. */
  wall?: ArrayLike<number>;
  lo?: ArrayLike<number>;
  hi?: ArrayLike<number>;
}

export interface Decimated {
  x: Float64Array<ArrayBuffer>;
  y: Float64Array<ArrayBuffer>;
  wall: Float64Array<ArrayBuffer>;
  /** Present when the points stand for more than themselves (this call or an earlier one decimated). */
  lo?: Float64Array<ArrayBuffer>;
  hi?: Float64Array<ArrayBuffer>;
  /** Points of the input inside [x0, x1]. */
  inRange: number;
}

/** Index of the first element ≥ v in ascending `a[0..n)`. */
export function lowerBound(a: ArrayLike<number>, n: number, v: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first element > v in ascending `a[0..n)`. */
export function upperBound(a: ArrayLike<number>, n: number, v: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function slice(a: ArrayLike<number> | undefined, from: number, to: number): Float64Array<ArrayBuffer> {
  const out = new Float64Array(to - from);
  if (!a) out.fill(NaN);
  else for (let i = from; i < to; i++) out[i - from] = a[i];
  return out;
}

/**
 * Decimates the first `n` points of `c` within [x0, x1] into `buckets` equal x-buckets. A range
 * holding no more than 4 points a bucket comes back whole.
 */
export function decimate(c: Columns, n: number, x0: number, x1: number, buckets: number): Decimated {
  const { x, y } = c;
  const start = lowerBound(x, n, x0);
  const end = upperBound(x, n, x1);
  const count = end - start;
  if (count <= buckets * 4 || !(x1 > x0)) {
    const whole: Decimated = { x: slice(x, start, end), y: slice(y, start, end), wall: slice(c.wall, start, end), inRange: count };
    if (c.lo && c.hi) [whole.lo, whole.hi] = [slice(c.lo, start, end), slice(c.hi, start, end)];
    return whole;
  }
  const lows = c.lo ?? y;
  const highs = c.hi ?? y;
  const cap = buckets * 4;
  const out = { x: new Float64Array(cap), y: new Float64Array(cap), wall: new Float64Array(cap), lo: new Float64Array(cap), hi: new Float64Array(cap) };
  let m = 0;
  const picks = [0, 0, 0, 0];
  const width = (x1 - x0) / buckets;
  let i = start;
  while (i < end) {
    const b = Math.min(buckets - 1, Math.floor((x[i] - x0) / width));
    const bucketEnd = b === buckets - 1 ? Infinity : x0 + (b + 1) * width;
    const first = i;
    let min = -1;
    let max = -1;
    let bandLo = Infinity;
    let bandHi = -Infinity;
    for (; i < end && x[i] < bucketEnd; i++) {
      const v = y[i];
      if (v === v && v !== Infinity && v !== -Infinity) {
        if (min < 0 || v < y[min]) min = i;
        if (max < 0 || v > y[max]) max = i;
      }
      const l = lows[i];
      const h = highs[i];
      if (l > -Infinity && l < bandLo) bandLo = l;
      if (h < Infinity && h > bandHi) bandHi = h;
    }
    const last = i - 1;
    // first, min, max, last in x order, each once
    let k = 0;
    for (const p of [first, min, max, last]) {
      if (p < 0) continue;
      let j = k++;
      while (j > 0 && picks[j - 1] > p) picks[j] = picks[--j];
      picks[j] = p;
    }
    if (!Number.isFinite(bandLo) || !Number.isFinite(bandHi)) bandLo = bandHi = NaN;
    for (let j = 0; j < k; j++) {
      const p = picks[j];
      if (j > 0 && p === picks[j - 1]) continue;
      out.x[m] = x[p];
      out.y[m] = y[p];
      out.wall[m] = c.wall ? c.wall[p] : NaN;
      out.lo[m] = bandLo;
      out.hi[m++] = bandHi;
    }
  }
  return { x: out.x.slice(0, m), y: out.y.slice(0, m), wall: out.wall.slice(0, m), lo: out.lo.slice(0, m), hi: out.hi.slice(0, m), inRange: count };
}

/** A series at display resolution: over its whole x range, in `buckets` columns (unchanged when that keeps every point). */
export function atResolution(d: SeriesDelta, buckets: number): SeriesDelta {
  const n = d.x.length;
  if (n <= buckets * 4) return d;
  const { x, y, wall, lo, hi } = decimate(d, n, d.x[0], d.x[n - 1], buckets);
  const out: SeriesDelta = { key: d.key, name: d.name, source: d.source, xKind: d.xKind, x, y, wall, lo, hi };
  if (d.keepsSameX) out.keepsSameX = true;
  return out;
}
