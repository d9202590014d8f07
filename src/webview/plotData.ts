/**
 * The columns a chart hands uPlot, from a line as held or from a zoom window: positioned on the
 * chart's axis (x, or wall-clock time), smoothed, cut to what a log scale can show, and joined
 * on x when a chart has several lines.
 */
import uPlot from 'uplot';
import { lowerBound, upperBound } from '../core/decimate';
import type { WindowSeries } from '../core/protocol/batch';
import { smoothEma } from '../core/smooth';
import type { HeldSeries } from './heldSeries';
import type { ViewOptions } from './view';
import { smoothable } from './smoothing';

/** One line's columns: `main` is what the legend reads (smoothed when smoothing is on). */
export interface LineColumns {
  x: Float64Array;
  main: Float64Array;
  /** The raw values behind a smoothed line. */
  raw?: Float64Array;
  /** The band of decimated points. */
  lo?: Float64Array;
  hi?: Float64Array;
}

const sub = (a: Float64Array | undefined, n: number) => a?.subarray(0, n);

/**
 * A held line's columns. `origin`: for an axis by time (relative or wall), the seconds that count
 * as zero; points of unknown time, or earlier than the point before, are left out.
 */
export function heldColumns(line: HeldSeries, view: ViewOptions, byTime: boolean, origin: number): LineColumns {
  const n = line.length;
  const y = line.y.subarray(0, n);
  const smooth = view.smoothing > 0 && smoothable(y, n) ? line.smoothY(view.smoothing) : undefined;
  const c = columns(line.x.subarray(0, n), y, smooth, sub(line.lo, n), sub(line.hi, n));
  return byTime ? positionedByTime(c, line.wall, origin) : c;
}

/**
 * A zoom window's columns: its x is already the axis' position (x, or wall-clock seconds minus
 * `origin`). `dense`: whether the line as held is smoothed (a window of it is too).
 */
export function windowColumns(w: WindowSeries, view: ViewOptions, origin: number, dense: boolean): LineColumns {
  const x = origin ? w.x.map((t) => t - origin) : w.x;
  return columns(x, w.y, view.smoothing > 0 && dense ? smoothEma(w.y, view.smoothing) : undefined, w.lo, w.hi);
}

/** How wide, in CSS pixels, a decimated column must be drawn for its band to show past the line. */
const BAND_MIN_PX = 2;

/**
 * Whether a line's min/max band would show anything its line does not. M4 keeps each column's
 * extremes in the line, so while columns are drawn at most a pixel or so wide, the line's strokes
 * cover the band exactly; drawing it anyway doubles a chart's draw time (two more uPlot series and
 * a fill). A column shows wider once a chart zooms into held points (until the window at full
 * fidelity comes), or near the start of a log axis. `px` is the plot's width over [x0, x1].
 */
export function bandShows(c: LineColumns, x0: number, x1: number, px: number, logX: boolean): boolean {
  const { x, lo, hi } = c;
  const at = logX ? Math.log10 : (v: number) => v;
  const perUnit = px / (at(x1) - at(x0));
  if (!lo || !hi || !(perUnit > 0 && perUnit < Infinity)) return false;
  const to = upperBound(x, x.length, x1);
  let start = NaN; // where the current column's first point is drawn
  for (let i = lowerBound(x, x.length, x0); i < to; i++) {
    if (!(hi[i] > lo[i]))
      start = NaN; // a point that stands for itself: nothing to fill
    else if (start !== start || lo[i] !== lo[i - 1] || hi[i] !== hi[i - 1])
      start = at(x[i]); // a column's points share its band
    else if ((at(x[i]) - start) * perUnit >= BAND_MIN_PX) return true;
  }
  return false;
}

/** `bandShows` for each of a chart's lines, over `range` (zoomed) or all their points. */
export function bandsShown(cols: LineColumns[], range: [number, number] | undefined, px: number, logX: boolean): boolean[] {
  let [x0, x1] = range ?? [Infinity, -Infinity];
  if (!range) {
    for (const c of cols) {
      if (!c.x.length) continue;
      x0 = Math.min(x0, c.x[0]);
      x1 = Math.max(x1, c.x[c.x.length - 1]);
    }
  }
  return cols.map((c) => bandShows(c, x0, x1, px, logX));
}

