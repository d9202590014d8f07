/** Messages between the extension host and the refine worker. */
import type { MessagePort } from 'node:worker_threads';
import type { LogIndexData } from '../logIndex';
import type { ErrorReply } from './request';
import type { AlsoFollowed } from './tail';
import type { Axis, Batch, LogStream, WindowSeries } from './batch';

/** `workerData` of the refine worker. */
export interface RefineOptions {
  /** The run directory (or single file) the tail worker follows, and what it follows besides: log lines are read back from there. */
  root: string;
  also?: AlsoFollowed[];
  /** Most batches per second sent to the host. */
  updatesPerSecond: number;
  /** Batches the ingester may send before it must wait for a `credit` (backpressure). */
  initialCredits: number;
}

/** Host → refine worker. The tail worker's port is the first message's transfer. */
export type HostToRefine =
  /** The port on which the tail worker's messages arrive. */
  | { type: 'port'; port: MessagePort }
  /** The host forwarded a batch: the ingester may send one more. */
  | { type: 'credit' }
  /**
   * Send everything stored so far as one `snapshot`: for a webview that (re)loaded, each series
   * decimated to `buckets` columns; without `buckets`, every point (an export).
   */
  | { type: 'snapshot'; id: number; buckets?: number }
  /**
   * A zoomed chart wants these series in [x0, x1] at `buckets` columns, at full fidelity, by x or
   * (`axis: 'wall'`) by wall-clock seconds.
   */
  | { type: 'window'; id: number; keys: string[]; x0: number; x1: number; buckets: number; axis?: Axis }
  /** Lines [from, from + count) of a log stream, read back from its files. */
  | { type: 'logLines'; id: number; stream: LogStream; from: number; count: number }
  /** The numbers of the lines of a log stream that contain `query` (at most `limit`). */
  | { type: 'logSearch'; id: number; stream: LogStream; query: string; limit: number }
  /** The log index, so the host can read lines once the workers have ended. */
  | { type: 'logIndex'; id: number };

/** Refine worker → host. */
export type RefineToHost =
  /** What changed since the last batch, and how many points the store now holds. Series arrays are transferred. */
  | { type: 'batch'; batch: Batch; points: number }
  /** Everything stored, in answer to `snapshot`. Does not use a credit. */
  | { type: 'snapshot'; id: number; batch: Batch }
  /** The tail worker drained and the last batch was sent: the pipeline may end. */
  | { type: 'flushed' }
  /** Bytes parsed so far; at most 4 times a second while parsing, so a drain can tell a long parse from a stuck one. */
  | { type: 'progress'; bytes: number }
  /** The answer to `window` `id`: per series, the decimated line and its band. Arrays are transferred. */
  | { type: 'window'; id: number; series: WindowSeries[] }
  | { type: 'logLines'; id: number; lines: string[] }
  | { type: 'logSearch'; id: number; lines: number[]; complete: boolean }
  | { type: 'logIndex'; id: number; index: LogIndexData }
  /** Answering question `id` failed (a log file could not be read back). */
  | ErrorReply;

/** What the host asks the ingester, and the ingester's answers (see request.ts). */
export type RefineQuestion = Extract<HostToRefine, { id: number }>;
export type RefineAnswer = Extract<RefineToHost, { id: number }>;
