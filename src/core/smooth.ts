/**
 * TensorBoard's scalar smoothing, so curves match what users compare against: a debiased
 * exponential moving average (`last = last*w + (1-w)*y` from 0, shown as `last / (1 - w^n)` with n
 * counting finite points). Non-finite values pass through unsmoothed and do not count; a constant
 * series is left as it is (TensorBoard's rule, which avoids float drift on flat lines).
 */
export function smoothEma(y: ArrayLike<number>, weight: number, n = y.length): Float64Array {
  const out = new Float64Array(n);
  emaInto(y, 0, n, weight, isConstant(y, n), { last: 0, count: 0 }, out);
  return out;
}

/** The EMA's running state: the undebiased average and how many finite values it took. */
export interface EmaState {
  last: number;
  count: number;
}

/** Whether y[0, n) is one value repeated (TensorBoard leaves such a series unsmoothed). */
export function isConstant(y: ArrayLike<number>, n = y.length): boolean {
  for (let i = 1; i < n; i++) if (y[i] !== y[0]) return false;
  return true;
}

/** Smooths y[from, to) into `out`, continuing from `state` (which it advances): lets a live line extend its smoothing. */
export function emaInto(y: ArrayLike<number>, from: number, to: number, weight: number, constant: boolean, state: EmaState, out: Float64Array): void {
  let { last, count } = state;
  for (let i = from; i < to; i++) {
    const v = y[i];
    if (constant || !Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    last = last * weight + (1 - weight) * v;
    count++;
    out[i] = weight === 1 ? last : last / (1 - Math.pow(weight, count));
  }
  state.last = last;
  state.count = count;
}
