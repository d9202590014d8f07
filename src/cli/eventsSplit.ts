/**
 * `parse` of a big event file on both cores. The file is cut into SEGMENT-byte segments: the
 * tailer reads them from the front on this thread into the ingester, as always, while a worker
 * thread takes them from the back, each parsed from the record straddling its start
 * (`parsePart`). Each segment is claimed once, atomically, so whichever thread is faster (or
 * less crowded by other work) does more, and this thread never waits for a late worker beyond
 * the segment it is in. Where this thread stops, the ingester takes the worker's segments in,
 * in order (`absorbEvents`); one it refuses, and all after it, are read here. The output is the
 * same either way.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import type { Ingester } from '../core/ingester';
import type { EventsPart } from '../core/parse/tfevents';
import { parsePart, recordStraddling, type ReadAt } from '../core/parse/tfeventsPart';
import { READ_BYTES, type Tailer } from '../workers/tailer';

/** Segments are whole reads of the tailer, so that the worker parses the very pieces it would. */
const SEGMENT = 2 * READ_BYTES;
/** Set, it splits files of at least this many bytes whatever the load (tests, measurements). */
const FORCED = Number(process.env.TRAINING_MONITOR_SPLIT_BYTES) || undefined;
/**
 * Files smaller than this are read on one thread. The worker's start, the CPU it takes from this
 * thread on two cores and the hand-over cost a fixed 30-60 ms: on two cores a 2M-scalar file of
 * 86 MB took 5-7% longer split than not (0.39 s against 0.36 s), one of 218 MB 14% less (0.64 s
 * against 0.74 s).
 */
const MIN_BYTES = FORCED ?? 128 << 20;

/** What a worker is asked: the segments of `file` (`size` bytes) it can claim in `claims` (0 free, 1 this thread's, 2 the worker's). */
export interface PartRequest {
  file: string;
  size: number;
  claims: SharedArrayBuffer;
}

/** A worker's answer: segment `segment` parsed (undefined: not parsable there), or -1 when it is done. */
export interface PartMessage {
  segment: number;
  part?: EventsPart;
}

/** Starts a worker on a request; its messages go to `onMessage` (a last `-1` also when it fails); `stop` ends it. */
export type SpawnPart = (req: PartRequest, onMessage: (m: PartMessage) => void) => { stop(): void };

/**
 * Whether a core is free for a second thread: on a machine kept busy by other work the worker
 * only adds its start and the hand-over, and the run takes longer.
 */
function coreFree(): boolean {
  return FORCED !== undefined || os.loadavg()[0] <= os.availableParallelism() - 1;
}

/** Whether `target` is a file big enough to be split, if it holds events. */
export function bigFile(target: string): boolean {
  const st = fs.statSync(target, { throwIfNoEntry: false });
  return !!st?.isFile() && st.size >= MIN_BYTES && coreFree();
}

/** In the worker: claims segments from the back, parses each, and posts it. */
export function runParts(req: PartRequest, post: (m: PartMessage) => void): void {
  const claims = new Int32Array(req.claims);
  const fd = fs.openSync(req.file, 'r');
  try {
    let buf = new Uint8Array(READ_BYTES + (2 << 20));
    const read: ReadAt = (at, length) => {
      if (length > buf.length) buf = new Uint8Array(length);
      const n = fs.readSync(fd, buf, 0, length, at);
      return buf.subarray(0, n);
    };
    for (let s = claims.length - 1; s > 0 && Atomics.compareExchange(claims, s, 0, 2) === 0; s--) {
      const boundary = s * SEGMENT;
      const start = recordStraddling(read, boundary);
      post({ segment: s, part: start === undefined ? undefined : parsePart(read, start, boundary, Math.min(req.size, boundary + SEGMENT), READ_BYTES) });
    }
  } finally {
    fs.closeSync(fd);
    post({ segment: -1 });
  }
}

interface Split {
  claims: Int32Array;
  size: number;
  /** The first segment this thread did not get (claims.length: it got all). */
  stoppedAt: number;
  parts: Map<number, EventsPart | undefined>;
  /** Waiting for segment `s` (or the worker's end). */
  wake: (() => void) | undefined;
  ended: boolean;
  worker: { stop(): void };
  /** A segment was refused: this thread reads the rest. */
  readOn: boolean;
}

export class EventsSplit {
  private splits = new Map<string, Split>();

  constructor(
    private readonly spawn: SpawnPart,
    private readonly minBytes = coreFree() ? MIN_BYTES : Infinity,
  ) {}

  /** Set as the tailer's `readUpTo`: where this thread stops reading each file for now. */
  attach(tailer: Tailer): void {
    tailer.readUpTo = (f) => {
      let sp = this.splits.get(f.rel);
      if (!sp) {
        if (f.format !== 'tfevents' || f.offset !== 0 || f.size < this.minBytes) return f.size;
        sp = this.start(f.rel, f.abs, f.size);
      }
      if (sp.readOn) return f.size;
      const s = Math.floor(f.offset / SEGMENT);
      if (s >= sp.stoppedAt) return f.offset;
      if (f.offset % SEGMENT === 0 && s < sp.claims.length && Atomics.compareExchange(sp.claims, s, 0, 1) !== 0) {
        sp.stoppedAt = s; // the worker has it, and every one after it
        return f.offset;
      }
      return Math.min(f.size, (s + 1) * SEGMENT);
    };
  }

  private start(rel: string, abs: string, size: number): Split {
    const claims = new Int32Array(new SharedArrayBuffer(4 * Math.ceil(size / SEGMENT)));
    const sp: Split = { claims, size, stoppedAt: claims.length, parts: new Map(), wake: undefined, ended: false, worker: { stop() {} }, readOn: false };
    sp.worker = this.spawn({ file: abs, size, claims: claims.buffer as SharedArrayBuffer }, (m) => {
      if (m.segment < 0) sp.ended = true;
      else sp.parts.set(m.segment, m.part);
      sp.wake?.();
    });
    this.splits.set(rel, sp);
    return sp;
  }

  /** Hands the worker's segments to the ingester; true when one was refused, so that the tailer must read on. */
  async absorb(ingester: Ingester, tailer: Tailer): Promise<boolean> {
    let readOn = false;
    for (const [rel, sp] of this.splits) {
      if (sp.readOn) continue;
      for (let s = sp.stoppedAt; s < sp.claims.length; s++) {
        while (!sp.parts.has(s) && !sp.ended) await new Promise<void>((resolve) => (sp.wake = resolve));
        const part = sp.parts.get(s);
        sp.parts.delete(s);
        if (!part || !ingester.absorbEvents(rel, part)) {
          tailer.seek(rel, s * SEGMENT);
          sp.readOn = readOn = true;
          break;
        }
      }
      if (!sp.readOn && sp.stoppedAt < sp.claims.length) tailer.seek(rel, sp.size);
      sp.worker.stop();
    }
    return readOn;
  }
}
