/**
 * A run folder, `<root>/.training-monitor/runs/<yyyymmdd-hhmmss>-<name>/`: its `run.json` record,
 * the exit status a launch wrapper leaves there, listing a workspace's runs, and the one rule that
 * says how a run ended. Every backend writes the same folder; free of `vscode`, tested in Node.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AlsoFollowed } from '../core/protocol/tail';
import type { ExitInfo } from './control';
import type { Adoption } from './guard';

export type Outcome = 'finished' | 'failed' | 'stopped';

export interface RunRecord {
  name: string;
  command: string;
  cwd: string;
  /**
   * The backend that runs it (`local`, `slurm`, …: see backends/index.ts). Absent in records
   * written before backends were named: `slurm` when `slurmJob` is set, else `local`.
   */
  backend?: string;
  pid?: number;
  /** The process' start time as the OS tells it, so a reused pid is not taken for this run. */
  pidStart?: string;
  start: string;
  end?: string;
  exitCode?: number | null;
  signal?: string | null;
  status: 'running' | Outcome;
  /** A Slurm job's id: the run is the job, followed through the scheduler (no local pid). */
  slurmJob?: string;
  /** Files followed besides the run folder (a Slurm job's own output files). */
  also?: AlsoFollowed[];
}

/** The backend a record names (older records say it by their fields). */
export function backendKind(record: RunRecord): string {
  if (typeof record.backend === 'string') return record.backend;
  return record.slurmJob !== undefined ? 'slurm' : 'local';
}

/**
 * How a run ended, the one rule the panel, `run.json` and the run selector share: stopped when the
 * user stopped it or the scheduler cancelled it; finished on exit 0 (and, under a scheduler, its
 * COMPLETED); otherwise failed. An unknown exit status is a failure: a launch wrapper records
 * every exit, so nothing recorded means a signal ended it (or the scheduler forgot the job).
 */
export function outcome(exit: ExitInfo, stopped: boolean): Outcome {
  if (stopped || exit.state === 'CANCELLED') return 'stopped';
  return exit.code === 0 && !exit.signal && (!exit.state || exit.state === 'COMPLETED') ? 'finished' : 'failed';
}

function stamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/**
 * `<root>/.training-monitor/runs/<yyyymmdd-hhmmss>-<name>/`, with a `.gitignore` that keeps runs
 * out of git. That `.gitignore` is also what activates the extension in a window that opens (or
 * reloads) with a run still going: `workspaceContains` with a glob searches files the way Search
 * does, and the `.gitignore` hides the runs from that search; a fixed path is checked directly.
 */
export function createRunDir(root: string, name: string, now = new Date()): string {
  const base = path.join(root, '.training-monitor');
  fs.mkdirSync(path.join(base, 'runs'), { recursive: true });
  const ignore = path.join(base, '.gitignore');
  if (!fs.existsSync(ignore)) fs.writeFileSync(ignore, '*\n');
  const safe = name.replace(/[^\w.-]+/g, '_').slice(0, 40) || 'run';
  let dir = path.join(base, 'runs', `${stamp(now)}-${safe}`);
  for (let i = 2; fs.existsSync(dir); i++) dir = path.join(base, 'runs', `${stamp(now)}-${safe}-${i}`);
  fs.mkdirSync(dir);
  return dir;
}

export function writeRecord(runDir: string, record: RunRecord): void {
  fs.writeFileSync(path.join(runDir, 'run.json'), JSON.stringify(record, null, 2) + '\n');
}

export function readRecord(runDir: string): RunRecord | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(runDir, 'run.json'), 'utf8')) as RunRecord;
  } catch {
    return undefined;
  }
}

/** The file a launch wrapper writes the training's exit status to, so a later window can tell it. */
export const EXIT_FILE = 'exit-code';

/** The exit status the launch wrapper recorded, if the training ended by exiting. */
export function recordedExit(runDir: string): number | undefined {
  try {
    const n = Number(fs.readFileSync(path.join(runDir, EXIT_FILE), 'utf8'));
    return Number.isInteger(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the end of a run into its run.json (once: the first window to see the end does). */
export function recordEnd(runDir: string, record: RunRecord, exit: ExitInfo, stopped: boolean): void {
  Object.assign(record, { end: new Date().toISOString(), exitCode: exit.code, signal: exit.signal });
  if (record.status === 'running') record.status = outcome(exit, stopped);
  writeRecord(runDir, record);
}

export interface ListedRun {
  runDir: string;
  record: RunRecord;
  /** Taken over: its backend says it still runs and it may be watched and stopped (see `adoption`). */
  alive: boolean;
}

/**
 * The runs below `root/.training-monitor/runs`, newest first; `alive` asks the run's backend. In a
 * trusted workspace, a run recorded as running that its backend says has gone (its window closed
 * while it ran) gets its end written now.
 */
export function listRuns(root: string, trusted: boolean, alive: (record: RunRecord, trusted: boolean) => Adoption): ListedRun[] {
  const base = path.join(root, '.training-monitor', 'runs');
  let names: string[];
  try {
    names = fs.readdirSync(base).sort().reverse();
  } catch {
    return [];
  }
  const out: ListedRun[] = [];
  for (const name of names) {
    const runDir = path.join(base, name);
    const record = readRecord(runDir);
    if (!record) continue;
    const found = alive(record, trusted);
    // an untrusted workspace is only read, never written
    if (trusted && record.status === 'running' && !found.adopt && found.gone)
      recordEnd(runDir, record, { code: recordedExit(runDir) ?? null, signal: null }, false);
    out.push({ runDir, record, alive: found.adopt });
  }
  return out;
}
