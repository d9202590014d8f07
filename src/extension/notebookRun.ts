/**
 * One execution of a notebook cell, as a run: its outputs, read by position as they grow
 * (core/liveCell.ts), go into a run folder like a launched training's (`stdout.log`, `stderr.log`,
 * HTML progress tables as `table.jsonl`), so the same workers parse them and past runs and Compare
 * work. The folder is made only once the output holds training curves (a cell with none makes no
 * run); until then what it printed is held, bounded. Stop interrupts the cell's kernel.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { cellExit, cellRunName, StreamCursor, TableCursor, TrainingProbe, widgetIsProgress, type LogPiece } from '../core/liveCell';
import type { AlsoFollowed } from '../core/protocol/tail';
import type { ExitInfo, RunControl } from './control';
import { createRunDir, recordEnd, writeRecord, type RunRecord } from './runFolder';
import type { RunSource } from './sources';

const STDOUT = 'application/vnd.code.notebook.stdout';
const STDERR = 'application/vnd.code.notebook.stderr';
const ERROR = 'application/vnd.code.notebook.error';
const WIDGET = 'application/vnd.jupyter.widget-view+json';

/** Folders of the notebook's own folder where training libraries write logs (followed for widget-only progress). */
const LOG_FOLDERS = ['lightning_logs', 'runs', 'logs', 'outputs'];
/** After Stop's interrupt, how long past the grace period the cell may take to end before it is let go. */
const LET_GO_MS = 5000;

const decoder = new TextDecoder();

/** A notebook run's record: which cell execution it is, so that a later window can take it up (backends/notebook.ts). */
export interface CellRecord extends RunRecord {
  /** The notebook's URI. */
  notebook: string;
  /** The cell's place in it. */
  cell: number;
  /** The execution count the kernel gave this execution. */
  executionOrder?: number;
}

export interface CellExecutionHost {
  /** The run became a run (training output seen): follow it. */
  start(source: RunSource): void;
  /** Where run folders go. */
  workspaceRoot(notebook: vscode.Uri): string;
}

export class CellExecution implements RunControl {
  readonly exited: Promise<ExitInfo>;
  private settle!: (exit: ExitInfo) => void;
  private readonly streams = new Map<string, StreamCursor>();
  private readonly tables = new Map<number, TableCursor>();
  /** Each output item's bytes last read, by place and type: an output that did not change keeps its bytes, and is not read again. */
  private readonly seen = new Map<string, Uint8Array>();
  private readonly probe = new TrainingProbe();
  /** What each file gets while the cell is not yet known to train. */
  private held = new Map<string, LogPiece[]>();
  private readonly fds = new Map<string, number>();
  private runDir: string | undefined;
  private record: RunRecord | undefined;
  private errorName: string | undefined;
  private widget = false;
  private stopped = false;
  private problem: ((text: string) => void) | undefined;
  /** What was to be said before the monitor listened (a run taken up after a reload). */
  private untold: string[] = [];
  /** Ended, or let go: later outputs are not read. */
  done = false;
  /** The execution count, once the kernel gave it. */
  order: number | undefined;

  constructor(
    readonly cell: vscode.NotebookCell,
    private readonly host: CellExecutionHost,
  ) {
    this.exited = new Promise((resolve) => (this.settle = resolve));
  }

  get label(): string {
    const cell = this.order !== undefined ? String(this.order) : `#${this.cell.index + 1}`;
    return `cell ${cell} of ${path.basename(this.cell.notebook.uri.fsPath)}`;
  }

  onProblem(listener: (text: string) => void): void {
    this.problem = listener;
    for (const text of this.untold.splice(0)) listener(text);
  }

  private say(text: string): void {
    if (this.problem) this.problem(text);
    else this.untold.push(text);
  }

  /**
   * Takes up, after a window reload, the run an earlier window made of this execution: what its
   * files hold is not written again (each stream's cursor finds the log's last lines in the output),
   * what the cell printed since is; a cell that ended meanwhile ends the run as it ended.
   */
  resume(runDir: string, record: CellRecord): RunSource {
    this.runDir = runDir;
    this.record = record;
    this.order = record.executionOrder;
    this.widget = !!record.also?.length;
    const outputs = this.cell.outputs;
    // the last output of each stream is the one that grows: earlier ones were read to their end
    const last = new Map<string, number>();
    outputs.forEach((o, i) => o.items.forEach((it) => (it.mime === STDOUT || it.mime === STDERR) && last.set(it.mime, i)));
    const rows = logEnd(path.join(runDir, 'table.jsonl'), 1 << 20).text;
    const stderr = logEnd(path.join(runDir, 'stderr.log'), 4096).text;
    outputs.forEach((output, i) => {
      for (const item of output.items) {
        const key = `${i}\u0000${item.mime}`;
        if (item.mime === STDOUT || item.mime === STDERR) {
          if (last.get(item.mime) !== i) {
            this.seen.set(key, item.data);
            continue;
          }
          const cursor = new StreamCursor();
          const end = logEnd(path.join(runDir, this.fileOf(item.mime)), 4096);
          cursor.resume(end.text, end.whole);
          this.streams.set(key, cursor);
        } else if (item.mime === 'text/html') {
          const table = new TableCursor();
          table.resume(rows);
          this.tables.set(i, table);
        } else if (item.mime === ERROR) {
          const error = errorOf(item.data);
          // logged already (in stderr.log): only its name is kept, for the run's end
          if (error && stderr.includes(`${error.name}: ${error.message}\n`)) {
            this.errorName = error.name;
            this.seen.set(key, item.data);
          }
        } else this.seen.set(key, item.data);
      }
    });
    this.outputs(outputs);
    const summary = this.cell.executionSummary;
    if (ended(summary)) {
      this.say('The cell ended while the window reloaded; what it printed meanwhile was read from its output.');
      this.end(summary?.success);
    } else this.say('Taken up again after the window reloaded: the cell still runs.');
    return { name: record.name, command: record.command, root: runDir, runDir, control: this, also: record.also, live: false, started: record.start };
  }

