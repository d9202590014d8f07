/**
 * The points of one series as the webview holds them: growing typed arrays that uPlot reads
 * through views, and a smoothed copy kept up to date incrementally (a batch extends it; a redraw
 * of the last point costs one point; a deeper cut, or a new weight, recomputes it).
 */
import type { SeriesDelta } from '../core/protocol/batch';
import { lowerBound } from '../core/decimate';
import { emaInto, isConstant, type EmaState } from '../core/smooth';

interface KeptState extends EmaState {
  at: number;
}

export class Line {
  x: Float64Array = new Float64Array(0);
  y: Float64Array = new Float64Array(0);
  /** Wall-clock seconds of each point; NaN where unknown. */
  wall: Float64Array = new Float64Array(0);
  length = 0;
  private smooth: Float64Array = new Float64Array(0);
  /** Points of `smooth` that are current for `weight`. */
  private smoothed = 0;
  private weight = -1;
  /** Whether every y so far is the same (TensorBoard leaves such a series unsmoothed). */
  private constant = true;
  /** The EMA's state after `at` points: at the end, and before the last point. */
  private ema: KeptState = { at: -1, last: 0, count: 0 };
  private emaBeforeLast: KeptState = { at: -1, last: 0, count: 0 };

  constructor(
    readonly key: string,
    readonly name: string,
    readonly source: string,
  ) {}

  /** Points at or after the delta's first x are replaced (see SeriesDelta). */
  add(d: SeriesDelta): void {
    const n = d.x.length;
    if (n && this.length && d.x[0] <= this.x[this.length - 1]) this.length = lowerBound(this.x, this.length, d.x[0]);
    const need = this.length + n;
    if (need > this.x.length) {
      const size = Math.max(need, this.x.length * 2, 64);
      this.x = grow(this.x, size, this.length);
      this.y = grow(this.y, size, this.length);
      this.wall = grow(this.wall, size, this.length);
    }
    this.x.set(d.x, this.length);
    this.y.set(d.y, this.length);
    if (d.wall) this.wall.set(d.wall, this.length);
    else this.wall.fill(NaN, this.length, need);
    this.length = need;
    this.smoothed = Math.min(this.smoothed, need - n);
  }

  /**
   * TensorBoard's debiased EMA of y (as core/smooth.ts computes it), extended from the last call.
   * A progress bar's redraw replaces the last point each batch: the state before it is kept, so
   * that costs one point, not the whole series.
   */
  smoothY(weight: number): Float64Array {
    if (this.smooth.length < this.y.length) this.smooth = grow(this.smooth, this.y.length, this.smoothed);
    let from = this.smoothed;
    const kept = this.ema.at === from ? this.ema : this.emaBeforeLast.at === from ? this.emaBeforeLast : undefined;
    // a constant series stays unsmoothed; once it changes, it is smoothed from its start
    const constant = isConstant(this.y, this.length);
    let state: EmaState = kept ? { last: kept.last, count: kept.count } : { last: 0, count: 0 };
    if (weight !== this.weight || !kept || constant !== this.constant) {
      from = 0;
      state = { last: 0, count: 0 };
    }
    this.weight = weight;
    this.constant = constant;
    const end = this.length;
    if (from < end - 1) emaInto(this.y, from, end - 1, weight, constant, state, this.smooth);
    if (from < end) {
      this.emaBeforeLast = { at: end - 1, ...state };
      emaInto(this.y, end - 1, end, weight, constant, state, this.smooth);
    }
    this.ema = { at: end, ...state };
    this.smoothed = end;
    return this.smooth.subarray(0, end);
  }
}

function grow(a: Float64Array, size: number, keep: number): Float64Array {
  const b = new Float64Array(size);
  b.set(a.subarray(0, keep));
  return b;
}