function columns(x: Float64Array, y: Float64Array, smooth: Float64Array | undefined, lo?: Float64Array, hi?: Float64Array): LineColumns {
  return { x, main: smooth ?? y, raw: smooth && y, lo, hi };
}

function positionedByTime(c: LineColumns, wall: Float64Array, origin: number): LineColumns {
  const n = c.x.length;
  const keep = new Uint32Array(n);
  let k = 0;
  let prev = -Infinity;
  for (let i = 0; i < n; i++) {
    const t = wall[i];
    if (!(t >= prev)) continue; // NaN, or earlier than the point before
    prev = t;
    keep[k++] = i;
  }
  const pick = (a: Float64Array | undefined) => {
    if (!a) return undefined;
    const out = new Float64Array(k);
    for (let j = 0; j < k; j++) out[j] = a[keep[j]];
    return out;
  };
  const x = new Float64Array(k);
  for (let j = 0; j < k; j++) x[j] = wall[keep[j]] - origin;
  return { x, main: pick(c.main)!, raw: pick(c.raw), lo: pick(c.lo), hi: pick(c.hi) };
}

/** Cuts a line's columns to what the view's log scales can draw: x > 0 for log x, y > 0 for log y (others become gaps). */
export function forScales(c: LineColumns, logX: boolean, logY: boolean): LineColumns {
  let out = c;
  if (logX) {
    const from = upperBound(c.x, c.x.length, 0);
    const cut = (a: Float64Array | undefined) => a?.subarray(from);
    out = { x: c.x.subarray(from), main: cut(c.main)!, raw: cut(c.raw), lo: cut(c.lo), hi: cut(c.hi) };
  }
  if (logY) {
    const positive = (a: Float64Array | undefined) => a?.map((v) => (v > 0 ? v : NaN));
    out = { x: out.x, main: positive(out.main)!, raw: positive(out.raw), lo: positive(out.lo), hi: positive(out.hi) };
  }
  return out;
}

/** The y columns of a line in the order the chart's series list them: raw, main, lo, hi. */
export function yColumns(c: LineColumns, banded: boolean): Float64Array[] {
  const ys = c.raw ? [c.raw, c.main] : [c.main];
  if (banded) ys.push(c.lo ?? c.main, c.hi ?? c.main);
  return ys;
}

/**
 * uPlot's data for lines that may not share their x values: one x column, the union of theirs,
 * and each line's values at its own x (undefined elsewhere, which uPlot's legend shows as "--").
 * Each line's x ascends, so this merges in one pass; uPlot.join, which hashes and sorts every x,
 * was the largest cost of a live update in the dashboard benchmark.
 */
export function aligned(tables: Array<[Float64Array, ...Float64Array[]]>): uPlot.AlignedData {
  if (tables.length === 1) return tables[0];
  let total = 0;
  for (const t of tables) total += t[0].length;
  const xs = new Float64Array(total);
  const slot = tables.map((t) => new Int32Array(t[0].length));
  const pos = new Int32Array(tables.length);
  let m = 0;
  for (;;) {
    let min = Infinity;
    let any = false;
    for (let t = 0; t < tables.length; t++) {
      if (pos[t] === tables[t][0].length) continue;
      any = true;
      if (tables[t][0][pos[t]] < min) min = tables[t][0][pos[t]];
    }
    if (!any) break;
    // several points of a line at one x (event files keep every event) each get a slot of that x
    let width = 1;
    for (let t = 0; t < tables.length; t++) {
      let k = 0;
      while (pos[t] < tables[t][0].length && tables[t][0][pos[t]] <= min) slot[t][pos[t]++] = m + k++;
      if (k > width) width = k;
    }
    for (let k = 0; k < width; k++) xs[m++] = min;
  }
  const data: Array<ArrayLike<number | null | undefined>> = [xs.subarray(0, m)];
  tables.forEach((t, ti) => {
    for (let c = 1; c < t.length; c++) {
      const col = new Array<number | undefined>(m).fill(undefined);
      const ys = t[c];
      const at = slot[ti];
      for (let i = 0; i < ys.length; i++) col[at[i]] = ys[i];
      data.push(col);
    }
  });
  return data as uPlot.AlignedData;
}