  /** The window goes away (a reload): files closed, run.json left running, so the next window takes the run up. */
  detach(): void {
    this.done = true;
    for (const fd of this.fds.values()) fs.closeSync(fd);
    this.fds.clear();
  }

  /** The cell's whole output list as it is now. */
  outputs(outputs: readonly vscode.NotebookCellOutput[]): void {
    if (this.done) return;
    // outputs gone (cleared): their cursors start over when outputs come back at their places
    for (const key of [...this.streams.keys()]) if (Number(key.split('\u0000')[0]) >= outputs.length) this.streams.delete(key);
    for (const i of [...this.tables.keys()]) if (i >= outputs.length) this.tables.delete(i);
    for (const key of [...this.seen.keys()]) if (Number(key.split('\u0000')[0]) >= outputs.length) this.seen.delete(key);
    outputs.forEach((output, i) => {
      for (const item of output.items) {
        const key = `${i}\u0000${item.mime}`;
        if (this.seen.get(key) === item.data) continue;
        this.seen.set(key, item.data);
        if (item.mime === STDOUT || item.mime === STDERR) {
          let cursor = this.streams.get(key);
          if (!cursor) {
            // a newer output of this stream: the older one will not grow again
            for (const [k, c] of this.streams) {
              if (!k.endsWith(item.mime)) continue;
              this.write(this.fileOf(item.mime), [c.end()]);
              this.streams.delete(k);
            }
            this.streams.set(key, (cursor = new StreamCursor()));
          }
          this.write(this.fileOf(item.mime), cursor.update(item.data));
        } else if (item.mime === 'text/html') {
          let table = this.tables.get(i);
          if (!table) this.tables.set(i, (table = new TableCursor()));
          const rows = table.update(decoder.decode(item.data));
          if (rows) this.write('table.jsonl', [rows], true);
        } else if (item.mime === ERROR) {
          const error = errorOf(item.data);
          if (this.errorName === undefined && error) {
            this.errorName = error.name;
            this.write('stderr.log', [`${error.name}: ${error.message}\n`]);
          }
        } else if (item.mime === WIDGET && !this.widget) {
          const plain = output.items.find((it) => it.mime === 'text/plain');
          if (widgetIsProgress(plain && decoder.decode(plain.data))) this.sawWidget();
        }
      }
    });
  }

  /** The cell's execution ended (`success` from its execution summary). */
  end(success: boolean | undefined): void {
    if (this.done) return;
    for (const [key, cursor] of this.streams) this.write(this.fileOf(key.slice(key.indexOf('\u0000') + 1)), [cursor.end()]);
    this.finish(cellExit(success, this.errorName));
  }

  /** Interrupts the kernel (the training gets KeyboardInterrupt); resolves once the cell ended, or was let go. */
  async stop(graceMs: number, step: (text: string) => void = () => undefined): Promise<ExitInfo> {
    this.stopped = true;
    await interrupt(this.cell).then(
      (how) => step(`Interrupted the kernel of ${path.basename(this.cell.notebook.uri.fsPath)} (${how}).`),
      (e: Error) => step(`The interrupt failed: ${e.message}`),
    );
    const timer = setTimeout(() => {
      if (this.done) return;
      step(`The cell did not end within ${Math.round((graceMs + LET_GO_MS) / 1000)} s of the interrupt; it is no longer followed.`);
      this.end(undefined);
    }, graceMs + LET_GO_MS);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }

  /** The notebook closed: nothing more will be seen of the cell. */
  letGo(): void {
    if (!this.done) this.end(undefined);
  }

  private finish(exit: ExitInfo): void {
    this.done = true;
    this.seen.clear();
    for (const fd of this.fds.values()) fs.closeSync(fd);
    this.fds.clear();
    this.held.clear();
    if (this.runDir && this.record) recordEnd(this.runDir, this.record, exit, this.stopped);
    this.settle(exit);
  }

  private fileOf(mime: string): string {
    return mime === STDERR ? 'stderr.log' : 'stdout.log';
  }

