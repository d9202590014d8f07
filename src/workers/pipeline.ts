/**
 * The host side of the two workers: starts them, connects tail → refine with a MessageChannel,
 * returns a credit for each batch once the consumer has taken it, and ends them in order. A
 * worker that dies is replaced, with its partner, by a fresh pair that reads the files again from
 * their start (the store is rebuilt, so nothing is lost or counted twice).
 * Used by the extension host and the CLI; it never parses anything itself.
 */
import * as path from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import { decimate } from '../core/decimate';
import { LogIndex } from '../core/logIndex';
import { emptyBatch, type Axis, type Batch, type LogStream, type WindowSeries } from '../core/protocol/batch';
import type { HostToRefine, RefineOptions, RefineToHost } from '../core/protocol/refine';
import type { AlsoFollowed, TailControl, TailOptions } from '../core/protocol/tail';
import { byWall } from '../core/series';
import { readLines, searchLines, type LogFiles } from './logRead';

/** What the host asks the refiner and hears back (matched by id). */
type Question = DistributiveOmit<Extract<HostToRefine, { id: number }>, 'id'>;
type Answer = Extract<RefineToHost, { id: number }>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

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
 * the refiner's cap bounds names, log text and parse state; the tailer holds only bytes in flight.
 */
export const HEAP_MB = { tail: 256, refine: 1024 };

/** A pair that dies more often than this within RESTART_WINDOW_MS is not replaced again. */
const MAX_RESTARTS = 3;
const RESTART_WINDOW_MS = 60_000;

export class Pipeline {
  private tail!: Worker;
  private refine!: Worker;
  /**
   * Questions to the refiner awaiting its answer, by id: asked again of a pair that replaces a dead
   * one, answered with `none` when no pair is left.
   */
  private asked = new Map<number, { question: Question; resolve: (answer: Answer) => void; none: Answer }>();
  private askedId = 0;
  private flushed: (() => void) | undefined;
  private ended = false;
  private draining = false;
  /**
   * What the refiner held when it ended, every point and at display resolution, so a webview can
   * still restore, zoom into and export a finished run.
   */
  private last: { full: Batch; display: Batch; logIndex: LogIndex } | undefined;
  /** When the workers were last replaced. */
  private restarts: number[] = [];
  /** Messages from the refiner so far: a drain waits while this grows. */
  private heard = 0;

  constructor(
    private readonly options: PipelineOptions,
    private readonly consumer: PipelineConsumer,
  ) {
    this.start(options.live ?? false);
  }

