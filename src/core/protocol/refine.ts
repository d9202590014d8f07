/** Messages between the extension host and the refine worker. */
import type { MessagePort } from 'node:worker_threads';
import type { Axis, Batch } from './batch';

/** `workerData` of the refine worker. */
export interface RefineOptions {
  /** Most batches per second sent to the host. */
  updatesPerSecond: number;
  /** Batches the refiner may send before it must wait for a `credit` (backpressure). */
  initialCredits: number;
}

/** Host → refine worker. The tail worker's port is the first message's transfer. */
export type HostToRefine =
  /** The port on which the tail worker's messages arrive. */
  | { type: 'port'; port: MessagePort }
  /** The host forwarded a batch: the refiner may send one more. */
  | { type: 'credit' }
  /** Send everything stored so far as one `snapshot` (a webview (re)loaded). */
  | { type: 'snapshot' }
  /**
   * A zoomed chart wants these series in [x0, x1] at `buckets` columns, at full fidelity, by x or
   * (`axis: 'wall'`) by wall-clock seconds.
   */
  | { type: 'window'; id: number; keys: string[]; x0: number; x1: number; buckets: number; axis?: Axis };

/** Refine worker → host. */
export type RefineToHost =
  /** What changed since the last batch, and how many points the store now holds. Series arrays are transferred. */
  | { type: 'batch'; batch: Batch; points: number }
  /** Everything stored, in answer to `snapshot`. Does not use a credit. */
  | { type: 'snapshot'; batch: Batch }
  /** The tail worker drained and the last batch was sent: the pipeline may end. */
  | { type: 'flushed' }
  /** The answer to `window` `id`: per series, the decimated line and its min/max band. Arrays are transferred. */
  | { type: 'window'; id: number; series: WindowSeries[] };

export interface WindowSeries {
  key: string;
  /** Points of the series inside the window before decimation. */
  inRange: number;
  x: Float64Array;
  y: Float64Array;
  bandX: Float64Array;
  bandLo: Float64Array;
  bandHi: Float64Array;
}
