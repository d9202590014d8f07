/**
 * The host side of the two workers: starts them, connects tail → refine with a MessageChannel,
 * returns a credit for each batch once the consumer has taken it, and ends them in order. A
 * worker that dies is replaced, with its partner, by a fresh pair that reads the files again from
 * their start (the store is rebuilt, so nothing is lost or counted twice).
 * Used by the extension host and the CLI; it never parses anything itself.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import { decimate } from '../core/decimate';
import { LogIndex } from '../core/logIndex';
import { emptyBatch, type Axis, type Batch, type LogStream, type WindowSeries } from '../core/protocol/batch';
import type { HostToRefine, RefineAnswer, RefineOptions, RefineQuestion, RefineToHost } from '../core/protocol/refine';
import { Requests } from '../core/protocol/request';
import type { AlsoFollowed, TailControl, TailOptions } from '../core/protocol/tail';
import { byWall } from '../core/series';
import { readLines, searchLines, type LogFiles } from './logRead';

/**
 * How long a zoom window, a block of log lines or a log search may take the ingester. A snapshot
 * waits as long as the worker lives (it is answered at once, or settled when the pair ends).
 */
export const ASK_TIMEOUT_MS = 60_000;

export interface PipelineOptions {
  /** Run directory or file to follow. */
  root: string;
  /** Files or folders followed besides the root, under other names (a Slurm job's output files). */
  also?: AlsoFollowed[];
  /** Folder holding the built `tail.js` and `refine.js`. */
  workersDir: string;
  updatesPerSecond: number;
  pollMs?: number;
  /** Every byte of the files will be written from now on (a run this monitor launched): date lines as they are read. */
  live?: boolean;
  /** Heap caps of the workers in MB (default HEAP_MB): a test lowers them to reach the cap. */
  heapMb?: { tail: number; refine: number };
}

export interface PipelineConsumer {
  /** A batch to show, and the points stored in all. The next credit goes back when the returned promise settles. */
  batch(batch: Batch, points: number): Promise<unknown> | void;
  /** A worker failed; the text is for the Events tab. */
  error(text: string): void;
  /**
   * New workers replaced ones that died; they start from an empty store and send every point
   * again, so whatever showed the old points must forget them (snapshot() tells what to show).
   */
  restarted?(text: string): void;
}

/**
 * Columns a webview's snapshot holds per series (up to 4 points each): a chart's width in device
 * pixels, or more, on most screens. A zoom asks for its window at full fidelity.
 */
export const DISPLAY_BUCKETS = 1024;

/**
 * Each worker's JS heap cap (MB). The workers share the extension host's process with every other
 * extension: a parse that runs away in memory ends its worker (replaced like a crash), never the
 * host. Points live outside the JS heap (typed arrays, under 24 bytes a point in the bench), so
 * the ingester's cap bounds names, log text and parse state; the tailer holds only bytes in flight.
 */
export const HEAP_MB = { tail: 256, refine: 1024 };

/** A pair that dies more often than this within RESTART_WINDOW_MS is not replaced again. */
const MAX_RESTARTS = 3;
const RESTART_WINDOW_MS = 60_000;

export class Pipeline {
  private tail!: Worker;
  private refine!: Worker;
  /**
   * Questions to the ingester awaiting its answer: asked again of a pair that replaces a dead one,
   * cancelled when no pair is left (the asker then answers from what the run kept, or nothing).
   */
  private readonly requests = new Requests<RefineQuestion, RefineAnswer>((q) => this.toRefine(q), ASK_TIMEOUT_MS);
  /** Batches received from the workers, all pairs together: each batch's number (`Batch.seq`). */
  private batches = 0;
  private flushed: (() => void) | undefined;
  private ended = false;
  private draining = false;
  /**
   * What the ingester held when it ended, every point and at display resolution, so a webview can
   * still restore, zoom into and export a finished run.
   */
  private last: { full: Batch; display: Batch; logIndex: LogIndex } | undefined;
  /** When the workers were last replaced. */
  private restarts: number[] = [];
  /** Messages from the ingester so far: a drain waits while this grows. */
  private heard = 0;

  constructor(
    private readonly options: PipelineOptions,
    private readonly consumer: PipelineConsumer,
  ) {
    // libuv's thread pool starts with its first task, its threads taking the priority of the thread
    // that queued it: queued here, they never take a worker's lowered one (the host's files use them too).
    fs.access(options.root, () => undefined);
    this.start(options.live ?? false);
  }

