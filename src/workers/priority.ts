/**
 * The workers parse while the extension host's main thread, shared with every other extension,
 * waits on the same few cores. A worker lowers its own thread's priority so that the main thread
 * preempts it; the parse takes the CPU time nothing else wants.
 *
 * Linux only: there a thread has its own policy and nice value, set through its thread id. Nice 10
 * alone is not enough on an EEVDF kernel (6.6 on): a niced worker that has just woken keeps its core
 * for its slice, and on two cores the host's timers came 2–4 ms late (p99) while a run was read. A
 * thread under SCHED_IDLE gives way to any other that wakes. But it gets almost nothing while every
 * core is busy (a training on the CPU), so each worker watches its own time on the run queue and,
 * starved, goes back to nice 10 for a while. Leaving SCHED_IDLE takes a right most users lack
 * (CAP_SYS_NICE, or RLIMIT_NICE above 0, see sched(7)): without it a worker stays at nice 10.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';

/** Niceness of a worker thread that competes: below the host (0), above what is idle. */
const WORKER_NICE = 10;
/** How often a busy worker looks at its run-queue wait. */
const CHECK_MS = 1000;
/** Starved: in one check's time, waited for a core longer than it ran, and over a quarter of the time. */
const STARVED_SHARE = 0.25;
/** How long a starved worker first stays at nice 10 before it tries SCHED_IDLE again; doubled each time the try starves too. */
const COMPETE_MS = 30_000;
const COMPETE_MAX_MS = 600_000;
/** `chrt` (util-linux) sets a thread's policy: Node has no call for it. A fixed path, never one found on PATH. */
const CHRT = ['/usr/bin/chrt', '/bin/chrt'].find((p) => fs.existsSync(p));

export type Policy = 'idle' | 'nice';

export class WorkerPriority {
  private tid = 0;
  /** The policy set last; undefined before, or when setting one failed (then nothing is tried again). */
  private policy: Policy | undefined;
  private changing = false;
  private changedAt = 0;
  private checkedAt = 0;
  private last = { run: 0, wait: 0 };
  private competeMs: number;

  /** `onChange` hears each policy the thread takes, and why; `firstCompeteMs` shortens the wait at nice 10 (tests). */
  constructor(
    private readonly onChange?: (policy: Policy, why: string) => void,
    private readonly firstCompeteMs = COMPETE_MS,
  ) {
    this.competeMs = firstCompeteMs;
    if (process.platform !== 'linux') return;
    try {
      const tid = Number(lastPart(fs.readlinkSync('/proc/thread-self')));
      if (!(tid > 0)) return;
      if (os.getPriority(tid) < WORKER_NICE) os.setPriority(tid, WORKER_NICE);
      this.tid = tid;
    } catch {
      return; // no /proc, or not allowed: the thread keeps its priority
    }
    if (CHRT && runQueueNs() && mayLeaveIdle(procText('/proc/self/limits'), procText('/proc/self/status'))) this.set('idle', 'started');
  }

  /**
   * Called as work is done (a chunk read or parsed): at most once a CHECK_MS, looks whether the
   * thread starves under SCHED_IDLE, or has competed at nice 10 long enough to try it again.
   */
  busy(): void {
    if (!this.policy || this.changing) return;
    const now = performance.now();
    if (now - this.checkedAt < CHECK_MS) return;
    const stat = runQueueNs();
    if (!stat) return;
    const ran = stat.run - this.last.run;
    const waited = stat.wait - this.last.wait;
    const elapsedNs = (now - this.checkedAt) * 1e6;
    this.last = stat;
    this.checkedAt = now;
    if (this.policy === 'idle' && waited > ran && waited > STARVED_SHARE * elapsedNs) {
      // starved again soon after a try: the machine stays busy, try less often
      if (now - this.changedAt < this.competeMs) this.competeMs = Math.min(2 * this.competeMs, COMPETE_MAX_MS);
      else this.competeMs = this.firstCompeteMs;
      this.set('nice', `waited ${Math.round(waited / 1e6)} ms for a core and ran ${Math.round(ran / 1e6)} ms`);
    } else if (this.policy === 'nice' && now - this.changedAt >= this.competeMs) this.set('idle', 'tries again');
  }

  private set(policy: Policy, why: string): void {
    this.changing = true;
    execFile(CHRT!, [policy === 'idle' ? '--idle' : '--other', '--pid', '0', String(this.tid)], (err) => {
      this.changing = false;
      if (err) {
        this.policy = undefined; // refused (a container without the right)
        return;
      }
      if (policy === 'nice') {
        try {
          os.setPriority(this.tid, WORKER_NICE);
        } catch {
          // leaving SCHED_IDLE kept the nice value; this is only to be sure
        }
      }
      this.policy = policy;
      this.changedAt = this.checkedAt = performance.now();
      this.last = runQueueNs() ?? this.last;
      this.onChange?.(policy, why);
    });
  }
}

/**
 * Whether this process may take a thread at nice WORKER_NICE from SCHED_IDLE back to SCHED_OTHER:
 * with CAP_SYS_NICE (bit 23 of `CapEff` in /proc/self/status), or a soft RLIMIT_NICE of at least
 * 20 − WORKER_NICE (`Max nice priority` in /proc/self/limits).
 */
export function mayLeaveIdle(limits: string, status: string): boolean {
  const caps = /^CapEff:\s*([0-9a-fA-F]+)\s*$/m.exec(status);
  if (caps && ((BigInt('0x' + caps[1]) >> 23n) & 1n) === 1n) return true;
  const nice = /^Max nice priority\s+(\S+)/m.exec(limits);
  return !!nice && (nice[1] === 'unlimited' || Number(nice[1]) >= 20 - WORKER_NICE);
}

function procText(file: string): string {
  try {
    return fs.readFileSync(file, 'latin1');
  } catch {
    return '';
  }
}

/** This thread's time on a core and waiting for one, in ns (`/proc/thread-self/schedstat`). */
function runQueueNs(): { run: number; wait: number } | undefined {
  try {
    const [run, wait] = fs.readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ').map(Number);
    return Number.isFinite(run) && Number.isFinite(wait) ? { run, wait } : undefined;
  } catch {
    return undefined;
  }
}

/** `<pid>/task/<tid>` → `<tid>`. */
function lastPart(link: string): string {
  return link.slice(link.lastIndexOf('/') + 1);
}
