/**
 * Slurm jobs as runs: a job's end and exit code, what it waits for, and Stop (`scancel`, then
 * the scheduler's word that it ended). Free of `vscode`, so it is tested in Node against a real
 * Slurm; the commands are in slurmCommands.ts, the shared poll in slurmPoll.ts.
 */
import type { ExitInfo, RunControl } from './control';
import { cancel, checkId, FINAL, GONE, hasSteps, jobDetails, WAITING } from './slurmCommands';
import { JobPoller, jobPoller, queueStates } from './slurmPoll';

/** A stop waits this long after its last signal for the scheduler to show the end (polls back off to 30 s after failures). */
const CONFIRM_MS = 90_000;

/** A Slurm job the monitor follows: its end and exit code, what it waits for, and Stop. */
export class SlurmJob implements RunControl {
  readonly label: string;
  readonly exited: Promise<ExitInfo>;
  private state = '';
  private why = '';
  private listeners: Array<(why: string) => void> = [];
  private problems: Array<(text: string) => void> = [];
  /** Whether it was asked to stop (its end is then `stopped`, not `failed`). */
  stopped = false;

  constructor(
    readonly id: string,
    private readonly poller: JobPoller = jobPoller,
    /** How long a stop waits for Slurm to show the job ended before it says it could not tell. */
    private readonly confirmMs = CONFIRM_MS,
  ) {
    checkId(id);
    this.label = `Slurm job ${id}`;
    this.exited = new Promise((resolve) => {
      const unwatch = poller.watch(id, {
        seen: ({ state, reason }) => {
          this.state = state;
          if (WAITING.has(state)) this.setWhy(`${state}${reason && reason !== 'None' ? ` (${reason})` : ''}`);
          else if (!FINAL.has(state) && state !== GONE) this.setWhy('');
          if (!FINAL.has(state) && state !== GONE) return;
          unwatch();
          void this.exit(state).then(resolve);
        },
        problem: (text) => this.problems.forEach((p) => p(text)),
      });
    });
  }

  nudge(): void {
    this.poller.hurry();
  }

  onProblem(listener: (text: string) => void): void {
    this.problems.push(listener);
  }

  onWaiting(listener: (why: string) => void): void {
    this.listeners.push(listener);
    if (this.why) listener(this.why);
  }

  /**
   * A job that has not started is cancelled at once. A running one gets SIGINT in its batch shell
   * and every step (Python raises KeyboardInterrupt and can save), then `scancel` after `graceMs`.
   * Waits at most `confirmMs` more for Slurm to show the end: undefined, said in `step`, when it
   * does not (squeue keeps failing); the job is still watched.
   */
  async stop(graceMs: number, step: (text: string) => void = () => undefined): Promise<ExitInfo | undefined> {
    this.stopped = true;
    try {
      // asked now, not as last polled: a job that just started must get its SIGINT
      this.state = (await queueStates([this.id])).get(this.id)!.state;
      if (WAITING.has(this.state)) {
        step(`Cancelled ${this.label}: it had not started.`);
        await cancel(this.id);
      } else if (await hasSteps(this.id)) {
        // srun's tasks: signalled directly (srun itself would only print its status)
        step(`Sent SIGINT to the tasks of ${this.label} (scancel --signal=INT, to its srun steps).`);
        await cancel(this.id, 'INT', true);
      } else {
        step(`Sent SIGINT to ${this.label} (scancel --signal=INT --full).`);
        await cancel(this.id, 'INT');
      }
      if (!WAITING.has(this.state)) {
        this.poller.hurry();
        const ended = await Promise.race([this.exited.then(() => true), sleep(graceMs).then(() => false)]);
        if (!ended) {
          step(`${this.label} still ran after ${graceMs / 1000} s: cancelled it (scancel).`);
          await cancel(this.id);
        }
      }
    } catch (err) {
      step(`Could not stop ${this.label}: ${(err as Error).message}`);
    }
    this.poller.hurry();
    const exit = await within(this.exited, this.confirmMs);
    if (!exit) {
      step(`Slurm did not show that ${this.label} ended within ${this.confirmMs / 1000} s: it may still run. Still watching it; Stop again to retry.`);
      return undefined;
    }
    step(`${this.label} ended: ${exit.state ?? 'gone from the queue'}.`);
    return exit;
  }

  private setWhy(why: string): void {
    if (why === this.why) return;
    this.why = why;
    for (const l of this.listeners) l(why);
  }

  /** Its end: the exit code comes from one `scontrol` call (squeue has none); of an array, the first task that failed. */
  private async exit(state: string): Promise<ExitInfo> {
    try {
      const tasks = await jobDetails(this.id);
      const d = tasks.find((t) => t.exit.code !== 0 || t.exit.state !== 'COMPLETED') ?? tasks[0];
      if (d) return d.exit;
    } catch {
      // forgotten by the scheduler already
    }
    return { code: null, signal: null, state: state === GONE ? undefined : state };
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** What `p` settles to within `ms`, else undefined (the timer does not outlive the answer). */
async function within<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
