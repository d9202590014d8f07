/** A worker thread for priority.test.ts: takes the workers' priority and keeps a core busy, in slices. */
import * as fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { WorkerPriority } from '../../../src/workers/priority';

const tid = Number(fs.readlinkSync('/proc/thread-self').split('/').pop());
const priority = new WorkerPriority((policy, why) => parentPort!.postMessage({ tid, policy, why }), workerData.competeMs);
function spin(): void {
  const t = performance.now();
  while (performance.now() - t < 20);
  priority.busy();
  setImmediate(spin);
}
spin();
