/**
 * Watching notebooks: from "Watch this notebook's training" (the Start quick pick, the notebook
 * toolbar) or, with `trainingMonitor.watchNotebooks`, for every notebook, each execution of a
 * code cell that prints training output becomes a run (notebookRun.ts), shown in the panel beside
 * the notebook. A cell's executions are told apart by its execution summary: VS Code clears it
 * when an execution is queued and fills in `success` and `timing` when it ends.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { plainText } from '../core/display';
import { takenUpBy } from './backends/notebook';
import { CellExecution, ended, type CellRecord } from './notebookRun';
import type { RunSource } from './sources';

export const WATCH_COMMAND = 'trainingMonitor.watchNotebook';
/** The notebooks watched, kept across window reloads (workspace state). */
const WATCHED_KEY = 'trainingMonitor.watchedNotebooks';

export class NotebookWatcher implements vscode.Disposable {
  private readonly watched: Set<string>;
  /** The current execution of each cell (by the cell's document URI), until it ends. */
  private readonly executions = new Map<string, CellExecution>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly follow: (source: RunSource) => void,
    private readonly root: (notebook: vscode.Uri) => string | undefined,
    private readonly memory: vscode.Memento,
  ) {
    this.watched = new Set(memory.get<string[]>(WATCHED_KEY, []));
    this.subscriptions = [
      vscode.workspace.onDidChangeNotebookDocument((e) => this.changed(e)),
      vscode.workspace.onDidCloseNotebookDocument((nb) => this.closed(nb)),
      vscode.commands.registerCommand(WATCH_COMMAND, (arg?: unknown) => this.watchCommand(arg)),
      takenUpBy(this),
    ];
  }

  /**
   * A run an earlier window made of `cell`'s execution (a window reload): followed on from what its
   * folder holds, and ended as the cell ended if it did meanwhile.
   */
  takeUp(runDir: string, record: CellRecord, cell: vscode.NotebookCell): RunSource {
    const run = this.execution(cell);
    const source = run.resume(runDir, record);
    if (run.done) this.executions.delete(cell.document.uri.toString());
    return source;
  }

  isWatched(notebook: vscode.NotebookDocument): boolean {
    return (
      this.watched.has(notebook.uri.toString()) || vscode.workspace.getConfiguration('trainingMonitor', notebook.uri).get<boolean>('watchNotebooks', false)
    );
  }

  /**
   * Watches `notebook` from now on, across window reloads too. A cell running now is taken up at
   * its next output (the stable API does not tell a running cell from one never run: both have
   * an execution summary without `success`).
   */
  watch(notebook: vscode.NotebookDocument): void {
    const key = notebook.uri.toString();
    if (this.watched.has(key)) return;
    this.watched.add(key);
    void this.memory.update(WATCHED_KEY, [...this.watched]);
  }

  /** The window goes away: the runs of cells still running stay recorded as running, for the next window to take up. */
  dispose(): void {
    for (const e of this.executions.values()) e.detach();
    this.executions.clear();
    for (const s of this.subscriptions) s.dispose();
  }

  /** The command's argument: a notebook URI, the notebook toolbar's context, or nothing (the active notebook). */
  private watchCommand(arg: unknown): void {
    const uri = uriOf(arg) ?? vscode.window.activeNotebookEditor?.notebook.uri;
    const notebook = uri && vscode.workspace.notebookDocuments.find((d) => d.uri.toString() === uri.toString());
    if (!notebook) return void vscode.window.showInformationMessage('Open a notebook to watch its training.');
    this.watch(notebook);
    void vscode.window.showInformationMessage(
      `Watching ${plainText(path.basename(notebook.uri.fsPath), 100)}: each cell run that prints training output is monitored.`,
    );
  }

  private changed(e: vscode.NotebookDocumentChangeEvent): void {
    if (!e.cellChanges.length) return;
    const watched = this.isWatched(e.notebook);
    for (const change of e.cellChanges) {
      const cell = change.cell;
      const key = cell.document.uri.toString();
      // a run taken up after a reload is followed to its end even if the notebook is no longer watched
      if (cell.kind !== vscode.NotebookCellKind.Code || (!watched && !this.executions.has(key))) continue;
      let run = this.executions.get(key);
      const summary = change.executionSummary;
      // queued again (its summary cleared), or a new execution count: a new execution
      if (
        summary &&
        !ended(summary) &&
        (!run || run.done || (summary.executionOrder !== undefined && run.order !== undefined && summary.executionOrder !== run.order))
      ) {
        run?.letGo();
        run = this.execution(cell);
      }
      // output of a cell that runs while no start was seen (watched since it began)
      if ((!run || run.done) && change.outputs && !ended(cell.executionSummary)) run = this.execution(cell);
      if (!run || run.done) continue;
      const order = (summary ?? cell.executionSummary)?.executionOrder;
      if (order !== undefined) run.order = order;
      if (change.outputs) run.outputs(change.outputs);
      if (summary && ended(summary)) {
        run.end(summary.success);
        this.executions.delete(key);
      }
    }
  }

  private execution(cell: vscode.NotebookCell): CellExecution {
    const run = new CellExecution(cell, {
      start: (source) => this.follow(source),
      workspaceRoot: (nb) => this.root(nb) ?? (nb.scheme === 'file' ? path.dirname(nb.fsPath) : os.tmpdir()),
    });
    // the outputs it holds now are the last execution's until the kernel clears them: read from the next change on
    this.executions.set(cell.document.uri.toString(), run);
    return run;
  }

  private closed(notebook: vscode.NotebookDocument): void {
    for (const [key, run] of this.executions) {
      if (run.cell.notebook !== notebook) continue;
      run.letGo();
      this.executions.delete(key);
    }
  }
}

function uriOf(arg: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg !== 'object' || arg === null) return undefined;
  const a = arg as { notebookEditor?: { notebookUri?: unknown }; notebookUri?: unknown; uri?: unknown };
  const candidate = a.notebookEditor?.notebookUri ?? a.notebookUri ?? a.uri;
  return candidate instanceof vscode.Uri ? candidate : undefined;
}

/** "Watch this notebook's training", for the Start quick pick: runs the watch command and asks nothing more. */
export function watchChoice(notebook: vscode.Uri): vscode.QuickPickItem & { make(): Promise<undefined> } {
  return {
    label: "$(notebook) Watch this notebook's training",
    description: plainText(path.basename(notebook.fsPath), 100),
    detail: 'Each cell run that prints training output becomes a run: live charts beside the notebook; Stop interrupts the kernel.',
    make: async () => void (await vscode.commands.executeCommand(WATCH_COMMAND, notebook)),
  };
}
