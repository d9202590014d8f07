/**
 * A recorded notebook run whose cell this window cannot see yet. After a window reload VS Code
 * restores the open editors, often after the extension activated, and a notebook in a background
 * tab opens only when shown; a kernel that outlived the window resumes the cell's execution once
 * the notebook is back. So the run waits, as `pending`, for its notebook to open and its cell to
 * show that execution, then is taken up as at activation (`decide`). Bounded: `WAIT_MS`, longer
 * only while a tab of the notebook waits to be shown; past that it ends stopped, its points kept, with
 * an event that says why.
 */
import * as vscode from 'vscode';
import type { ExitInfo, RunControl } from '../control';
import type { CellRecord } from '../notebookRun';

/** How long a run waits for its notebook (and cell) when no tab of the notebook is open. */
export const WAIT_MS = 30_000;

/** What the wait ends in: the run taken up (its control), or why it cannot be, to end it stopped. */
export type Decision = { control: RunControl } | { why: string };

const waiting = new Set<AwaitedCell>();

/** Whether `cell` belongs to a run still waiting: the watcher leaves its changes to that run. */
export function awaited(cell: vscode.NotebookCell): boolean {
  for (const w of waiting) if (w.record.notebook === cell.notebook.uri.toString() && w.record.cell === cell.index) return true;
  return false;
}

/** Lets the runs waiting on `notebook` look at it again (a change of it, before the watcher reads that change). */
export function lookAgain(notebook: vscode.NotebookDocument): void {
  const uri = notebook.uri.toString();
  for (const w of [...waiting]) if (w.record.notebook === uri) w.look();
}

/** Whether a tab of this window shows (or will show, once selected) the notebook. */
function hasTab(uri: string): boolean {
  return vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputNotebook && t.input.uri.toString() === uri));
}

export class AwaitedCell implements RunControl {
  readonly label: string;
  readonly exited: Promise<ExitInfo>;
  private settle!: (exit: ExitInfo) => void;
  private taken: RunControl | undefined;
  private problem: ((text: string) => void) | undefined;
  private untold: string[] = [];
  private waitListener: ((why: string) => void) | undefined;
  private readonly opened: vscode.Disposable;
  private timer: ReturnType<typeof setTimeout>;
  private over = false;

  /**
   * `decide` looks at the cell now: `wait` while it cannot be seen yet, else the run taken up, or
   * why it ends; `giveUp` records the run stopped for that reason and says what to tell.
   */
  constructor(
    readonly record: CellRecord,
    private why: string,
    private readonly decide: () => Decision | { wait: string },
    private readonly giveUp: (why: string) => { exit: ExitInfo; text: string },
  ) {
    this.label = record.command;
    this.exited = new Promise((resolve) => (this.settle = resolve));
    this.opened = vscode.workspace.onDidOpenNotebookDocument((nb) => nb.uri.toString() === record.notebook && this.look());
    this.timer = setTimeout(() => this.due(), WAIT_MS);
    waiting.add(this);
  }

  onWaiting(listener: (why: string) => void): void {
    this.waitListener = listener;
    if (!this.over) listener(this.waitText());
  }

  onProblem(listener: (text: string) => void): void {
    this.problem = listener;
    for (const text of this.untold.splice(0)) listener(text);
  }

  /** Looks at the notebook again: takes the run up, ends it, or waits on. */
  look(): void {
    if (this.over) return;
    const d = this.decide();
    if ('wait' in d) {
      if (d.wait !== this.why) this.waitListener?.(this.waitText((this.why = d.wait)));
      return;
    }
    this.close();
    if ('why' in d) return this.end(d.why);
    this.taken = d.control;
    this.waitListener?.('');
    d.control.onProblem?.((text) => this.say(text));
    void d.control.exited.then((exit) => this.settle(exit));
  }

  /** Taken up: stopped as any notebook run. Still waiting: nothing here can reach the cell's kernel yet. */
  async stop(graceMs: number, step: (text: string) => void = () => undefined): Promise<ExitInfo | undefined> {
    if (this.taken) return this.taken.stop(graceMs, step);
    step(`Its notebook is not open in this window: open ${this.record.notebook} to stop the cell.`);
    return undefined;
  }

  /** The window goes away while it waits: the run stays recorded as running, for the next window. */
  dispose(): void {
    this.close();
  }

  private due(): void {
    if (this.over) return;
    this.look();
    if (this.over) return;
    // a tab restored in the background opens its notebook only when shown: wait while it is there
    const open = vscode.workspace.notebookDocuments.some((d) => d.uri.toString() === this.record.notebook);
    if (!open && hasTab(this.record.notebook)) {
      this.timer = setTimeout(() => this.due(), WAIT_MS);
      return;
    }
    this.close();
    this.end(`${this.why} within ${WAIT_MS / 1000} s of the window opening`);
  }

  private end(why: string): void {
    const { exit, text } = this.giveUp(why);
    this.say(text);
    this.settle(exit);
  }

  private waitText(why = this.why): string {
    return `after the window reloaded, ${why}`;
  }

  private say(text: string): void {
    if (this.problem) this.problem(text);
    else this.untold.push(text);
  }

  private close(): void {
    this.over = true;
    clearTimeout(this.timer);
    this.opened.dispose();
    waiting.delete(this);
  }
}
