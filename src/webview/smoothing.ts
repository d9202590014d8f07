/**
 * Which lines smoothing applies to: dense series only. A handful of evaluation points smoothed is
 * a line that lags behind every one of them, and a counter (samples seen, an iteration number)
 * has no noise to take out; both are drawn as they are, without a faint raw twin.
 */

/** Fewer points than this are a handful (an evaluation a few times a run). */
export const SMOOTH_MIN_POINTS = 20;

/** Whether `y[0..n)` counts something: whole numbers that never go down. */
export function isCounter(y: ArrayLike<number>, n: number): boolean {
  if (n < 3) return false;
  let prev = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = y[i];
    if (v !== v) continue; // NaN: a gap
    if (!Number.isInteger(v) || v < prev) return false;
    prev = v;
  }
  return prev > 0;
}

/** Whether a line of `n` points with values `y` is smoothed when smoothing is on. */
export function smoothable(y: ArrayLike<number>, n: number): boolean {
  return n >= SMOOTH_MIN_POINTS && !isCounter(y, n);
}
