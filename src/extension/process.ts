/**
 * The training process: started in its own process group with stdout and stderr going straight
 * to files of its run directory, and stopped by a cascade of signals to the whole group. Free of
 * `vscode`, so it is tested in Node with real processes.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

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

export interface RunRecord {
  name: string;
  command: string;
  cwd: string;
  pid?: number;
  start: string;
  end?: string;
  exitCode?: number | null;
  signal?: string | null;
  status: 'running' | 'finished' | 'failed' | 'stopped';
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const KILL_AFTER_TERM_MS = 5000;

function stamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** `<root>/.training-monitor/runs/<yyyymmdd-hhmmss>-<name>/`, with a `.gitignore` that keeps runs out of git. */
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

/**
 * bash where there is one: it runs a lone command in place and, when the training handles SIGINT
 * and exits 130, exits with that status instead of dying of the signal itself as dash does.
 */
function shellFor(): string | true {
  return process.platform !== 'win32' && fs.existsSync('/bin/bash') ? '/bin/bash' : true;
}

export function commandLine(spec: LaunchSpec): string {
  return [spec.command, ...spec.args.map((a) => (/[\s"'$]/.test(a) ? JSON.stringify(a) : a))].join(' ');
}

export class TrainingProcess {
  readonly pid: number;
  readonly exited: Promise<ExitInfo>;
  private exit: ExitInfo | undefined;
  private readonly child: ChildProcess;
  private readonly record: RunRecord;

  constructor(
    readonly spec: LaunchSpec,
    readonly runDir: string,
  ) {
    const out = fs.openSync(path.join(runDir, 'stdout.log'), 'a');
    const err = fs.openSync(path.join(runDir, 'stderr.log'), 'a');
    try {
      this.child = spawn(spec.command, spec.args, {
        cwd: spec.cwd,
        env: { ...process.env, ...spec.env, PYTHONUNBUFFERED: '1', TRAINING_MONITOR_RUN_DIR: runDir },
        shell: spec.shell ? shellFor() : false,
        // Its own process group, so a stop reaches DataLoader workers and shells' children too;
        // stdio straight to files, so the output survives us and needs no pipe reader.
        detached: process.platform !== 'win32',
        stdio: ['ignore', out, err],
        windowsHide: true,
      });
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
    this.record = { name: spec.name, command: commandLine(spec), cwd: spec.cwd, pid: this.child.pid, start: new Date().toISOString(), status: 'running' };
    this.save();
    void this.exited.then((e) => {
      Object.assign(this.record, { end: new Date().toISOString(), exitCode: e.code, signal: e.signal });
      if (this.record.status === 'running') this.record.status = e.code === 0 ? 'finished' : 'failed';
      this.save();
    });
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /**
   * SIGINT to the group (Python raises KeyboardInterrupt: the training can save), then SIGTERM
   * after `graceMs`, then SIGKILL 5 s later. Resolves when no process of the group is left.
   */
  async stop(graceMs: number, step: (text: string) => void = () => undefined): Promise<ExitInfo> {
    this.record.status = 'stopped';
    if (process.platform === 'win32') {
      // No group SIGINT on Windows: end the tree.
      step(`Stopping process tree ${this.pid} (taskkill /T /F).`);
      spawnSync('taskkill', ['/pid', String(this.pid), '/T', '/F']);
      return this.exited;
    }
    const cascade: Array<[NodeJS.Signals, number]> = [
      ['SIGINT', graceMs],
      ['SIGTERM', KILL_AFTER_TERM_MS],
      ['SIGKILL', KILL_AFTER_TERM_MS],
    ];
    for (const [signal, waitMs] of cascade) {
      if (!this.groupAlive()) break;
      step(`Sent ${signal} to process group ${this.pid}.`);
      this.signalGroup(signal);
      if (await this.groupGone(waitMs)) break;
    }
    const exit = await this.exited;
    step(`Process group ${this.pid} ended.`);
    return exit;
  }

  /** Whether the process or anything left in its group still runs. */
  groupAlive(): boolean {
    if (this.running) return true;
    try {
      process.kill(-this.pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  private signalGroup(signal: NodeJS.Signals): void {
    try {
      process.kill(-this.pid, signal);
    } catch {
      // Already gone.
    }
  }

  private async groupGone(ms: number): Promise<boolean> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (!this.groupAlive()) return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return !this.groupAlive();
  }

  private save(): void {
    fs.writeFileSync(path.join(this.runDir, 'run.json'), JSON.stringify(this.record, null, 2) + '\n');
  }
}
