/**
 * Slurm in the editor: the "Submit to Slurm…" and "Attach to a Slurm job…" choices, the batch
 * script generated for a Python file from the `trainingMonitor.slurm.*` settings, and the runs
 * they make. Each job gets a run folder like a local run (run.json, events.jsonl); its output goes
 * there when the monitor wrote the script, else its own output files are followed as `stdout.log`
 * and `stderr.log`, with the log folders of its working directory.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { plainText } from '../core/display';
import type { AlsoFollowed } from '../core/protocol/tail';
import type { ExitInfo } from './control';
import { createRunDir, recordEnd, writeRecord, type RunRecord } from './runFolder';
import { SlurmJob } from './slurm';
import { jobDetails, myJobs, submit, type JobDetail } from './slurmCommands';
import { pythonJobScript, type SlurmSettings } from './slurmScript';
import type { RunSource } from './sources';

/** Folders of a job's working directory where training libraries write their logs. */
const LOG_FOLDERS = ['lightning_logs', 'runs', 'logs', 'outputs'];

/** Whether Slurm's commands are here (a login node): the Slurm choices are offered only then. */
export function slurmHere(): boolean {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  return dirs.some((d) => fs.existsSync(path.join(d, 'sbatch')));
}

function settings(scope?: vscode.Uri): SlurmSettings {
  const c = vscode.workspace.getConfiguration('trainingMonitor.slurm', scope);
  return { partition: c.get('partition', ''), gres: c.get('gres', ''), time: c.get('time', ''), extraArgs: c.get<string[]>('extraArgs', []) };
}

/** What to submit: a batch script of the workspace, or a Python file to wrap in one. */
export type SlurmTarget = { script: string } | { python: string; file: string; cwd: string };

/** Submits `target` as a job and returns the run that follows it. */
export async function submitted(target: SlurmTarget, workspaceRoot: string, scope?: vscode.Uri): Promise<RunSource> {
  const s = settings(scope);
  const name = path.basename('script' in target ? target.script : target.file);
  const runDir = createRunDir(workspaceRoot, name);
  let script: string;
  let cwd: string;
  if ('script' in target) {
    script = target.script;
    cwd = path.dirname(script);
  } else {
    script = path.join(runDir, 'job.sbatch');
    cwd = target.cwd;
    fs.writeFileSync(script, pythonJobScript({ ...target, runDir, name, settings: s }), { mode: 0o755 });
  }
  // sbatch passes the environment on: the training learns its run folder, and prints as it goes
  const env = { ...process.env, PYTHONUNBUFFERED: '1', TRAINING_MONITOR_RUN_DIR: runDir };
  const id = await submit(script, s.extraArgs, cwd, env);
  const [job] = await jobDetails(id);
  const record: RunRecord = {
    name,
    command: ['sbatch', ...s.extraArgs, path.basename(script)].join(' '),
    cwd,
    start: new Date().toISOString(),
    status: 'running',
    backend: 'slurm',
    slurmJob: id,
    also: job ? followed(job, runDir) : [],
  };
  return jobSource(runDir, record, true);
}

/** Attaches to job `id` (every task of an array job: one run each) submitted elsewhere. */
export async function attached(id: string, workspaceRoot: string): Promise<RunSource[]> {
  const jobs = (await jobDetails(id)).filter((j) => j.stdout && !j.arrayTaskId?.includes('-')); // a pending range has no files yet
  return jobs.map((job) => {
    const name = job.arrayTaskId ? `${job.name} [${job.arrayTaskId}]` : job.name;
    const runDir = createRunDir(workspaceRoot, `job${job.id}`);
    const record: RunRecord = {
      name,
      command: `Slurm job ${job.id}`,
      cwd: job.workDir ?? workspaceRoot,
      start: new Date().toISOString(),
      status: 'running',
      backend: 'slurm',
      slurmJob: job.id,
      also: followed(job, runDir),
    };
    return jobSource(runDir, record, false);
  });
}

/** A job's run found in run.json after a window reload. */
export function adoptedJob(runDir: string, record: RunRecord): RunSource {
  return jobSource(runDir, record, false);
}

/** "Attach to a Slurm job…": the user's jobs from `squeue --me`. */
export async function pickJob(): Promise<string | undefined> {
  const jobs = await myJobs();
  if (!jobs.length) {
    void vscode.window.showInformationMessage('You have no Slurm jobs queued or running (squeue --me).');
    return undefined;
  }
  const items = jobs.map((j) => ({
    label: plainText(`${j.id}  ${j.name}`, 100),
    description: plainText(`${j.state} · ${j.elapsed}`, 60),
    detail: j.reason !== 'None' ? plainText(j.reason, 200) : undefined,
    id: j.arrayJobId ?? j.id,
  }));
  const arrays = new Set(jobs.filter((j) => j.arrayJobId).map((j) => j.arrayJobId));
  for (const a of arrays) items.unshift({ label: `${a}  every task of array job ${a}`, description: 'a run per task', detail: undefined, id: a! });
  const picked = await vscode.window.showQuickPick(items, { title: 'Attach to a Slurm job', placeHolder: 'squeue --me' });
  return picked?.id;
}

/** Batch scripts of the workspace: files with `#SBATCH` lines. */
export async function workspaceScripts(): Promise<vscode.Uri[]> {
  const found = await vscode.workspace.findFiles('**/*.{sbatch,slurm,sh}', '**/{node_modules,.git,.training-monitor}/**', 200);
  return found.filter((u) => {
    try {
      return fs.readFileSync(u.fsPath, 'utf8').slice(0, 20_000).includes('#SBATCH');
    } catch {
      return false;
    }
  });
}

/** The job's output files, when not already in its run folder, and its working directory's log folders. */
function followed(job: JobDetail, runDir: string): AlsoFollowed[] {
  const also: AlsoFollowed[] = [];
  const inRunDir = (f: string) => path.dirname(path.resolve(f)) === path.resolve(runDir);
  if (job.stdout && !inRunDir(job.stdout)) also.push({ path: job.stdout, as: 'stdout.log' });
  if (job.stderr && job.stderr !== job.stdout && !inRunDir(job.stderr)) also.push({ path: job.stderr, as: 'stderr.log' });
  for (const folder of LOG_FOLDERS) {
    const dir = job.workDir && path.join(job.workDir, folder);
    if (dir && fs.existsSync(dir)) also.push({ path: dir, as: folder });
  }
  return also;
}

function jobSource(runDir: string, record: RunRecord, live: boolean): RunSource {
  writeRecord(runDir, record);
  const control = new SlurmJob(record.slurmJob!);
  void control.exited.then((exit: ExitInfo) => recordEnd(runDir, record, exit, control.stopped || exit.state === 'CANCELLED'));
  return { name: record.name, command: record.command, root: runDir, runDir, control, also: record.also, live, started: record.start };
}
