/**
 * Refine worker: parses what the tail worker reads and sends the host coalesced batches, at most
 * `updatesPerSecond` a second and only while it holds credits (the host returns one per batch it
 * forwarded), so a slow webview makes batches bigger, never a queue longer. A quiet pipe sends at
 * once (leading edge): a point written after a pause does not wait for a tick; under load the
 * points that come within one interval go together at its end (trailing edge).
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { isEmptyBatch, transferables, windowTransferables, type WindowSeries } from '../core/protocol/batch';
import type { HostToRefine, RefineAnswer, RefineOptions, RefineQuestion, RefineToHost } from '../core/protocol/refine';
import { answer } from '../core/protocol/request';
import { decimate } from '../core/decimate';
import type { RefineToTail, TailToRefine } from '../core/protocol/tail';
import { Ingester } from '../core/ingester';
import { readLines, searchLines } from './logRead';
import { WorkerPriority } from './priority';

const priority = new WorkerPriority();
const options = workerData as RefineOptions;
const files = { root: options.root, also: options.also ?? [] };
const ingester = new Ingester();
const host = parentPort!;
let credits = options.initialCredits;

function post(msg: Extract<RefineToHost, { type: 'batch' }>): void {
  host.postMessage(msg, transferables(msg.batch));
}

const interval = Math.max(1, Math.round(1000 / options.updatesPerSecond));
let lastSent = -Infinity;
/** The pending send, if one is due. */
let due: NodeJS.Timeout | undefined;
/** Whether a send found no credit: the next credit sends at once. */
let starved = false;
let finished = false;

function sendBatch(force: boolean): void {
  due = undefined;
  if (credits <= 0 && !force) {
    starved = true;
    return;
  }
  const batch = ingester.takeBatch();
  if (isEmptyBatch(batch)) return;
  credits--;
  lastSent = performance.now();
  post({ type: 'batch', batch, points: ingester.store.pointCount });
}

/**
 * Something new is held: send it now if the last batch is an interval old (after the messages
 * already queued are parsed, so a burst goes as one), else when the interval is up.
 */
function wake(): void {
  if (due || finished) return;
  const wait = lastSent + interval - performance.now();
  due = setTimeout(() => sendBatch(false), Math.max(0, wait));
}

/** Bytes parsed so far, told to the host at most 4 times a second (a drain waits while they grow). */
let parsed = 0;
let toldAt = 0;

function onTail(msg: TailToRefine, port: MessagePort): void {
  switch (msg.type) {
    case 'chunk': {
      ingester.chunk(msg.file, new Uint8Array(msg.bytes), msg.time, msg.format);
      priority.busy();
      // Parsed: the tailer may read on, once the event loop has turned (a port runs its queued
      // messages in one go: credits given at once would keep timers and the host waiting through a whole backlog).
      setImmediate(() => port.postMessage({ type: 'credit' } satisfies RefineToTail));
      parsed += msg.bytes.byteLength;
      const now = performance.now();
      if (now - toldAt >= 250) {
        toldAt = now;
        host.postMessage({ type: 'progress', bytes: parsed } satisfies RefineToHost);
      }
      wake();
      break;
    }
    case 'reset':
      ingester.reset(msg.file, msg.reason);
      wake();
      break;
    case 'warning':
    case 'info':
      ingester.event(msg.type, msg.text);
      wake();
      break;
    case 'caughtUp':
      ingester.caughtUp();
      wake();
      break;
    case 'drained':
      finished = true;
      clearTimeout(due);
      ingester.end();
      sendBatch(true);
      host.postMessage({ type: 'flushed' } satisfies RefineToHost);
      break;
  }
}

/** The answer to one of the host's questions. */
async function respond(q: RefineQuestion): Promise<RefineAnswer> {
  switch (q.type) {
    case 'snapshot':
      return { type: 'snapshot', id: q.id, batch: ingester.snapshot(q.buckets) };
    case 'logLines':
      return { type: 'logLines', id: q.id, lines: await readLines(files, ingester.logIndex, q.stream, q.from, q.count) };
    case 'logSearch':
      return { type: 'logSearch', id: q.id, ...(await searchLines(files, ingester.logIndex, q.stream, q.query, q.limit)) };
    case 'logIndex':
      return { type: 'logIndex', id: q.id, index: ingester.logIndex.data() };
    case 'window': {
      const series: WindowSeries[] = [];
      for (const key of q.keys) {
        const c = ingester.store.range(key, q.x0, q.x1, q.axis);
        if (c) series.push({ key, ...decimate(c, c.x.length, q.x0, q.x1, q.buckets) });
      }
      return { type: 'window', id: q.id, series };
    }
  }
}

host.on('message', (msg: HostToRefine) => {
  switch (msg.type) {
    case 'port': {
      const port = msg.port;
      port.on('message', (m: TailToRefine) => onTail(m, port));
      break;
    }
    case 'credit':
      credits++;
      if (starved) {
        starved = false;
        wake();
      }
      break;
    case 'snapshot':
    case 'window':
    case 'logLines':
    case 'logSearch':
    case 'logIndex':
      // a question: an error while answering (a log file unreadable now) goes back as an error reply
      void answer(msg, respond, (reply) =>
        host.postMessage(reply, reply.type === 'window' ? windowTransferables(reply.series) : reply.type === 'snapshot' ? transferables(reply.batch) : []),
      );
      break;
  }
});
