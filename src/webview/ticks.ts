/**
 * Compact axis labels, as TensorBoard writes them: `5e-5` for a learning rate, `3.2k` for steps,
 * `1e+63` for an exploding norm, with as few digits as tell the ticks apart. Pure: tested in Node.
 */

const SI: Array<[number, string]> = [
  [1e12, 'T'],
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
];

/** Below this or from EXP_HIGH up, an axis is labelled in exponent notation. */
const EXP_LOW = 1e-3;
const EXP_HIGH = 1e15;

/** `text` without the zeros that end its fraction (`1.50` → `1.5`, `2.0` → `2`). */
function trimFraction(text: string): string {
  if (!text.includes('.')) return text;
  let end = text.length;
  while (text[end - 1] === '0') end--;
  if (text[end - 1] === '.') end--;
  return text.slice(0, end);
}

/** `v` in exponent notation with `digits` significant digits: `5e-5`, `1.5e+63`. */
function exponent(v: number, digits: number): string {
  const s = v.toExponential(Math.max(0, digits - 1));
  const e = s.indexOf('e');
  return trimFraction(s.slice(0, e)) + s.slice(e);
}

/** `v` with `digits` significant digits, in exponent notation (`exp`) or plain with an SI suffix from 1000 up. */
function format(v: number, digits: number, exp: boolean): string {
  if (v === 0) return '0';
  if (exp) return exponent(v, digits);
  const a = Math.abs(v);
  const [unit, suffix] = SI.find(([u]) => a >= u) ?? [1, ''];
  const m = v / unit;
  const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(Math.abs(m))));
  return trimFraction(m.toFixed(Math.min(decimals, 20))) + suffix;
}

/** The number a label stands for. */
function valueOf(label: string): number {
  const last = label[label.length - 1];
  const unit = SI.find(([, s]) => s === last);
  return unit ? Number(label.slice(0, -1)) * unit[0] : Number(label);
}

/**
 * Labels for an axis' ticks: one notation for the axis (exponent when its largest value is below
 * 1e-3 or from 1e15 up; plain with k, M, G, T otherwise) and the fewest significant digits that
 * keep each label within a thousandth of the ticks' spacing of its value, so ticks read apart.
 */
export function tickLabels(values: readonly number[]): string[] {
  const finite = values.filter((v) => Number.isFinite(v));
  let max = 0;
  for (const v of finite) max = Math.max(max, Math.abs(v));
  const exp = max > 0 && (max < EXP_LOW || max >= EXP_HIGH);
  const sorted = [...new Set(finite)].sort((a, b) => a - b);
  let spacing = Infinity;
  for (let i = 1; i < sorted.length; i++) spacing = Math.min(spacing, sorted[i] - sorted[i - 1]);
  if (spacing === Infinity) spacing = max || 1;
  const label = (v: number, digits: number) => (Number.isFinite(v) ? format(v, digits, exp) : String(v));
  for (let digits = 1; digits < 17; digits++) {
    const labels = values.map((v) => label(v, digits));
    if (values.every((v, i) => !Number.isFinite(v) || Math.abs(valueOf(labels[i]) - v) <= spacing / 1000)) return labels;
  }
  return values.map((v) => label(v, 17));
}

/**
 * A value as a legend or tooltip reads it: uPlot's own format (three decimals) where that shows
 * it, four significant digits in exponent notation where it would read 0 or run long.
 */
export function readout(v: number | null | undefined, plain: (v: number) => string): string {
  if (v == null) return '--';
  const a = Math.abs(v);
  if (!Number.isFinite(v) || v === 0 || (a >= EXP_LOW && a < EXP_HIGH)) return plain(v);
  return exponent(v, 4);
}
