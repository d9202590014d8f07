/**
 * `parse` of a big event file on both cores: the tailer reads the first part on this thread into
 * the ingester, as always, while a worker thread parses the rest from the record straddling the
 * boundary (`parsePart`); the ingester then takes that part in (`absorbEvents`), or refuses it and
 * the tailer reads on. The output is the same either way.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import type { Ingester } from '../core/ingester';
import type { EventsPart } from '../core/parse/tfevents';
import { parsePart, recordStraddling, type ReadAt } from '../core/parse/tfeventsPart';
import { READ_BYTES, type Tailer } from '../workers/tailer';

/** What a worker is asked: parse `file` (`size` bytes) from the record straddling `boundary`. */
export interface PartRequest {
  file: string;
  size: number;
  boundary: number;
}

/** Runs a request on another thread; undefined when the part could not be parsed there. */
export type SpawnPart = (req: PartRequest) => Promise<EventsPart | undefined>;

/** Set, it splits files of at least this many bytes whatever the load (tests, measurements). */
const FORCED = Number(process.env.TRAINING_MONITOR_SPLIT_BYTES) || undefined;
/** Files smaller than this are read on one thread: a worker's start costs about as much as parsing 8 MB. */
const MIN_BYTES = FORCED ?? 24 << 20;

/**
 * Whether a core is free for a second thread: on a machine kept busy by other work the worker
 * only adds its start and the hand-over (about a fifth more CPU time), and the run takes longer.
 */
function coreFree(): boolean {
  return FORCED !== undefined || os.loadavg()[0] <= os.availableParallelism() - 1;
}
/** Share of the file read on this thread, which also stores every point and prints them. */
const FIRST_SHARE = 0.45;

/** Whether `target` is a file big enough to be split, if it holds events. */
export function bigFile(target: string): boolean {
  const st = fs.statSync(target, { throwIfNoEntry: false });
  return !!st?.isFile() && st.size >= MIN_BYTES && coreFree();
}

/** In the worker: the part a request asks for, read in the tailer's pieces into one reused buffer. */
export function runPart(req: PartRequest): EventsPart | undefined {
  const fd = fs.openSync(req.file, 'r');
  try {
    let buf = new Uint8Array(READ_BYTES + (2 << 20));
    const read: ReadAt = (at, length) => {
      if (length > buf.length) buf = new Uint8Array(length);
      const n = fs.readSync(fd, buf, 0, length, at);
      return buf.subarray(0, n);
    };
    const start = recordStraddling(read, req.boundary);
    return start === undefined ? undefined : parsePart(read, start, req.boundary, req.size, READ_BYTES);
  } finally {
    fs.closeSync(fd);
  }
}

export class EventsSplit {
  private parts = new Map<string, Promise<EventsPart | undefined>>();
  private absorbed = new Set<string>();

  constructor(
    private readonly spawn: SpawnPart,
    private readonly minBytes = coreFree() ? MIN_BYTES : Infinity,
  ) {}

  /** Set as the tailer's `readUpTo`: where this thread stops reading each file. */
  attach(tailer: Tailer): void {
    tailer.readUpTo = (f) => {
      if (this.absorbed.has(f.rel)) return f.offset; // the worker's part is in: nothing more to read
      if (this.parts.has(f.rel) || f.format !== 'tfevents' || f.offset !== 0 || f.size < this.minBytes) return f.size;
      const boundary = Math.round((f.size * FIRST_SHARE) / READ_BYTES) * READ_BYTES;
      if (boundary <= 0 || boundary >= f.size) return f.size;
      this.parts.set(f.rel, this.spawn({ file: f.abs, size: f.size, boundary }));
      return boundary;
    };
  }

  /** Hands each part to the ingester; true when one was refused, so that the tailer must read on. */
  async absorb(ingester: Ingester): Promise<boolean> {
    let readOn = false;
    for (const [rel, p] of this.parts) {
      if (this.absorbed.has(rel)) continue;
      const part = await p.catch(() => undefined);
      if (part && ingester.absorbEvents(rel, part)) this.absorbed.add(rel);
      else readOn = true;
    }
    return readOn;
  }
}
