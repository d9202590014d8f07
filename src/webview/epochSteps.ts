/**
 * A metric that arrives both by step and by epoch is one chart: an epoch is placed at its step
 * through the records that carry both (a trainer's `{'loss': …, 'epoch': 1.25}` at step 500 is a
 * step-kind line named `epoch`). Where no record does, the per-epoch chart stays apart and says so.
 */
import type { HeldSeries } from './heldSeries';

/** Steps of epoch values `e` (ascending), by the (step, epoch) points of `epochs`; undefined until two epochs differ. */
export function epochToStep(epochs: HeldSeries): ((e: Float64Array) => Float64Array) | undefined {
  const n = epochs.length;
  if (n < 2 || !(epochs.y[n - 1] > epochs.y[0])) return undefined;
  const ex = epochs.y;
  const sx = epochs.x;
  // past either end: the run's average steps per epoch
  const rate = (sx[n - 1] - sx[0]) / (ex[n - 1] - ex[0]);
  return (e) => {
    const out = new Float64Array(e.length);
    let j = 0;
    for (let i = 0; i < e.length; i++) {
      const v = e[i];
      while (j < n - 1 && ex[j + 1] < v) j++; // e ascends: one pass
      if (v <= ex[0]) out[i] = sx[0] + (v - ex[0]) * rate;
      else if (v >= ex[n - 1]) out[i] = sx[n - 1] + (v - ex[n - 1]) * rate;
      else {
        const span = ex[j + 1] - ex[j];
        out[i] = span > 0 ? sx[j] + ((v - ex[j]) / span) * (sx[j + 1] - sx[j]) : sx[j + 1];
      }
    }
    // a step axis ascends: epochs logged out of order keep the order they came in
    for (let i = 1; i < out.length; i++) if (out[i] < out[i - 1]) out[i] = out[i - 1];
    return out;
  };
}

export const NO_MAPPING = 'Drawn by epoch: no record of this run gives both its step and its epoch, so these points cannot be placed on the step charts.';

/** Each run's line of (step, epoch) points, once it can place epochs (by run tag: sameMetric's `runOf`). */
export class EpochSteps {
  private readonly lines = new Map<string, HeldSeries>();

  constructor(
    private readonly runOf: (key: string) => string,
    private readonly isEpoch: (name: string) => boolean,
  ) {}

  /** After `line` (of x kind `xKind`) grew: true when its run's epochs just became placeable on steps. */
  grew(line: HeldSeries, xKind: string): boolean {
    if (xKind !== 'step' || !this.isEpoch(line.name)) return false;
    const tag = this.runOf(line.key);
    if (this.lines.has(tag) || !epochToStep(line)) return false;
    this.lines.set(tag, line);
    return true;
  }

  /** How the epochs of series `key` map to steps, or undefined when its run has no mapping. */
  mapFor(key: string): ((e: Float64Array) => Float64Array) | undefined {
    const line = this.lines.get(this.runOf(key));
    return line && ((e) => epochToStep(line)?.(e) ?? e);
  }

  clear(): void {
    this.lines.clear();
  }
}
