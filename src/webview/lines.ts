/**
 * The points of one series as the webview holds them: growing typed arrays that uPlot reads
 * through views, and a smoothed copy kept up to date incrementally (a batch extends it; it is
 * recomputed only from where a delta replaced points).
 */
import type { SeriesDelta } from '../core/protocol/batch';
import { lowerBound } from '../core/decimate';

interface EmaState {
  at: number;
  last: number;
  count: number;
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
  private ema: EmaState = { at: -1, last: 0, count: 0 };
  private emaBeforeLast: EmaState = { at: -1, last: 0, count: 0 };

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
    let state = this.ema.at === from ? this.ema : this.emaBeforeLast.at === from ? this.emaBeforeLast : undefined;
    const y0 = this.y[0];
    let constant = this.constant && from > 0;
    for (let i = from; i < this.length && constant; i++) constant = this.y[i] === y0;
    if (weight !== this.weight || !state || (this.constant && !constant && from > 0)) {
      // start over: a new weight, a cut this far back, or a series that stopped being constant
      from = 0;
      state = { at: 0, last: 0, count: 0 };
      constant = true;
      for (let i = 1; i < this.length && constant; i++) constant = this.y[i] === y0;
    }
    this.weight = weight;
    this.constant = constant;
    const { y, smooth } = this;
    let { last, count } = state;
    for (let i = from; i < this.length; i++) {
      if (i === this.length - 1) this.emaBeforeLast = { at: i, last, count };
      const v = y[i];
      if (constant || !Number.isFinite(v)) {
        smooth[i] = v;
        continue;
      }
      last = last * weight + (1 - weight) * v;
      count++;
      smooth[i] = weight === 1 ? last : last / (1 - Math.pow(weight, count));
    }
    this.ema = { at: this.length, last, count };
    this.smoothed = this.length;
    return smooth.subarray(0, this.length);
  }
}

function grow(a: Float64Array, size: number, keep: number): Float64Array {
  const b = new Float64Array(size);
  b.set(a.subarray(0, keep));
  return b;
}
