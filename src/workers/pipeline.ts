/**
 * The host side of the two workers: starts them, connects tail → refine with a MessageChannel,
 * returns a credit for each batch once the consumer has taken it, and ends them in order. A
 * worker that dies is replaced, with its partner, by a fresh pair that reads the files again from
 * their start (the store is rebuilt, so nothing is lost or counted twice).
 * Used by the extension host and the CLI; it never parses anything itself.
 */
import * as path from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import { emptyBatch, type Axis, type Batch } from '../core/protocol/batch';
import type { HostToRefine, RefineOptions, RefineToHost, WindowSeries } from '../core/protocol/refine';
import type { TailControl, TailOptions } from '../core/protocol/tail';

export interface PipelineOptions {
  /** Run directory or file to follow. */
  root: string;
  /** Folder holding the built `tail.js` and `refine.js`. */
  workersDir: string;
  updatesPerSecond: number;
  pollMs?: number;
  /** Every byte of the files will be written from now on (a run this monitor launched): date lines as they are read. */
  live?: boolean;
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

/** A pair that dies more often than this within RESTART_WINDOW_MS is not replaced again. */
const MAX_RESTARTS = 3;
const RESTART_WINDOW_MS = 60_000;

export class Pipeline {
  private tail!: Worker;
  private refine!: Worker;
  private snapshots: Array<(b: Batch) => void> = [];
  private windows = new Map<number, (s: WindowSeries[]) => void>();
  private windowId = 0;
  private flushed: (() => void) | undefined;
  private ended = false;
  private draining = false;
  /** What the refiner held when it ended, so a webview can still restore a finished run. */
  private last: Batch | undefined;
  /** When the workers were last replaced. */
  private restarts: number[] = [];

  constructor(
    private readonly options: PipelineOptions,
    private readonly consumer: PipelineConsumer,
  ) {
    this.start(options.live ?? false);
  }

  private start(live: boolean): void {
    const { options, consumer } = this;
    const tailData: TailOptions = { root: options.root, pollMs: options.pollMs ?? 100, live };
    const refineData: RefineOptions = { updatesPerSecond: options.updatesPerSecond, initialCredits: 2 };
    const tail = new Worker(path.join(options.workersDir, 'tail.js'), { workerData: tailData, name: 'training-monitor tail' });
    const refine = new Worker(path.join(options.workersDir, 'refine.js'), { workerData: refineData, name: 'training-monitor refine' });
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
      await this.dispose();
      return;
    }
    this.restarts.push(now);
    const [tail, refine] = [this.tail, this.refine];
    // Old lines are dated as unknown again: they were read before, and now is not when they were written.
    this.start(false);
    await Promise.all([tail.terminate(), refine.terminate()]);
    // Requests the dead pair will never answer are asked of the new one.
    for (let k = 0; k < this.snapshots.length; k++) this.toRefine({ type: 'snapshot' });
    for (const resolve of this.windows.values()) resolve([]);
    this.windows.clear();
    this.consumer.restarted?.(`${why}. Restarted the workers: they read every file again from its start.`);
  }

  /** Everything the refiner holds, for a webview that (re)loaded. */
  snapshot(): Promise<Batch> {
    if (this.ended) return Promise.resolve(this.last ?? emptyBatch());
    return new Promise((resolve) => {
      this.snapshots.push(resolve);
      this.toRefine({ type: 'snapshot' });
    });
  }

  /** Series `keys` within [x0, x1] (by x or by wall-clock time) decimated to `buckets` columns, from the refiner's full store. */
  window(keys: string[], x0: number, x1: number, buckets: number, axis: Axis = 'x'): Promise<WindowSeries[]> {
    if (this.ended) return Promise.resolve([]);
    const id = ++this.windowId;
    return new Promise((resolve) => {
      this.windows.set(id, resolve);
      this.toRefine({ type: 'window', id, keys, x0, x1, buckets, axis });
    });
  }

  /**
   * The controlled end: the tailer reads every file to its end, the refiner parses the partial
   * last lines and sends its last batch, then both workers end. Gives up after `timeoutMs`.
   */
  async drain(timeoutMs = 10_000): Promise<void> {
    if (this.ended) return;
    this.draining = true;
    const flushed = new Promise<void>((resolve) => (this.flushed = resolve));
    this.toTail({ type: 'drain' });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([flushed, timeout]);
    this.last = await Promise.race([this.snapshot(), timeout.then(() => undefined)]);
    clearTimeout(timer);
    await this.dispose();
  }

  /** Ends both workers now. */
  async dispose(): Promise<void> {
    this.ended = true;
    await Promise.all([this.tail.terminate(), this.refine.terminate()]);
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
      case 'snapshot':
        this.snapshots.shift()?.(msg.batch);
        break;
      case 'flushed':
        this.flushed?.();
        break;
      case 'window':
        this.windows.get(msg.id)?.(msg.series);
        this.windows.delete(msg.id);
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
