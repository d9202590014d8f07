/**
 * The training process: started in its own process group with stdout and stderr going straight
 * to files of its run folder (runFolder.ts), and stopped by a cascade of signals to the whole
 * group. Free of `vscode`, so it is tested in Node with real processes.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ExitInfo, RunControl } from './control';
import { groupRunning, leaderRunning, processStart, signalRefusal } from './guard';
import { EXIT_FILE, recordedExit, recordEnd, writeRecord, type RunRecord } from './runFolder';

export { processStart } from './guard';

export interface LaunchSpec {
  /** A shell command line (`shell: true`) or an executable. */
  command: string;
  args: string[];
  shell: boolean;
  cwd: string;
  env: Record<string, string>;
  /** Short name for the run directory and the UI (`train.py`). */
  name: string;
}

const KILL_AFTER_TERM_MS = 5000;

export function commandLine(spec: LaunchSpec): string {
  return [spec.command, ...spec.args.map((a) => (/[\s"'$]/.test(a) ? JSON.stringify(a) : a))].join(' ');
}

/**
 * POSIX launches run under bash, which records the training's exit status in the run directory:
 * the host that started it may be gone (a window reload) when it ends. A training that handles
 * SIGINT and exits 130 makes bash carry on, record 130 and exit with it (dash would die of the
 * signal itself); one killed by a signal records nothing.
 */
function wrapped(spec: LaunchSpec): { file: string; args: string[]; shell: boolean | string } {
  const record = `code=$?; printf '%s' "$code" > "$TRAINING_MONITOR_RUN_DIR/${EXIT_FILE}"; exit $code`;
  if (process.platform === 'win32' || !fs.existsSync('/bin/bash')) return { file: spec.command, args: spec.args, shell: spec.shell };
  if (spec.shell) return { file: '/bin/bash', args: ['-c', `${spec.command}\n${record}`], shell: false };
  return { file: '/bin/bash', args: ['-c', `"$@"\n${record}`, 'bash', spec.command, ...spec.args], shell: false };
}

/** Signals to a process group: SIGINT, then SIGTERM after a grace period, then SIGKILL. */
class ProcessGroup {
  constructor(
    readonly pid: number,
    private readonly leaderRunning: () => boolean,
    /** The leader's start time, re-checked before each signal (undefined: not known on this platform). */
    private readonly start: string | undefined,
  ) {}

  /** Whether the leader or anything left in its group still runs (zombies do not count). */
  alive(): boolean {
    // a group it may not signal is not watched either (pid 1 always runs)
    if (signalRefusal(this.pid, this.start)) return false;
    return this.leaderRunning() || groupRunning(this.pid);
  }

  async stop(graceMs: number, step: (text: string) => void): Promise<void> {
    if (process.platform === 'win32') {
      // No group SIGINT on Windows: end the tree.
      step(`Stopping process tree ${this.pid} (taskkill /T /F).`);
      spawnSync('taskkill', ['/pid', String(this.pid), '/T', '/F']);
      return;
    }
    const cascade: Array<[NodeJS.Signals, number]> = [
      ['SIGINT', graceMs],
      ['SIGTERM', KILL_AFTER_TERM_MS],
      ['SIGKILL', KILL_AFTER_TERM_MS],
    ];
    for (const [signal, waitMs] of cascade) {
      if (!this.alive()) break;
      const refused = signalRefusal(this.pid, this.start);
      if (refused) return step(`Sent no ${signal}: ${refused}.`);
      step(`Sent ${signal} to process group ${this.pid}.`);
      try {
        process.kill(-this.pid, signal);
      } catch {
        // Already gone.
      }
      if (await this.gone(waitMs)) break;
    }
  }

  async gone(ms: number): Promise<boolean> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (!this.alive()) return true;
      await sleep(50);
    }
    return !this.alive();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A run stopped through its process group; the subclasses say how it started and how its end is seen. */
abstract class GroupProcess implements RunControl {
  abstract readonly pid: number;
  get label(): string {
    return `pid ${this.pid}`;
  }
  abstract readonly exited: Promise<ExitInfo>;
  protected abstract readonly group: ProcessGroup;
  /** Whether the user stopped it (its end is then `stopped`, not `failed`). */
  protected stopped = false;

  /**
   * SIGINT to the group (Python raises KeyboardInterrupt: the training can save), then SIGTERM
   * after `graceMs`, then SIGKILL 5 s later. Resolves when no process of the group is left.
   */
  async stop(graceMs: number, step: (text: string) => void = () => undefined): Promise<ExitInfo> {
    this.stopped = true;
    await this.group.stop(graceMs, step);
    const exit = await this.exited;
    step(`Process group ${this.pid} ended.`);
    return exit;
  }
}

export class TrainingProcess extends GroupProcess {
  readonly pid: number;
  readonly exited: Promise<ExitInfo>;
  private exit: ExitInfo | undefined;
  private readonly child: ChildProcess;
  private readonly record: RunRecord;
  protected readonly group: ProcessGroup;

  constructor(
    readonly spec: LaunchSpec,
    readonly runDir: string,
  ) {
    super();
    const out = fs.openSync(path.join(runDir, 'stdout.log'), 'a');
    const err = fs.openSync(path.join(runDir, 'stderr.log'), 'a');
    const run = wrapped(spec);
    try {
      this.child = spawn(run.file, run.args, {
        cwd: spec.cwd,
        env: { ...process.env, ...spec.env, PYTHONUNBUFFERED: '1', TRAINING_MONITOR_RUN_DIR: runDir },
        shell: run.shell,
        // Its own process group, so a stop reaches DataLoader workers and shells' children too;
        // stdio straight to files, so the output survives us and needs no pipe reader.
        detached: process.platform !== 'win32',
        stdio: ['ignore', out, err],
        windowsHide: true,
      });
      this.child.unref(); // a window reload must not wait for it, nor end it
    } finally {
      fs.closeSync(out);
      fs.closeSync(err);
    }
    this.exited = new Promise((resolve) => {
      this.child.once('error', (e) => {
        fs.appendFileSync(path.join(runDir, 'stderr.log'), `Training Monitor: could not start ${spec.command}: ${e.message}\n`);
        resolve((this.exit = { code: -1, signal: null }));
      });
      this.child.once('exit', (code, signal) => resolve((this.exit = { code, signal })));
    });
    this.pid = this.child.pid ?? -1;
    const pidStart = this.child.pid ? processStart(this.child.pid) : undefined;
    this.group = new ProcessGroup(this.pid, () => this.exit === undefined, pidStart);
    this.record = {
      name: spec.name,
      backend: 'local',
      command: commandLine(spec),
      cwd: spec.cwd,
      pid: this.child.pid,
      pidStart,
      start: new Date().toISOString(),
      status: 'running',
    };
    writeRecord(runDir, this.record);
    void this.exited.then((e) => recordEnd(runDir, this.record, e, this.stopped));
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** Whether the process or anything left in its group still runs. */
  groupAlive(): boolean {
    return this.group.alive();
  }
}

/**
 * A training started by an earlier window (before a reload), found alive from its run.json (or a
 * `pid` file): the monitor watches its pid and can stop its group; its exit status comes from the
 * launch wrapper. Only for a record `adoption` accepted: its pid and start time are checked.
 */
export class AdoptedProcess extends GroupProcess {
  readonly pid: number;
  readonly exited: Promise<ExitInfo>;
  protected readonly group: ProcessGroup;

  constructor(
    readonly runDir: string,
    private readonly record: RunRecord,
  ) {
    super();
    this.pid = record.pid!;
    const start = record.pidStart;
    const group = (this.group = new ProcessGroup(this.pid, () => leaderRunning(this.pid, start), start));
    this.exited = (async () => {
      while (group.alive()) await sleep(500);
      const code = recordedExit(runDir);
      const exit: ExitInfo = { code: code ?? null, signal: null };
      recordEnd(runDir, this.record, exit, this.stopped);
      return exit;
    })();
  }
}
