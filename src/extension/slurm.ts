/**
 * Slurm jobs as runs. A job is submitted with `sbatch --parsable`, found with `squeue --me`, its
 * output files read from `scontrol show job`, and it is stopped with `scancel`. One `squeue` call
 * polls every watched job at once, less and less often while nothing changes (a scheduler is
 * shared: never hammer it). Every command has a timeout and a plain message when it fails.
 * Free of `vscode`, so it is tested in Node against a real Slurm.
 */
import { execFile } from 'node:child_process';
import * as os from 'node:os';
import type { ExitInfo, RunControl } from './control';
import { isJobId } from './guard';

/** States after which a job does not run again. */
const FINAL = new Set([
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'TIMEOUT',
  'OUT_OF_MEMORY',
  'NODE_FAIL',
  'PREEMPTED',
  'BOOT_FAIL',
  'DEADLINE',
  'REVOKED',
  'SPECIAL_EXIT',
]);
/** States of a job that is queued or held rather than running. */
const WAITING = new Set(['PENDING', 'REQUEUED', 'REQUEUE_HOLD', 'REQUEUE_FED', 'RESV_DEL_HOLD', 'SUSPENDED', 'STOPPED', 'CONFIGURING', 'RESIZING']);
/** A job the scheduler no longer knows (ended longer than its MinJobAge ago). */
const GONE = 'GONE';

const TIMEOUT_MS = 15_000;
/** A stop waits this long after its last signal for the scheduler to show the end (polls back off to 30 s after failures). */
const CONFIRM_MS = 90_000;

export class SlurmError extends Error {}

/** Runs one Slurm command: its output, or a SlurmError that says plainly what went wrong. */
export function slurm(cmd: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<string> {
  const timeout = options.timeoutMs ?? TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd: options.cwd, env: options.env ?? process.env, timeout, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const e = err as NodeJS.ErrnoException & { killed?: boolean };
      if (e.code === 'ENOENT')
        reject(new SlurmError(`Slurm's ${cmd} was not found on PATH. Slurm commands work on a cluster's login node (open it with Remote-SSH).`));
      else if (e.killed) reject(new SlurmError(`${cmd} did not answer within ${timeout / 1000} s: the scheduler may be busy or down.`));
      else reject(new SlurmError(`${cmd} failed: ${(stderr || e.message).trim().split('\n').pop()}`));
    });
  });
}

/** A job as `squeue --me` lists it. `id` is `17`, an array task's `17_3`, or a pending array range's `17_[4-9]`. */
export interface QueuedJob {
  id: string;
  name: string;
  state: string;
  /** Run time so far, as Slurm prints it (`1:02:03`). */
  elapsed: string;
  /** Why it waits (`Resources`, `BeginTime`), or `None`. */
  reason: string;
  /** The array job it belongs to, when it is an array task. */
  arrayJobId?: string;
}

export async function myJobs(): Promise<QueuedJob[]> {
  const out = await slurm('squeue', ['--me', '--noheader', '--format=%i|%j|%T|%M|%r|%F|%K']);
  return out
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const [id, name, state, elapsed, reason, arrayJob, task] = l.split('|');
      return { id, name, state, elapsed, reason, arrayJobId: task && task !== 'N/A' && task !== '(null)' ? arrayJob : undefined };
    });
}

/** `scontrol show job -o` fields of one job. */
export interface JobDetail {
  id: string;
  name: string;
  state: string;
  reason: string;
  exit: ExitInfo;
  stdout?: string;
  stderr?: string;
  workDir?: string;
  arrayJobId?: string;
  arrayTaskId?: string;
}

