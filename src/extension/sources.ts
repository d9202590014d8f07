/**
 * What a monitor follows, and how (if at all) it can be stopped: a training it launched, one an
 * earlier window launched (found alive after a reload), a folder or file written by something
 * else, or the log folders of a notebook's kernel.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { startGpuSampling } from './gpu';
import type { AlsoFollowed } from '../core/protocol/tail';
import type { RunControl } from './control';
import { adoption, pidFileProcess, processStart } from './guard';
import { AdoptedProcess, commandLine, TrainingProcess, type LaunchSpec } from './process';
import { backendKind, createRunDir, readRecord, type RunRecord } from './runFolder';

export interface RunSource {
  name: string;
  /** What runs, as the user would type it, or what is followed. */
  command: string;
  /** The folder or file followed. */
  root: string;
  /** The monitor's own run directory (events.jsonl goes there); absent for attached folders. */
  runDir?: string;
  /** What runs it, when the monitor can watch its end and stop it (a process group, a Slurm job). */
  control?: RunControl;
  /** Files or folders followed besides `root` (a Slurm job's output files, named `stdout.log`…). */
  also?: AlsoFollowed[];
  /** Stops what has no process group here (a notebook's kernel). */
  interrupt?: () => Thenable<unknown>;
  /** Every byte of its files is written from now on: date lines by when they are read. */
  live: boolean;
  /** Ends helpers started with it (the GPU sampler). */
  dispose?: () => void;
  /** When it started (ISO), if known; else when the monitor began to follow it. */
  started?: string;
  /** A run that ended before it was opened: its outcome, from its run.json. */
  ended?: { state: 'finished' | 'failed' | 'stopped'; exit: string };
}

/** A run's name and start time (`train.py 08:12`, with the date when not today): tells runs of one script apart. */
export function runLabel(name: string, start: string | Date): string {
  const d = new Date(start);
  if (Number.isNaN(d.getTime())) return name;
  const p = (n: number) => String(n).padStart(2, '0');
  const today = new Date().toDateString() === d.toDateString();
  return `${name} ${today ? '' : `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} `}${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** The folder (or file) a run stands for in the run selector. */
export function runId(source: RunSource): string {
  return path.resolve(source.runDir ?? source.root);
}

export function launched(spec: LaunchSpec, workspaceRoot: string): RunSource {
  const runDir = createRunDir(workspaceRoot, spec.name);
  const started = new Date().toISOString();
  const process = new TrainingProcess(spec, runDir);
  const gpu = vscode.workspace.getConfiguration('trainingMonitor').get<boolean>('gpuSampling', true) ? startGpuSampling(runDir) : undefined;
  void process.exited.then(() => gpu?.stop());
  return { name: spec.name, command: commandLine(spec), root: runDir, runDir, control: process, live: true, started, dispose: () => gpu?.stop() };
}

/** A run an earlier window launched whose process is still alive. */
export function adopted(runDir: string, record: RunRecord): RunSource {
  return { name: record.name, command: record.command, root: runDir, runDir, control: new AdoptedProcess(runDir, record), live: false, started: record.start };
}

/** A run of this workspace that has ended, opened from the run selector: read once, to its end. */
export function past(runDir: string, record: RunRecord): RunSource {
  const exit = record.signal ? `signal ${record.signal}` : typeof record.exitCode === 'number' ? `exit ${record.exitCode}` : 'exit status unknown';
  const state = record.status === 'running' ? 'finished' : record.status;
  return { name: record.name, command: record.command, root: runDir, runDir, live: false, started: record.start, ended: { state, exit } };
}

/**
 * A folder or file another program writes. Stop reaches its process when the folder says which:
 * a live `run.json` (a run of this monitor) or a `pid` file holding a process id, and only in a
 * trusted workspace (see `adoption`); a pid file's process is checked by its start time when
 * attached, and again before each signal.
 */
export function attachedPath(target: string, trusted: boolean): RunSource {
  const name = path.basename(target);
  const source: RunSource = { name, command: `watching ${target}`, root: target, live: false };
  if (!trusted) return source;
  const record = readRecord(target);
  if (record && backendKind(record) === 'local' && adoption(record, trusted).adopt) return adopted(target, record);
  const pid = pidFileProcess(target);
  if (pid)
    source.control = new AdoptedProcess(target, { name, command: source.command, cwd: target, pid, pidStart: processStart(pid), start: '', status: 'running' });
  return source;
}

/**
 * The log folders a notebook's kernel writes: `trainingMonitor.notebookLogDir` when set, else the
 * notebook's folder, where TensorBoard (`runs/`), Lightning (`lightning_logs/`) and the HF Trainer
 * (its `output_dir`) write by default. Stop interrupts the kernel through the Jupyter extension.
 */
export function attachedNotebook(notebook: vscode.Uri): RunSource {
  const dir = path.dirname(notebook.fsPath);
  const configured = vscode.workspace.getConfiguration('trainingMonitor', notebook).get<string>('notebookLogDir');
  const root = configured ? path.resolve(dir, configured) : dir;
  return {
    name: path.basename(notebook.fsPath),
    command: `watching ${path.relative(dir, root) || '.'} for ${path.basename(notebook.fsPath)}`,
    root,
    live: false,
    interrupt: () => vscode.commands.executeCommand('jupyter.interruptkernel', { notebookEditor: { notebookUri: notebook } }),
  };
}
