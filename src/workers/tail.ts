/** Tail worker: follows the run's files and posts raw bytes to the refine worker. */
import { parentPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { TailControl, TailOptions, TailToRefine } from '../core/protocol/tail';
import { Tailer } from './tailer';

const options = workerData as TailOptions;
let out: MessagePort | undefined;
let draining = false;
let timer: NodeJS.Timeout | undefined;

const tailer = new Tailer(options.root, (msg: TailToRefine, transfer?: ArrayBuffer[]) => out?.postMessage(msg, transfer));

async function loop(): Promise<void> {
  await tailer.poll();
  if (!draining) timer = setTimeout(() => void loop(), options.pollMs);
}

parentPort!.on('message', (msg: TailControl) => {
  if (msg.type === 'port') {
    out = msg.port;
    void loop();
  } else if (msg.type === 'drain') {
    draining = true;
    clearTimeout(timer);
    // A poll may be under way: one more full pass after it reads whatever was written last.
    void tailer
      .poll()
      .then(() => tailer.close())
      .then(() => out?.postMessage({ type: 'drained' } satisfies TailToRefine));
  }
});