/** `Key=value Key2=value with spaces …` → fields (a value runs to the next ` Key=`). */
export function parseJobLine(line: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const part of line.trim().split(/ (?=[A-Za-z][A-Za-z0-9/:_]*=)/)) {
    const eq = part.indexOf('=');
    if (eq > 0) fields[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return fields;
}

const known = (v: string | undefined) => (v && v !== '(null)' && v !== 'N/A' ? v : undefined);

/** The jobs `id` names: one, or every task of an array job. */
export async function jobDetails(id: string): Promise<JobDetail[]> {
  checkId(id);
  const out = await slurm('scontrol', ['show', 'job', '--oneliner', id]);
  return out
    .split('\n')
    .filter((l) => l.includes('JobId='))
    .map((l) => {
      const f = parseJobLine(l);
      const [code, signal] = (f.ExitCode ?? '').split(':').map(Number);
      const signalName = signal ? (Object.entries(os.constants.signals).find(([, n]) => n === signal)?.[0] ?? String(signal)) : null;
      const state = (f.JobState ?? '').split(' ')[0];
      const arrayTaskId = known(f.ArrayTaskId);
      return {
        id: arrayTaskId && !arrayTaskId.includes('-') ? `${f.ArrayJobId}_${arrayTaskId}` : f.JobId,
        name: f.JobName ?? '',
        state,
        reason: f.Reason ?? '',
        exit: { code: FINAL.has(state) && Number.isFinite(code) && !signal ? code : null, signal: signalName, state },
        stdout: known(f.StdOut),
        stderr: known(f.StdErr),
        workDir: known(f.WorkDir),
        arrayJobId: known(f.ArrayJobId),
        arrayTaskId,
      };
    });
}

/** A job id goes to Slurm's commands only when it is one (`17`, `17_3`): never an option or a list. */
function checkId(id: string): void {
  if (!isJobId(id)) throw new SlurmError(`"${String(id).slice(0, 40)}" is not a Slurm job id.`);
}

/** Submits `script` (extra `sbatch` options in `args`): the job's id. */
export async function submit(script: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  const out = await slurm('sbatch', ['--parsable', ...args, script], { cwd, env });
  const id = out.trim().split(';')[0]; // `17` or `17;cluster`
  if (!/^\d+$/.test(id)) throw new SlurmError(`sbatch answered "${out.trim()}", not a job id.`);
  return id;
}

/**
 * Cancels job `id`; with `signal`, only sends it: to the batch script and its children (`--full`),
 * or, with `steps`, to the tasks of its `srun` steps.
 */
export async function cancel(id: string, signal?: 'INT', steps = false): Promise<void> {
  checkId(id);
  await slurm('scancel', !signal ? [id] : steps ? [`--signal=${signal}`, id] : [`--signal=${signal}`, '--full', id]);
}

/** Whether job `id` runs `srun` steps (`17.0`), whose tasks a signal to the batch script does not reach. */
export async function hasSteps(id: string): Promise<boolean> {
  checkId(id);
  const out = await slurm('squeue', ['--steps', `--jobs=${id}`, '--noheader', '--format=%i']);
  return out.split('\n').some((l) => /\.\d+$/.test(l.trim()));
}

interface Seen {
  state: string;
  reason: string;
}

/** A watched job's listener: its state when seen, and trouble polling (said once per distinct message). */
interface Watcher {
  seen(s: Seen): void;
  problem?(text: string): void;
}

/**
 * Polls the state of every watched job in one `squeue` call: every `minMs` while something
 * changes, then 1.5× longer after each quiet poll up to `maxMs`, and twice as long after a failure
 * (reported once per distinct message).
 */
export class JobPoller {
  private watched = new Map<string, Set<Watcher>>();
  private last = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private delay: number;
  private polling = false;
  private lastPoll = 0;
  private lastError = '';
  /** squeue calls made (tests check the poll is shared). */
  calls = 0;

  constructor(
    private readonly minMs = 1000,
    private readonly maxMs = 15_000,
  ) {
    this.delay = minMs;
  }

  /**
   * Tells `listener` each state of job `id` seen (an array job's id stands for all its tasks);
   * returns what stops watching it.
   */
  watch(id: string, listener: Watcher): () => void {
    checkId(id);
    let set = this.watched.get(id);
    if (!set) this.watched.set(id, (set = new Set()));
    set.add(listener);
    this.hurry();
    return () => {
      set.delete(listener);
      if (!set.size) {
        this.watched.delete(id);
        this.last.delete(id);
      }
    };
  }

  /** Polls soon (never twice within `minMs`), and often again: a job was submitted, asked to stop, or printed while queued. */
  hurry(): void {
    this.delay = this.minMs;
    if (!this.polling) this.schedule(Math.max(0, this.lastPoll + this.minMs - Date.now()));
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    if (!this.watched.size) return;
    this.timer = setTimeout(() => void this.poll(), ms);
    this.timer.unref?.();
  }

  private async poll(): Promise<void> {
    const ids = [...this.watched.keys()];
    if (!ids.length) return;
    this.polling = true;
    this.lastPoll = Date.now();
    let changed = false;
    try {
      this.calls++;
      const states = await queueStates(ids);
      this.lastError = '';
      for (const id of ids) {
        const s = states.get(id)!;
        if (this.last.get(id) !== `${s.state}|${s.reason}`) changed = true;
        this.last.set(id, `${s.state}|${s.reason}`);
        for (const w of [...(this.watched.get(id) ?? [])]) w.seen(s);
      }
      this.delay = changed ? this.minMs : Math.min(this.maxMs, this.delay * 1.5);
    } catch (err) {
      const text = (err as Error).message;
      if (text !== this.lastError)
        for (const set of this.watched.values()) for (const w of set) w.problem?.(`Could not ask Slurm about the job: ${text} Asking again less often.`);
      this.lastError = text;
      this.delay = Math.min(this.maxMs * 2, this.delay * 2);
    } finally {
      this.polling = false;
      this.schedule(this.delay);
    }
  }
}

/** The state of each of `ids` in one `squeue` call (an array job's id: its tasks' combined; GONE: forgotten). */
async function queueStates(ids: string[]): Promise<Map<string, Seen>> {
  const lines: Array<[string, Seen]> = [];
  try {
    const out = await slurm('squeue', [`--jobs=${ids.join(',')}`, '--states=all', '--noheader', '--format=%i|%T|%r']);
    for (const line of out.split('\n')) {
      const [id, state, reason] = line.trim().split('|');
      if (id && state) lines.push([id, { state, reason: reason ?? '' }]);
    }
  } catch (err) {
    // squeue fails when it knows none of the ids: they have all ended long enough ago
    if (!/invalid job id/i.test((err as Error).message)) throw err;
  }
  return new Map(ids.map((id) => [id, combined(lines.filter(([l]) => l === id || l.startsWith(`${id}_`)).map(([, seen]) => seen))]));
}

/**
 * One state for a job and its array tasks: running while any task runs, waiting while any waits
 * (and none runs), else the first unsuccessful end, else COMPLETED. No line at all: GONE.
 */
function combined(tasks: Seen[]): Seen {
  if (!tasks.length) return { state: GONE, reason: '' };
  if (tasks.length === 1) return tasks[0];
  const live = tasks.filter((t) => !FINAL.has(t.state));
  if (live.length) return live.find((t) => !WAITING.has(t.state)) ?? live[0];
  return tasks.find((t) => t.state !== 'COMPLETED') ?? tasks[0];
}

/** The poll shared by every job of this extension host: every second while jobs change, every 15 s at most while they run quietly. */
export const jobPoller = new JobPoller();

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
