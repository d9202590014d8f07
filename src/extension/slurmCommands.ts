/**
 * Slurm's commands, each with a timeout and a plain message when it fails: `sbatch --parsable`,
 * `squeue --me`, `scontrol show job`, `scancel`. Free of `vscode`, so it is tested in Node against
 * a real Slurm.
 */
import { execFile } from 'node:child_process';
import * as os from 'node:os';
import type { ExitInfo } from './control';
import { isJobId } from './guard';

/** States after which a job does not run again. */
export const FINAL = new Set([
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
export const WAITING = new Set(['PENDING', 'REQUEUED', 'REQUEUE_HOLD', 'REQUEUE_FED', 'RESV_DEL_HOLD', 'SUSPENDED', 'STOPPED', 'CONFIGURING', 'RESIZING']);
/** A job the scheduler no longer knows (ended longer than its MinJobAge ago). */
export const GONE = 'GONE';

const TIMEOUT_MS = 15_000;

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
export function checkId(id: string): void {
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
