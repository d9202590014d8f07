/**
 * `local-sleep`: a toy backend, the smallest whole one. A "training" that prints a loss five times
 * a second into its run folder for `seconds`, started with `{ sleep: seconds }`; it survives a
 * window reload until its time is up, and Stop ends it at once.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ExitInfo, RunControl } from '../control';
import { createRunDir, recordEnd, writeRecord, type RunRecord } from '../runFolder';
import type { RunSource } from '../sources';
import { runs, type Backend } from './types';

interface SleepRecord extends RunRecord {
  /** When it ends by itself (ms since the epoch). */
  until: number;
}

class Sleeper implements RunControl {
  readonly label: string;
  readonly exited: Promise<ExitInfo>;
  private end!: (exit: ExitInfo) => void;
  private readonly ticker: NodeJS.Timeout;
  private readonly timer: NodeJS.Timeout;

  constructor(runDir: string, record: SleepRecord) {
    this.label = `sleep until ${new Date(record.until).toISOString()}`;
    let step = 0;
    this.ticker = setInterval(() => fs.appendFileSync(path.join(runDir, 'stdout.log'), `step=${++step} loss=${1 / step}\n`), 200);
    this.timer = setTimeout(() => this.end({ code: 0, signal: null }), Math.max(0, record.until - Date.now()));
    this.exited = new Promise<ExitInfo>((resolve) => (this.end = resolve)).finally(() => (clearInterval(this.ticker), clearTimeout(this.timer)));
    void this.exited.then((exit) => recordEnd(runDir, record, exit, exit.code === 130));
  }

  async stop(): Promise<ExitInfo> {
    this.end({ code: 130, signal: null });
    return this.exited;
  }
}

function source(runDir: string, record: SleepRecord, live: boolean): RunSource {
  return { name: record.name, command: record.command, root: runDir, runDir, control: new Sleeper(runDir, record), live, started: record.start };
}

export const sleep: Backend = {
  kind: 'local-sleep',
  choices: () => ({}),
  fromArgument: (arg) =>
    typeof arg.sleep === 'number'
      ? runs((root) => {
          const runDir = createRunDir(root, 'sleep');
          const record: SleepRecord = { name: 'sleep', command: `sleep ${arg.sleep}`, cwd: root, start: new Date().toISOString(), status: 'running', backend: 'local-sleep', until: Date.now() + Number(arg.sleep) * 1000 };
          writeRecord(runDir, record);
          return source(runDir, record, true);
        })
      : undefined,
  isAlive: (record) => (Date.now() < (record as SleepRecord).until ? { adopt: true } : { adopt: false, gone: true, why: 'its time is up' }),
  fromRecord: (runDir, record) => source(runDir, record as SleepRecord, false),
};
