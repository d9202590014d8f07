/**
 * The workers parse while the extension host's main thread, shared with every other extension,
 * waits on the same few cores: on a machine of two cores, two busy workers leave it a time slice
 * away (milliseconds) from running. A worker lowers its own thread's priority, so the main thread
 * preempts it; the parse only takes the CPU time nothing else wants.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';

/** Niceness of a worker thread: below the host (0), above what is idle. */
const WORKER_NICE = 10;

/**
 * Lowers the calling thread's priority. Linux only: there a thread has its own nice value, set
 * through its thread id (`/proc/thread-self` names it). Elsewhere, or when refused, nothing changes.
 */
export function yieldToHost(): void {
  if (process.platform !== 'linux') return;
  try {
    const tid = Number(path(fs.readlinkSync('/proc/thread-self')));
    if (tid > 0 && os.getPriority(tid) < WORKER_NICE) os.setPriority(tid, WORKER_NICE);
  } catch {
    // no /proc, or not allowed: the thread keeps its priority
  }
}

/** `<pid>/task/<tid>` → `<tid>`. */
function path(link: string): string {
  return link.slice(link.lastIndexOf('/') + 1);
}
