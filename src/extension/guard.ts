/**
 * What the monitor may signal, and which runs it may take over after a reload. A run folder and a
 * `pid` file are workspace content: a cloned repository can ship them, pids are reused, and
 * `kill(-1)` reaches every process of the user. So a process group is signalled only when its
 * leader is the very process the run recorded (same pid, same start time, re-read right before
 * each signal), never pid 0 or 1, never the editor's own group; and nothing is taken over in a
 * workspace that is not trusted. Free of `vscode`: tested in Node with real processes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunRecord } from './runFolder';

/** Fields of `/proc/<pid>/stat` after the command name: [state, ppid, pgrp, …, starttime at 19]. */
function stat(pid: number): string[] | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** When a process started (Linux: clock ticks since boot, field 22 of /proc/<pid>/stat), to tell it from a later process given the same pid. */
export function processStart(pid: number): string | undefined {
  return stat(pid)?.[19];
}

const hasProc = fs.existsSync('/proc/self/stat');
let ownGroupId: number | undefined;

/** The process group of the editor's extension host (this process). */
export function ownGroup(): number | undefined {
  if (ownGroupId === undefined && hasProc) ownGroupId = Number(stat(process.pid)?.[2]) || undefined;
  return ownGroupId;
}

/**
 * Why process group `pid` must not be signalled now, or undefined when it may: the group a run
 * recorded, led by the process that started at `start` (undefined: not known on this platform,
 * for a process this host spawned itself).
 */
export function signalRefusal(pid: number, start: string | undefined): string | undefined {
  if (!Number.isInteger(pid) || pid <= 1) return `pid ${pid} names no training's process group`;
  if (pid === process.pid || pid === ownGroup()) return `process group ${pid} is the editor's own`;
  const now = hasProc ? processStart(pid) : undefined;
  if (start !== undefined && now !== undefined && now !== start) return `pid ${pid} now belongs to another process (pids are reused)`;
  return undefined;
}

/** Whether the process `pid` that started at `start` runs (a zombie does not). */
export function leaderRunning(pid: number, start: string | undefined): boolean {
  const f = stat(pid);
  return !!f && f[0] !== 'Z' && f[0] !== 'X' && (start === undefined || f[19] === start);
}

/**
 * Whether process group `pgid` still has a process that runs. A zombie member (its parent left the
 * group and does not reap it) runs nothing: it must not hold a stop's cascade or a run's end.
 */
export function groupRunning(pgid: number): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) return false;
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  if (!hasProc) return true;
  let names: string[];
  try {
    names = fs.readdirSync('/proc');
  } catch {
    return true;
  }
  for (const name of names) {
    if (name.charCodeAt(0) < 48 || name.charCodeAt(0) > 57) continue;
    const f = stat(Number(name));
    if (f && Number(f[2]) === pgid && f[0] !== 'Z' && f[0] !== 'X') return true;
  }
  return false;
}

/** What a process looks like now, for `adoption`. */
export interface Liveness {
  /** Its start time; undefined when no such process runs (or it is a zombie). */
  start: string | undefined;
  /** Whether its process group still has a running process. */
  group: boolean;
}

export function liveness(pid: number): Liveness {
  const f = stat(pid);
  return { start: f && f[0] !== 'Z' ? f[19] : undefined, group: groupRunning(pid) };
}

/** A Slurm job id as the monitor writes it: `17` or an array task's `17_3` (never an option). */
export const isJobId = (id: unknown): id is string => typeof id === 'string' && /^\d{1,12}(_\d{1,9})?$/.test(id);

export type Adoption =
  | { adopt: true }
  /** `gone`: the run's process has ended (its end may be written); else it is left as it is. */
  | { adopt: false; gone: boolean; why: string };

/**
 * What every backend's run passes before its backend is asked whether it runs: recorded as
 * running, in a trusted workspace. Undefined when it passes.
 */
export function adoptionGate(record: RunRecord, trusted: boolean): Adoption | undefined {
  if (record.status !== 'running') return { adopt: false, gone: true, why: `it is ${record.status}` };
  if (!trusted) return { adopt: false, gone: false, why: 'the workspace is not trusted (Restricted Mode takes over no run)' };
  return undefined;
}

/**
 * Whether a run a window finds recorded as running (its run.json, or a `pid` file) is taken over:
 * watched, and stopped by Stop. Pure: `live` tells how a pid looks now.
 */
export function adoption(record: RunRecord, trusted: boolean, live: (pid: number) => Liveness = liveness): Adoption {
  const refusedFirst = adoptionGate(record, trusted);
  if (refusedFirst) return refusedFirst;
  if (record.slurmJob !== undefined)
    return isJobId(record.slurmJob) ? { adopt: true } : { adopt: false, gone: false, why: `"${record.slurmJob}" is not a Slurm job id` };
  const pid = record.pid;
  if (typeof pid !== 'number') return { adopt: false, gone: true, why: 'it records no process id' };
  if (!Number.isInteger(pid) || pid <= 1) return { adopt: false, gone: false, why: `pid ${pid} names no training's process group` };
  const now = live(pid);
  if (now.start === undefined && !now.group) return { adopt: false, gone: true, why: `pid ${pid} has ended` };
  if (typeof record.pidStart !== 'string' || !record.pidStart)
    return { adopt: false, gone: false, why: `pid ${pid} has no recorded start time to check it against` };
  if (now.start !== record.pidStart) return { adopt: false, gone: true, why: `pid ${pid} now belongs to another process (pids are reused)` };
  const refused = signalRefusal(pid, undefined);
  if (refused) return { adopt: false, gone: false, why: refused };
  if (!now.group) return { adopt: false, gone: true, why: `process group ${pid} has ended` };
  return { adopt: true };
}

/**
 * The process a `pid` file of folder `dir` names (`pid`, `train.pid`, `run.pid`), when it leads a
 * running process group that may be signalled; its start time, read now, is what later signals
 * check it against.
 */
export function pidFileProcess(dir: string): number | undefined {
  for (const name of ['pid', 'train.pid', 'run.pid']) {
    let text: string;
    try {
      text = fs.readFileSync(path.join(dir, name), 'utf8').slice(0, 100).trim();
    } catch {
      continue; // none here
    }
    if (!/^\d{1,10}$/.test(text)) continue;
    const pid = Number(text);
    if (adoption({ name: '', command: '', cwd: '', pid, pidStart: processStart(pid), start: '', status: 'running' }, true).adopt) return pid;
  }
  return undefined;
}
