/**
 * The page's rule for batches and snapshots: batches are numbered per run (`Batch.seq`), a
 * snapshot says per run the number of the last batch it holds, and a batch the snapshot already
 * holds is dropped. Runs are named as the host names them: '' the shown run, else an overlay's tag.
 */
import type { Batch } from './batch';

export class Held {
  /** Per run, the last batch the page holds; undefined before the first snapshot. */
  private seqs: Map<string, number> | undefined;

  /** A snapshot replaced everything shown. */
  snapshot(seqs: Record<string, number> | undefined): void {
    this.seqs = new Map(Object.entries(seqs ?? {}));
  }

  /**
   * Whether to apply `batch`: not when the snapshot holds it. A batch with no number (the
   * monitor's own events), or before any snapshot, is applied.
   */
  admits(batch: Batch): boolean {
    if (!this.seqs || batch.seq === undefined) return true;
    const run = batch.run ?? '';
    const held = this.seqs.get(run);
    if (held !== undefined && batch.seq <= held) return false;
    this.seqs.set(run, batch.seq);
    return true;
  }
}
