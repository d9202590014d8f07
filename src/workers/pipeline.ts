/**
 * The host side of the two workers: starts them, connects tail → refine with a MessageChannel,
 * returns a credit for each batch once the consumer has taken it, and ends them in order.
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
}

export class Pipeline {
  private readonly tail: Worker;
  private readonly refine: Worker;
  private snapshots: Array<(b: Batch) => void> = [];
  private windows = new Map<number, (s: WindowSeries[]) => void>();
  private windowId = 0;
  private flushed: (() => void) | undefined;
  private ended = false;
  /** What the refiner held when it ended, so a webview can still restore a finished run. */
  private last: Batch | undefined;

  constructor(options: PipelineOptions, private readonly consumer: PipelineConsumer) {
    const tailData: TailOptions = { root: options.root, pollMs: options.pollMs ?? 100, live: options.live ?? false };
    const refineData: RefineOptions = { updatesPerSecond: options.updatesPerSecond, initialCredits: 2 };
    this.tail = new Worker(path.join(options.workersDir, 'tail.js'), { workerData: tailData, name: 'training-monitor tail' });
    this.refine = new Worker(path.join(options.workersDir, 'refine.js'), { workerData: refineData, name: 'training-monitor refine' });
    for (const [name, w] of [['tail', this.tail], ['refine', this.refine]] as const) {
      w.on('error', (err) => consumer.error(`The ${name} worker failed: ${err.message}`));
      w.on('exit', (code) => {
        if (!this.ended && code !== 0) consumer.error(`The ${name} worker exited with code ${code}.`);
      });
    }
    this.refine.on('message', (msg: RefineToHost) => this.onRefine(msg));

    const channel = new MessageChannel();
    this.toRefine({ type: 'port', port: channel.port2 }, [channel.port2]);
    this.toTail({ type: 'port', port: channel.port1 }, [channel.port1]);
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

  private onRefine(msg: RefineToHost): void {
    switch (msg.type) {
      case 'batch':
        void Promise.resolve(this.consumer.batch(msg.batch, msg.points))
          .catch((err: Error) => this.consumer.error(`Could not show a batch: ${err.message}`))
          .finally(() => {
            if (!this.ended) this.toRefine({ type: 'credit' });
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