  private start(live: boolean): void {
    const { options, consumer } = this;
    const tailData: TailOptions = { root: options.root, also: options.also, pollMs: options.pollMs ?? 100, live };
    const refineData: RefineOptions = { root: options.root, also: options.also, updatesPerSecond: options.updatesPerSecond, initialCredits: 2 };
    const heap = options.heapMb ?? HEAP_MB;
    const limits = (mb: number) => ({ maxOldGenerationSizeMb: mb, maxYoungGenerationSizeMb: Math.min(64, Math.max(8, mb / 8)) });
    const tail = new Worker(path.join(options.workersDir, 'tail.js'), {
      workerData: tailData,
      name: 'training-monitor tail',
      resourceLimits: limits(heap.tail),
    });
    const refine = new Worker(path.join(options.workersDir, 'refine.js'), {
      workerData: refineData,
      name: 'training-monitor refine',
      resourceLimits: limits(heap.refine),
    });
    [this.tail, this.refine] = [tail, refine];
    const current = () => this.tail === tail;
    for (const [name, w] of [
      ['tail', tail],
      ['refine', refine],
    ] as const) {
      let failure = '';
      w.on('error', (err) => {
        failure = `: ${err.message}`;
        if (current()) consumer.error(`The ${name} worker failed${failure}`);
      });
      w.on('exit', (code) => {
        if (this.ended || !current()) return;
        void this.replace(`The ${name} worker ${code === 0 ? 'ended by itself' : `exited with code ${code}`}${failure}`);
      });
    }
    refine.on('message', (msg: RefineToHost) => current() && this.onRefine(msg, refine));
    refine.on('message', () => current() && this.heard++); // any message shows the ingester alive and moving

    const channel = new MessageChannel();
    this.toRefine({ type: 'port', port: channel.port2 }, [channel.port2]);
    this.toTail({ type: 'port', port: channel.port1 }, [channel.port1]);
  }

  /** A worker died: a fresh pair reads everything again, unless pairs keep dying. */
  private async replace(why: string): Promise<void> {
    const now = Date.now();
    this.restarts = this.restarts.filter((t) => now - t < RESTART_WINDOW_MS);
    if (this.draining || this.restarts.length >= MAX_RESTARTS) {
      this.consumer.error(
        `${why}. ${this.draining ? 'The run was ending' : `Workers died ${MAX_RESTARTS + 1} times within a minute`}: not restarted; the charts keep what they had.`,
      );
      this.last = undefined;
      this.flushed?.();
      await this.dispose();
      return;
    }
    this.restarts.push(now);
    const [tail, refine] = [this.tail, this.refine];
    // Old lines are dated as unknown again: they were read before, and now is not when they were written.
    this.start(false);
    await Promise.all([tail.terminate(), refine.terminate()]);
    // Questions the dead pair will never answer are asked of the new one.
    this.requests.resend();
    this.consumer.restarted?.(`${why}. Restarted the workers: they read every file again from its start.`);
  }

  /**
   * Everything the ingester holds: each series at display resolution (`DISPLAY_BUCKETS` columns),
   * for a webview that (re)loaded, or with `full`, every point.
   */
  snapshot(full = false): Promise<Batch> {
    const kept = () => (full ? this.last?.full : this.last?.display) ?? emptyBatch();
    if (this.ended) return Promise.resolve(kept());
    return this.whileRunning(this.requests.ask({ type: 'snapshot', buckets: full ? undefined : DISPLAY_BUCKETS }, Infinity), (a) => a.batch, kept);
  }

  /** Series `keys` within [x0, x1] (by x or by wall-clock time) decimated to `buckets` columns, from the ingester's full store. */
  window(keys: string[], x0: number, x1: number, buckets: number, axis: Axis = 'x'): Promise<WindowSeries[]> {
    const kept = () => this.endedWindow(keys, x0, x1, buckets, axis);
    if (this.ended) return Promise.resolve(kept());
    return this.whileRunning(this.requests.ask({ type: 'window', keys, x0, x1, buckets, axis }), (a) => a.series, kept);
  }

  /** Lines [from, from + count) of a log stream, read back from its files. */
  logLines(stream: LogStream, from: number, count: number): Promise<string[]> {
    const kept = async () => (this.last ? readLines(this.files, this.last.logIndex, stream, from, count) : []);
    if (this.ended) return kept();
    return this.whileRunning(this.requests.ask({ type: 'logLines', stream, from, count }), (a) => a.lines, kept);
  }

  /** The numbers of the lines of a log stream containing `query` (case-insensitive), at most `limit`. */
  logSearch(stream: LogStream, query: string, limit: number): Promise<{ lines: number[]; complete: boolean }> {
    const kept = async () => (this.last ? searchLines(this.files, this.last.logIndex, stream, query, limit) : { lines: [], complete: true });
    if (this.ended) return kept();
    return this.whileRunning(this.requests.ask({ type: 'logSearch', stream, query, limit }), (a) => ({ lines: a.lines, complete: a.complete }), kept);
  }

