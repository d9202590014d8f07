/**
 * Min/max decimation for drawing: per bucket of x (a pixel column), the first, lowest, highest and
 * last points, in x order (M4: the line drawn from them covers exactly the pixels the full series
 * would), plus each bucket's min and max for a band. Spikes survive; a bucket holds ≤ 4 points.
 */

export interface Decimated {
  /** The points to draw as a line, ascending x. */
  x: Float64Array;
  y: Float64Array;
  /** Per non-empty bucket: its centre and the lowest and highest finite value in it. */
  bandX: Float64Array;
  bandLo: Float64Array;
  bandHi: Float64Array;
  /** Points of the series inside [x0, x1]. */
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

/**
 * Decimates `x`/`y` (ascending x, first `n` points) within [x0, x1] into `buckets` equal x-buckets.
 * A range holding no more than 4 points a bucket is returned whole.
 */
export function decimate(x: ArrayLike<number>, y: ArrayLike<number>, n: number, x0: number, x1: number, buckets: number): Decimated {
  const start = lowerBound(x, n, x0);
  const end = upperBound(x, n, x1);
  const count = end - start;
  const outX: number[] = [];
  const outY: number[] = [];
  const bx: number[] = [];
  const lo: number[] = [];
  const hi: number[] = [];
  if (count <= buckets * 4 || !(x1 > x0)) {
    for (let i = start; i < end; i++) {
      outX.push(x[i]);
      outY.push(y[i]);
    }
    return { x: Float64Array.from(outX), y: Float64Array.from(outY), bandX: new Float64Array(0), bandLo: new Float64Array(0), bandHi: new Float64Array(0), inRange: count };
  }
  const width = (x1 - x0) / buckets;
  let i = start;
  while (i < end) {
    const b = Math.min(buckets - 1, Math.floor((x[i] - x0) / width));
    const bucketEnd = x0 + (b + 1) * width;
    const first = i;
    let min = -1;
    let max = -1;
    let last = i;
    for (; i < end && (x[i] < bucketEnd || b === buckets - 1); i++) {
      last = i;
      const v = y[i];
      if (!Number.isFinite(v)) continue;
      if (min < 0 || v < y[min]) min = i;
      if (max < 0 || v > y[max]) max = i;
    }
    // first, min, max, last in x order, each once
    const picks = [first, min, max, last].filter((k) => k >= 0).sort((a, c) => a - c);
    let prev = -1;
    for (const k of picks) {
      if (k === prev) continue;
      outX.push(x[k]);
      outY.push(y[k]);
      prev = k;
    }
    if (min >= 0) {
      bx.push(x0 + (b + 0.5) * width);
      lo.push(y[min]);
      hi.push(y[max]);
    }
  }
  return {
    x: Float64Array.from(outX),
    y: Float64Array.from(outY),
    bandX: Float64Array.from(bx),
    bandLo: Float64Array.from(lo),
    bandHi: Float64Array.from(hi),
    inRange: count,
  };
}
