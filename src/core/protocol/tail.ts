import type { MessagePort } from 'node:worker_threads';
import type { FileFormat } from '../formats';

/** Messages of the tail worker: host → tail (control) and tail → refine (raw bytes). */

/**
 * A file or folder followed besides the root: a file under the name `as` (a Slurm job's output
 * file as `stdout.log`), a folder's files under `as/` (the job's `lightning_logs`).
 */
export interface AlsoFollowed {
  path: string;
  as: string;
}

/** The name a followed file goes by, or undefined when it is not one of `also`'s. */
export function alsoName(also: readonly AlsoFollowed[], abs: string, sep = '/'): string | undefined {
  for (const a of also) {
    if (abs === a.path) return a.as;
    if (abs.startsWith(a.path + sep))
      return `${a.as}/${abs
        .slice(a.path.length + 1)
        .split(sep)
        .join('/')}`;
  }
  return undefined;
}

/** Where the file a name stands for lies, when it is one of `also`'s. */
export function alsoPath(also: readonly AlsoFollowed[], name: string, sep = '/'): string | undefined {
  for (const a of also) {
    if (name === a.as) return a.path;
    if (name.startsWith(a.as + '/'))
      return (
        a.path +
        sep +
        name
          .slice(a.as.length + 1)
          .split('/')
          .join(sep)
      );
  }
  return undefined;
}

/** `workerData` of the tail worker. */
export interface TailOptions {
  /** The run directory (or a single file) to follow. */
  root: string;
  also?: AlsoFollowed[];
  /** How often to look for new bytes and files when no watch event comes (ms). */
  pollMs: number;
  /** The files are new (a launched run): bytes found on the first pass are dated too, not backlog. */
  live: boolean;
}

/** Host → tail worker. */
export type TailControl =
  /** The port to post `TailToRefine` messages on; following starts when it arrives. */
  | { type: 'port'; port: MessagePort }
  /** Read every file to its current end, then send `drained` to the ingester and stop following. */
  | { type: 'drain' };

/** Tail worker → refine worker, over the MessagePort the host gives both. */
export type TailToRefine =
  /**
   * Bytes appended to `file` (relative to the root), in order. The buffer is transferred. `time`:
   * when they were read (epoch ms); absent for bytes that were there before following began.
   * `format`: what the file holds, as its name or its first bytes showed.
   */
  | { type: 'chunk'; file: string; bytes: ArrayBuffer; time?: number; format?: FileFormat }
  /** `file` shrank or was replaced: the ingester forgets its partial line and reads it anew. */
  | { type: 'reset'; file: string; reason: string }
  /** A problem worth telling the user (unreadable file, capped line…). */
  | { type: 'warning'; text: string }
  /** Worth knowing, not a problem (which files were not read, and why). */
  | { type: 'info'; text: string }
  /** Everything there when following an existing run began has been read (sent once, not for a launched run). */
  | { type: 'caughtUp' }
  /** Every file was read to its end after a `drain`: flush partial lines and send what is left. */
  | { type: 'drained' };

/**
 * Refine worker → tail worker, over the same port: a chunk was parsed. The tailer keeps at most
 * `CHUNKS_IN_FLIGHT` chunks unparsed, so a backlog waits on disk, not in memory.
 */
export type RefineToTail = { type: 'credit' };

/** Chunks (up to 4 MB each) the tail worker sends ahead of the ingester's parsing. */
export const CHUNKS_IN_FLIGHT = 4;