  private start(live: boolean): void {
    const { options, consumer } = this;
    const tailData: TailOptions = { root: options.root, also: options.also, pollMs: options.pollMs ?? 100, live };
    const refineData: RefineOptions = { root: options.root, also: options.also, updatesPerSecond: options.updatesPerSecond, initialCredits: 2 };
    const heap = options.heapMb ?? HEAP_MB;
    const limits = (mb: number) => ({ maxOldGenerationSizeMb: mb, maxYoungGenerationSizeMb: Math.min(64, Math.max(8, mb / 8)) });
    const tail = new Worker(path.join(options.workersDir, 'tail.js'), { workerData: tailData, name: 'training-monitor tail', resourceLimits: limits(heap.tail) });
    const refine = new Worker(path.join(options.workersDir, 'refine.js'), { workerData: refineData, name: 'training-monitor refine', resourceLimits: limits(heap.refine) });
    [this.tail, this.refine] = [tail, refine];
    const current = () => this.tail === tail;
    for (const [name, w] of [['tail', tail], ['refine', refine]] as const) {
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
    refine.on('message', () => current() && this.heard++); // any message shows the refiner alive and moving

    const channel = new MessageChannel();
    this.toRefine({ type: 'port', port: channel.port2 }, [channel.port2]);
    this.toTail({ type: 'port', port: channel.port1 }, [channel.port1]);
  }

  /** A worker died: a fresh pair reads everything again, unless pairs keep dying. */
  private async replace(why: string): Promise<void> {
    const now = Date.now();
    this.restarts = this.restarts.filter((t) => now - t < RESTART_WINDOW_MS);
    if (this.draining || this.restarts.length >= MAX_RESTARTS) {
      this.consumer.error(`${why}. ${this.draining ? 'The run was ending' : `Workers died ${MAX_RESTARTS + 1} times within a minute`}: not restarted; the charts keep what they had.`);
      this.last = undefined;
      this.flushed?.();
      for (const { resolve, none } of this.asked.values()) resolve(none);
      this.asked.clear();
      await this.dispose();
      return;
    }
    this.restarts.push(now);
    const [tail, refine] = [this.tail, this.refine];
    // Old lines are dated as unknown again: they were read before, and now is not when they were written.
    this.start(false);
    await Promise.all([tail.terminate(), refine.terminate()]);
    // Questions the dead pair will never answer are asked of the new one.
    for (const [id, { question }] of this.asked) this.toRefine({ ...question, id } as HostToRefine);
    this.consumer.restarted?.(`${why}. Restarted the workers: they read every file again from its start.`);
  }

  /**
   * Everything the refiner holds: each series at display resolution (`DISPLAY_BUCKETS` columns),
   * for a webview that (re)loaded, or with `full`, every point.
   */
  snapshot(full = false): Promise<Batch> {
    if (this.ended) return Promise.resolve((full ? this.last?.full : this.last?.display) ?? emptyBatch());
    return this.ask({ type: 'snapshot', buckets: full ? undefined : DISPLAY_BUCKETS }, { type: 'snapshot', id: 0, batch: emptyBatch() }).then((a) => (a.type === 'snapshot' ? a.batch : emptyBatch()));
  }

  /** Series `keys` within [x0, x1] (by x or by wall-clock time) decimated to `buckets` columns, from the refiner's full store. */
  async window(keys: string[], x0: number, x1: number, buckets: number, axis: Axis = 'x'): Promise<WindowSeries[]> {
    if (this.ended) return this.endedWindow(keys, x0, x1, buckets, axis);
    const answer = await this.ask({ type: 'window', keys, x0, x1, buckets, axis }, { type: 'window', id: 0, series: [] });
    return answer.type === 'window' ? answer.series : [];
  }

  /** Lines [from, from + count) of a log stream, read back from its files. */
  async logLines(stream: LogStream, from: number, count: number): Promise<string[]> {
    if (this.ended) return this.last ? readLines(this.files, this.last.logIndex, stream, from, count) : [];
    const answer = await this.ask({ type: 'logLines', stream, from, count }, { type: 'logLines', id: 0, lines: [] });
    return answer.type === 'logLines' ? answer.lines : [];
  }

  /** The numbers of the lines of a log stream containing `query` (case-insensitive), at most `limit`. */
  async logSearch(stream: LogStream, query: string, limit: number): Promise<{ lines: number[]; complete: boolean }> {
    if (this.ended) return this.last ? searchLines(this.files, this.last.logIndex, stream, query, limit) : { lines: [], complete: true };
    const answer = await this.ask({ type: 'logSearch', stream, query, limit }, { type: 'logSearch', id: 0, lines: [], complete: false });
    return answer.type === 'logSearch' ? { lines: answer.lines, complete: answer.complete } : { lines: [], complete: false };
  }

  private ask(question: Question, none: Answer): Promise<Answer> {
    const id = ++this.askedId;
    return new Promise((resolve) => {
      this.asked.set(id, { question, resolve, none });
      this.toRefine({ ...question, id } as HostToRefine);
    });
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
   * The controlled end: the tailer reads every file to its end, the refiner parses the partial
   * last lines and sends its last batch, then both workers end, keeping every point for
   * snapshots, windows and log lines. A big backlog takes as long as it takes: the drain gives up
   * only when the refiner says nothing (no batch, no progress) for `idleMs`, and keeps whatever
   * the refiner still answers with.
   */
  async drain(idleMs = 10_000): Promise<void> {
    if (this.ended) return;
    this.draining = true;
    const flushed = new Promise<void>((resolve) => (this.flushed = resolve));
    this.toTail({ type: 'drain' });
    await this.whileHeard(flushed, idleMs);
    const last = Promise.all([this.snapshot(true), this.snapshot(), this.ask({ type: 'logIndex' }, { type: 'logIndex', id: 0, index: [] })]);
    const kept = await this.whileHeard(last, idleMs);
    this.last = kept && { full: kept[0], display: kept[1], logIndex: LogIndex.from(kept[2].type === 'logIndex' ? kept[2].index : []) };
    await this.dispose();
  }

  /** `done`'s value, or undefined once the refiner was silent for `idleMs`. */
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
        void Promise.resolve(this.consumer.batch(msg.batch, msg.points))
          .catch((err: Error) => this.consumer.error(`Could not show a batch: ${err.message}`))
          .finally(() => {
            if (!this.ended && this.refine === from) this.toRefine({ type: 'credit' }); // a replaced worker's credit is void
          });
        break;
      case 'flushed':
        this.flushed?.();
        break;
      case 'snapshot':
      case 'window':
      case 'logLines':
      case 'logSearch':
      case 'logIndex':
        this.asked.get(msg.id)?.resolve(msg);
        this.asked.delete(msg.id);
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
