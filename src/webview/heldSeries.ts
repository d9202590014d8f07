/**
 * The points of one series as the webview holds them: growing typed arrays that uPlot reads
 * through views, and a smoothed copy kept up to date incrementally (a batch extends it; a redraw
 * of the last point costs one point; a deeper cut, or a new weight, recomputes it).
 *
 * What it holds stays bounded: the snapshot comes at display resolution, and once live points
 * push a line past HELD_MAX it decimates itself (core/decimate.ts) to HELD_BUCKETS columns. Points
 * that stand for several carry the band (`lo`, `hi`) of what they replaced; a zoomed chart asks
 * the host for full fidelity.
 */
import type { SeriesDelta } from '../core/protocol/batch';
import { decimate, lowerBound, upperBound } from '../core/decimate';
import { emaInto, type EmaState } from '../core/smooth';

const HELD_BUCKETS = 1024;
/**
 * Live points held at full fidelity before a line shrinks: still several per pixel of the widest
 * chart. Each update redraws what is held; in the dashboard benchmark 8× took the update's p95 to
 * 8.2–9.2 ms, 4× to 7.1–7.5 ms (median 5.4 → 4.5 ms).
 */
export const HELD_MAX = HELD_BUCKETS * 4;

interface KeptState extends EmaState {
  at: number;
}

export class HeldSeries {
  x: Float64Array = new Float64Array(0);
  y: Float64Array = new Float64Array(0);
  /** Wall-clock seconds of each point; NaN where unknown. */
  wall: Float64Array = new Float64Array(0);
  /** Each point's band, once some points stand for several (decimated); lo = hi = y for the others. */
  lo: Float64Array | undefined;
  hi: Float64Array | undefined;
  length = 0;
  private smooth: Float64Array = new Float64Array(0);
  /** Points of `smooth` that are current for `weight`. */
  private smoothed = 0;
  private weight = -1;
  /** The first index whose y differs from y[0] (Infinity: a constant series, which TensorBoard leaves unsmoothed). */
  private firstChange = Infinity;
  private constant = true;
  /** The EMA's state after `at` points: at the end, and before the last point. */
  private ema: KeptState = { at: -1, last: 0, count: 0 };
  private emaBeforeLast: KeptState = { at: -1, last: 0, count: 0 };

  constructor(
    readonly key: string,
    readonly name: string,
    readonly source: string,
  ) {}

  /** Whether every point holds one value. */
  get unchanging(): boolean {
    return this.firstChange === Infinity;
  }

  get banded(): boolean {
    return this.lo !== undefined;
  }

  /** Points at or after the delta's first x are replaced; only after it when the delta keeps same x (see SeriesDelta). */
  add(d: SeriesDelta): void {
    const n = d.x.length;
    if (n && this.length && d.x[0] <= this.x[this.length - 1]) {
      this.length = d.keepsSameX ? upperBound(this.x, this.length, d.x[0]) : lowerBound(this.x, this.length, d.x[0]);
    }
    const at = this.length;
    const need = at + n;
    if (need > this.x.length) this.resize(Math.max(need, this.x.length * 2, 64));
    if (d.lo && d.hi && !this.lo) this.addBand();
    this.x.set(d.x, at);
    this.y.set(d.y, at);
    if (d.wall) this.wall.set(d.wall, at);
    else this.wall.fill(NaN, at, need); // a test's delta may leave the times out
    if (this.lo && this.hi) {
      this.lo.set(d.lo ?? d.y, at);
      this.hi.set(d.hi ?? d.y, at);
    }
    this.length = need;
    this.smoothed = Math.min(this.smoothed, at);
    if (this.firstChange >= at) this.firstChange = Infinity;
    for (let i = Math.max(at, 1); i < need && this.firstChange === Infinity; i++) if (this.y[i] !== this.y[0]) this.firstChange = i;
    if (this.length > HELD_MAX) this.shrink();
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
    const constant = this.firstChange === Infinity;
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

  /** Decimates what is held to HELD_BUCKETS columns; the smoothing starts over (it now averages fewer points). */
  private shrink(): void {
    const n = this.length;
    const d = decimate(this, n, this.x[0], this.x[n - 1], HELD_BUCKETS);
    [this.x, this.y, this.wall, this.lo, this.hi] = [d.x, d.y, d.wall, d.lo, d.hi];
    this.length = d.x.length;
    this.resize(this.length * 2);
    this.smoothed = 0;
    this.ema.at = this.emaBeforeLast.at = -1;
    this.firstChange = Infinity;
    for (let i = 1; i < this.length && this.firstChange === Infinity; i++) if (this.y[i] !== this.y[0]) this.firstChange = i;
  }

  private addBand(): void {
    this.lo = grow(this.y, this.x.length, this.length);
    this.hi = grow(this.y, this.x.length, this.length);
  }

  private resize(size: number): void {
    this.x = grow(this.x, size, this.length);
    this.y = grow(this.y, size, this.length);
    this.wall = grow(this.wall, size, this.length);
    if (this.lo && this.hi) [this.lo, this.hi] = [grow(this.lo, size, this.length), grow(this.hi, size, this.length)];
  }
}

function grow(a: Float64Array, size: number, keep: number): Float64Array {
  const b = new Float64Array(size);
  b.set(a.subarray(0, keep));
  return b;
}