  /** Appends `pieces` to the run's `file`; before the run exists, holds them and looks for training output in them. */
  private write(file: string, pieces: LogPiece[], training = false): void {
    if (!pieces.length) return;
    if (this.runDir) return this.append(file, pieces);
    let held = this.held.get(file);
    if (!held) this.held.set(file, (held = []));
    let seen = training;
    // bytes are views of the output, which VS Code replaces: copied to be held
    for (const p of pieces) {
      held.push(typeof p === 'string' ? p : p.slice());
      seen = this.probe.saw(p) || seen;
    }
    if (seen) this.begin();
    else if (this.probe.exhausted) this.held.clear(); // printed a lot and no curve: no run (the cell is still watched for tables)
  }

  private append(file: string, pieces: LogPiece[]): void {
    let fd = this.fds.get(file);
    if (fd === undefined) this.fds.set(file, (fd = fs.openSync(path.join(this.runDir!, file), 'a')));
    for (const p of pieces) {
      if (typeof p === 'string') fs.writeSync(fd, p);
      else if (p.length) fs.writeSync(fd, p);
    }
  }

  /** A widget progress bar: its numbers never reach the outputs; the notebook's log folders are followed instead. */
  private sawWidget(): void {
    this.widget = true;
    if (!this.runDir) this.begin();
    this.say(
      "The cell shows a widget progress bar (tqdm.auto, Lightning): its numbers are not in the cell's output. Following the notebook's log folders (lightning_logs/, runs/, …) instead.",
    );
  }

  /** Training output seen: the run folder, its files so far, and the run. */
  private begin(): void {
    const notebook = this.cell.notebook.uri;
    const { name, folder } = cellRunName(notebook.fsPath, this.order, this.cell.index);
    this.runDir = createRunDir(this.host.workspaceRoot(notebook), folder);
    const also = this.widget ? logFolders(notebook) : undefined;
    // which execution of which cell: after a window reload, backends/notebook.ts takes it up by these
    const record: CellRecord = {
      name,
      command: this.label,
      cwd: path.dirname(notebook.fsPath),
      start: new Date().toISOString(),
      status: 'running',
      backend: 'notebook',
      notebook: notebook.toString(),
      cell: this.cell.index,
      executionOrder: this.order,
      also,
    };
    this.record = record;
    writeRecord(this.runDir, this.record);
    for (const [file, pieces] of this.held) this.append(file, pieces);
    this.held.clear();
    this.host.start({ name, command: this.label, root: this.runDir, runDir: this.runDir, control: this, also, live: true, started: this.record.start });
  }
}

/** The notebook's log folders that exist: `trainingMonitor.notebookLogDir` when set, else those of its folder. */
function logFolders(notebook: vscode.Uri): AlsoFollowed[] {
  const dir = path.dirname(notebook.fsPath);
  const configured = vscode.workspace.getConfiguration('trainingMonitor', notebook).get<string>('notebookLogDir');
  if (configured) return [{ path: path.resolve(dir, configured), as: 'logs' }];
  return LOG_FOLDERS.map((f) => ({ path: path.join(dir, f), as: f })).filter((f) => fs.existsSync(f.path));
}

function errorOf(data: Uint8Array): { name: string; message: string } | undefined {
  try {
    const e = JSON.parse(decoder.decode(data)) as { name?: unknown; message?: unknown };
    return { name: typeof e.name === 'string' ? e.name : 'Error', message: typeof e.message === 'string' ? e.message : '' };
  } catch {
    return undefined;
  }
}

/** Whether a cell's execution summary says its execution ended. */
export const ended = (s: vscode.NotebookCellExecutionSummary | undefined) => typeof s?.success === 'boolean' || typeof s?.timing?.endTime === 'number';

/** The last `max` bytes of a file as text (`whole`: all of it), '' when there is none. */
function logEnd(file: string, max: number): { text: string; whole: boolean } {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return { text: '', whole: true };
  }
  try {
    const size = fs.fstatSync(fd).size;
    const buf = Buffer.alloc(Math.min(size, max));
    fs.readSync(fd, buf, 0, buf.length, size - buf.length);
    return { text: decoder.decode(buf), whole: buf.length === size };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Interrupts the kernel running `cell`, and says how: the Jupyter extension's
 * `jupyter.interruptkernel` where it is (its own way, which also reaches a kernel whose notebook
 * shows in no editor), else VS Code's cancel, which reaches any controller's interrupt handler.
 */
async function interrupt(cell: vscode.NotebookCell): Promise<string> {
  const document = cell.notebook.uri;
  if ((await vscode.commands.getCommands(true)).includes('jupyter.interruptkernel')) {
    await vscode.commands.executeCommand('jupyter.interruptkernel', { notebookEditor: { notebookUri: document } });
    return 'jupyter.interruptkernel';
  }
  await vscode.commands.executeCommand('notebook.cell.cancelExecution', { ranges: [{ start: cell.index, end: cell.index + 1 }], document });
  return 'notebook.cell.cancelExecution';
}