  /**
   * A question to the workers, answered by them, or (when they ended first, or were not replaced)
   * from what the run kept at its end. A failure while they run (an error reply, a timeout) rejects.
   */
  private async whileRunning<A, R>(asked: Promise<A>, take: (answer: A) => R, kept: () => R | Promise<R>): Promise<R> {
    try {
      return take(await asked);
    } catch (err) {
      if (this.ended) return kept();
      throw err;
    }
  }

  /** The workers are gone: a window of a finished run comes from the points kept at its end. */
  private endedWindow(keys: string[], x0: number, x1: number, buckets: number, axis: Axis): WindowSeries[] {
    const out: WindowSeries[] = [];
    for (const d of this.last?.full.series ?? []) {
      if (!keys.includes(d.key)) continue;
      const c = axis === 'x' ? d : byWall(d, x0, x1);
      out.push({ key: d.key, ...decimate(c, c.x.length, x0, x1, buckets) });
    }
    return out;
  }

  /**
   * The controlled end: the tailer reads every file to its end, the ingester parses the partial
   * last lines and sends its last batch, then both workers end, keeping every point for
   * snapshots, windows and log lines. A big backlog takes as long as it takes: the drain gives up
   * only when the ingester says nothing (no batch, no progress) for `idleMs`, and keeps whatever
   * the ingester still answers with.
   */
  async drain(idleMs = 10_000): Promise<void> {
    if (this.ended) return;
    this.draining = true;
    const flushed = new Promise<void>((resolve) => (this.flushed = resolve));
    this.toTail({ type: 'drain' });
    await this.whileHeard(flushed, idleMs);
    const index = this.whileRunning(
      this.requests.ask({ type: 'logIndex' }, Infinity),
      (a) => a.index,
      () => [],
    );
    // a question that fails now leaves nothing kept, as silence does
    const last = Promise.all([this.snapshot(true), this.snapshot(), index]).catch(() => undefined);
    const kept = await this.whileHeard(last, idleMs);
    this.last = kept && { full: kept[0], display: kept[1], logIndex: LogIndex.from(kept[2]) };
    await this.dispose();
  }

  /** `done`'s value, or undefined once the ingester was silent for `idleMs`. */
  private whileHeard<T>(done: Promise<T>, idleMs: number): Promise<T | undefined> {
    return new Promise((resolve) => {
      let heard = this.heard;
      const check = () => {
        if (this.heard === heard) return resolve(undefined);
        heard = this.heard;
        timer = setTimeout(check, idleMs);
      };
      let timer = setTimeout(check, idleMs);
      void done.then((value) => {
        clearTimeout(timer);
        resolve(value);
      });
    });
  }

  /** Ends both workers now. */
  async dispose(): Promise<void> {
    this.ended = true;
    // questions in flight are answered from what the run kept (see whileRunning)
    this.requests.dispose('the workers ended');
    await Promise.all([this.tail.terminate(), this.refine.terminate()]);
  }

  /** Where the followed files lie, for reading log lines back. */
  private get files(): LogFiles {
    return { root: this.options.root, also: this.options.also ?? [] };
  }

  /** Thread ids, so tests can see the workers are real and gone. */
  get threadIds(): number[] {
    return [this.tail.threadId, this.refine.threadId];
  }

  /** Ends one worker abruptly, as a crash would: how tests reach the restart. */
  crash(name: 'tail' | 'refine'): Promise<number> {
    return (name === 'tail' ? this.tail : this.refine).terminate();
  }

  private onRefine(msg: RefineToHost, from: Worker): void {
    switch (msg.type) {
      case 'batch':
        msg.batch.seq = ++this.batches;
        void Promise.resolve(this.consumer.batch(msg.batch, msg.points))
          .catch((err: Error) => this.consumer.error(`Could not show a batch: ${err.message}`))
          .finally(() => {
            if (!this.ended && this.refine === from) this.toRefine({ type: 'credit' }); // a replaced worker's credit is void
          });
        break;
      case 'flushed':
        this.flushed?.();
        break;
      case 'progress':
        break; // counted by the drain's listener: the ingester is still at work
      default:
        // a snapshot holds every batch the worker sent before it, and they arrived before it
        if (msg.type === 'snapshot') msg.batch.seq = this.batches;
        this.requests.settle(msg);
        break;
    }
  }

  private toRefine(msg: HostToRefine, transfer?: Parameters<Worker['postMessage']>[1]): void {
    this.refine.postMessage(msg, transfer);
  }

  private toTail(msg: TailControl, transfer?: Parameters<Worker['postMessage']>[1]): void {
    this.tail.postMessage(msg, transfer);
  }
}
