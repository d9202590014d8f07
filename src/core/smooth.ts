/**
 * TensorBoard's scalar smoothing, so curves match what users compare against: a debiased
 * exponential moving average (`last = last*w + (1-w)*y` from 0, shown as `last / (1 - w^n)` with n
 * counting finite points). Non-finite values pass through unsmoothed and do not count; a constant
 * series is left as it is (TensorBoard's rule, which avoids float drift on flat lines).
 */
export function smoothEma(y: ArrayLike<number>, weight: number, n = y.length): Float64Array {
  const out = new Float64Array(n);
  if (n === 0) return out;
  let constant = true;
  for (let i = 1; i < n && constant; i++) constant = y[i] === y[0];
  let last = 0;
  let accumulated = 0;
  for (let i = 0; i < n; i++) {
    const v = y[i];
    if (constant || !Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    last = last * weight + (1 - weight) * v;
    accumulated++;
    out[i] = weight === 1 ? last : last / (1 - Math.pow(weight, accumulated));
  }
  return out;
}
