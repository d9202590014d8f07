import type { MessagePort } from 'node:worker_threads';

/** Messages of the tail worker: host → tail (control) and tail → refine (raw bytes). */

/** `workerData` of the tail worker. */
export interface TailOptions {
  /** The run directory (or a single file) to follow. */
  root: string;
  /** How often to look for new bytes and files when no watch event comes (ms). */
  pollMs: number;
  /** The files are new (a launched run): bytes found on the first pass are dated too, not backlog. */
  live: boolean;
}

/** Host → tail worker. */
export type TailControl =
  /** The port to post `TailToRefine` messages on; following starts when it arrives. */
  | { type: 'port'; port: MessagePort }
  /** Read every file to its current end, then send `drained` to the refiner and stop following. */
  | { type: 'drain' };

/** Tail worker → refine worker, over the MessagePort the host gives both. */
export type TailToRefine =
  /**
   * Bytes appended to `file` (relative to the root), in order. The buffer is transferred. `time`:
   * when they were read (epoch ms); absent for bytes that were there before following began.
   */
  | { type: 'chunk'; file: string; bytes: ArrayBuffer; time?: number }
  /** `file` shrank or was replaced: the refiner forgets its partial line and reads it anew. */
  | { type: 'reset'; file: string; reason: string }
  /** A problem worth telling the user (unreadable file, capped line…). */
  | { type: 'warning'; text: string }
  /** Every file was read to its end after a `drain`: flush partial lines and send what is left. */
  | { type: 'drained' };
