/**
 * A chart's y axis as its user set it: automatic, ignoring outliers (a robust range from
 * quantiles, the points outside drawn at its edge), including zero, or pinned to a range. The most
 * asked-for chart option of TensorBoard's users.
 */
import uPlot from 'uplot';

export type YMode = 'auto' | 'outliers' | 'zero' | 'pinned';

export interface YAxis {
  mode: YMode;
  /** A pinned range's ends (either may be left open: NaN or absent). */
  min?: number;
  max?: number;
}

export const Y_MODES: Array<[YMode, string]> = [
  ['auto', 'Y: auto'],
  ['outliers', 'Y: ignore outliers'],
  ['zero', 'Y: include zero'],
  ['pinned', 'Y: pinned'],
];

/** The quantiles a robust range spans, and how many values it samples at most (cost stays flat). */
const Q_LO = 0.02;
const Q_HI = 0.98;
const SAMPLE = 4096;

/** The [2 %, 98 %] quantiles of the finite values of `cols`, widened so a flat line keeps a height; undefined when none. */
export function robustRange(cols: ArrayLike<number | null | undefined>[]): [number, number] | undefined {
  let total = 0;
  for (const c of cols) total += c.length;
  const step = Math.max(1, Math.floor(total / SAMPLE));
  const vals: number[] = [];
  let k = 0;
  for (const c of cols) {
    for (let i = 0; i < c.length; i++, k++) {
      if (k % step) continue;
      const v = c[i];
      if (v != null && Number.isFinite(v)) vals.push(v);
    }
  }
  if (!vals.length) return undefined;
  vals.sort((a, b) => a - b);
  const at = (q: number) => vals[Math.min(vals.length - 1, Math.max(0, Math.round(q * (vals.length - 1))))];
  const lo = at(Q_LO);
  const hi = at(Q_HI);
  const pad = (hi - lo) * 0.1 || Math.abs(hi) * 0.1 || 1;
  return [lo - pad, hi + pad];
}

/** The columns with every value outside `range` moved to its edge: an outlier stays visible, at the top or bottom. */
export function clampTo(data: uPlot.AlignedData, range: [number, number], columns: (c: number) => boolean): uPlot.AlignedData {
  const [lo, hi] = range;
  return data.map((col, c) => {
    if (c === 0 || !columns(c)) return col;
    let outside = false;
    for (let i = 0; i < col.length && !outside; i++) {
      const v = col[i];
      outside = v != null && (v < lo || v > hi);
    }
    return outside ? Array.from(col, (v) => (v == null ? v : v < lo ? lo : v > hi ? hi : v)) : col;
  }) as uPlot.AlignedData;
}

/**
 * `data` with its lines' outliers at the edge of their robust range (the bands' columns, after
 * each line's raw and main ones, left out), and that range. `banded`, `smoothed`: by line.
 */
export function outlierFree(data: uPlot.AlignedData, banded: boolean[], smoothed: boolean[]): { data: uPlot.AlignedData; robust?: [number, number] } {
  const lines: boolean[] = []; // by column after x: a line's (not a band's)
  banded.forEach((b, i) => lines.push(...(smoothed[i] ? [true] : []), true, ...(b ? [false, false] : [])));
  const robust = robustRange(data.filter((_, c) => c > 0 && lines[c - 1]));
  return robust ? { data: clampTo(data, robust, (c) => lines[c - 1]), robust } : { data };
}

/**
 * The y scale's range for `axis` given the data's [min, max] (in drawn units: divided by 10^shift).
 * `robust`: the outlier-free range found for this draw.
 */
export function yRange(axis: YAxis, min: number, max: number, shift: number, robust: [number, number] | undefined): uPlot.Range.MinMax {
  if (axis.mode === 'pinned') {
    const f = 10 ** shift;
    const lo = axis.min != null && Number.isFinite(axis.min) ? axis.min / f : min;
    const hi = axis.max != null && Number.isFinite(axis.max) ? axis.max / f : max;
    if (hi > lo) return [lo, hi];
  }
  if (axis.mode === 'outliers' && robust) return robust;
  if (axis.mode === 'zero') return uPlot.rangeNum(Math.min(0, min), Math.max(0, max), 0.1, true);
  return uPlot.rangeNum(min, max, 0.1, true);
}

/** A chart head's control: a mode, and a pinned range's two ends. */
export function yControl(axis: YAxis, change: (axis: YAxis) => void): HTMLElement {
  const wrap = document.createElement('span');
  wrap.className = 'y-axis';
  const mode = document.createElement('select');
  mode.className = 'y-mode';
  mode.title = "This chart's y axis: automatic, ignoring outliers, including zero, or a range you pin";
  mode.setAttribute('aria-label', 'Y axis range');
  for (const [value, text] of Y_MODES) mode.append(new Option(text, value, false, value === axis.mode));
  const end = (cls: string, label: string, v: number | undefined) => {
    const input = document.createElement('input');
    input.type = 'number';
    input.className = cls;
    input.step = 'any';
    input.placeholder = label;
    input.setAttribute('aria-label', `Pinned y ${label}`);
    if (v != null && Number.isFinite(v)) input.value = String(v);
    return input;
  };
  const min = end('y-min', 'min', axis.min);
  const max = end('y-max', 'max', axis.max);
  const show = () => (min.hidden = max.hidden = mode.value !== 'pinned');
  show();
  const post = () => {
    show();
    const num = (i: HTMLInputElement) => (i.value.trim() === '' ? undefined : Number(i.value));
    change({ mode: mode.value as YMode, ...(mode.value === 'pinned' && { min: num(min), max: num(max) }) });
  };
  mode.addEventListener('change', post);
  min.addEventListener('change', post);
  max.addEventListener('change', post);
  wrap.append(mode, min, max);
  return wrap;
}
