/**
 * Tail worker: follows the run's files and posts raw bytes to the refine worker. A recursive
 * watch makes it react at once; polling every `pollMs` stays on for filesystems whose writes send
 * no events (network mounts, writes from other machines).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { CHUNKS_IN_FLIGHT, type RefineToTail, type TailControl, type TailOptions, type TailToRefine } from '../core/protocol/tail';
import { nextPoll } from './quiet';
import { WorkerPriority } from './priority';
import { Tailer } from './tailer';

const priority = new WorkerPriority();
const options = workerData as TailOptions;
let out: MessagePort | undefined;
let draining = false;
let timer: NodeJS.Timeout | undefined;

const tailer = new Tailer(
  options.root,
  (msg: TailToRefine, transfer?: ArrayBuffer[]) => {
    out?.postMessage(msg, transfer);
    priority.busy();
  },
  options.live,
  options.also,
);

/**
 * Flow control: a chunk is read only while fewer than CHUNKS_IN_FLIGHT wait to be parsed, so a
 * big backlog stays on disk until the ingester is ready for it (one pass runs at a time: one waiter).
 */
let inFlight = 0;
let waiting: (() => void) | undefined;
tailer.ready = () => {
  if (inFlight < CHUNKS_IN_FLIGHT) {
    inFlight++;
    return undefined;
  }
  return new Promise<void>((resolve) => (waiting = resolve)).then(() => void inFlight++);
};
function credit(msg: RefineToTail): void {
  if (msg.type !== 'credit') return;
  inFlight--;
  const w = waiting;
  waiting = undefined;
  w?.();
}

/** The wait before the next pass: longer while nothing changes (see quiet.ts). */
let wait = options.pollMs;
async function loop(): Promise<void> {
  await tailer.poll();
  wait = nextPoll(wait, options.pollMs, tailer.moved);
  if (!draining) timer = setTimeout(() => void loop(), wait);
}

/**
 * A pass soon after watch events: one at a time, and one more after it when events came while it
 * ran (a burst of writes goes on after the pass that its first event started has read).
 */
let passing = false;
let again = false;
function watchEvent(event: string, name: string | null): void {
  if (event === 'rename') tailer.relist(); // created, deleted or moved
  tailer.touched(name === null ? undefined : rootIsDir ? path.join(options.root, name) : options.root); // a quiet file is looked at again
  if (draining) return;
  if (passing) again = true;
  else {
    passing = true;
    setImmediate(passAfterEvents);
  }
}

function passAfterEvents(): void {
  again = false;
  void tailer.poll().finally(() => {
    if (again && !draining) setImmediate(passAfterEvents);
    else passing = false;
  });
}

let watcher: fs.FSWatcher | undefined;
let rootIsDir = false;
function startWatching(): void {
  try {
    rootIsDir = fs.statSync(options.root).isDirectory();
    watcher = fs.watch(options.root, { recursive: rootIsDir }, watchEvent);
    watcher.on('error', () => watcher?.close()); // polling carries on
  } catch {
    // No watch here (missing folder, unsupported filesystem): polling alone.
  }
}

parentPort!.on('message', (msg: TailControl) => {
  if (msg.type === 'port') {
    out = msg.port;
    out.on('message', credit);
    startWatching();
    void loop();
  } else if (msg.type === 'drain') {
    draining = true;
    clearTimeout(timer);
    watcher?.close();
    tailer.relist(); // the drain's pass finds files created since the last walk
    // A poll may be under way: one more full pass after it reads whatever was written last.
    void tailer
      .poll(true)
      .then(() => tailer.close())
      .then(() => out?.postMessage({ type: 'drained' } satisfies TailToRefine));
  }
});
