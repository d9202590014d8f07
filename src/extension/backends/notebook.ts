/**
 * The notebook "backend": runs made of notebook cell executions (notebookRun.ts), started by
 * watching a notebook (notebooks.ts), not from Start's choices. After a window reload a run
 * recorded as running is taken up again when its notebook is open in this window and its cell
 * still holds that execution (same execution count): followed on from what its folder holds, or,
 * if the cell ended meanwhile, read to the end and ended as the cell ended. Otherwise nothing more
 * of it can be seen: it ends stopped, its captured points kept as a past run.
 */
import * as vscode from 'vscode';
import type { ExitInfo, RunControl } from '../control';
import { adoptionGate } from '../guard';
import type { CellRecord } from '../notebookRun';
import { recordEnd, type RunRecord } from '../runFolder';
import type { RunSource } from '../sources';
import type { Backend } from './types';

/** What takes a recorded cell execution up again: the window's notebook watcher. */
interface TakesUp {
  takeUp(runDir: string, record: CellRecord, cell: vscode.NotebookCell): RunSource;
}

let watcher: TakesUp | undefined;

/** The watcher that takes up notebook runs in this window, until disposed. */
export function takenUpBy(w: TakesUp): vscode.Disposable {
  watcher = w;
  return { dispose: () => void (watcher === w && (watcher = undefined)) };
}

/** The cell whose execution `record` is, if its notebook is open here and the cell holds that execution now. */
function cellOf(record: CellRecord): { cell?: vscode.NotebookCell; why: string } {
  const notebook = vscode.workspace.notebookDocuments.find((d) => d.uri.toString() === record.notebook);
  if (!notebook) return { why: 'its notebook is not open in this window' };
  if (!Number.isInteger(record.cell) || record.cell < 0 || record.cell >= notebook.cellCount) return { why: 'its cell is no longer in the notebook' };
  const cell = notebook.cellAt(record.cell);
  const order = cell.executionSummary?.executionOrder;
  if (record.executionOrder !== undefined && order !== record.executionOrder) return { why: 'its cell was run again' };
  if (cell.kind !== vscode.NotebookCellKind.Code) return { why: 'its cell is no longer code' };
  return { cell, why: '' };
}

/** A run whose end could not be seen: ended stopped now, with a word on why, its files kept. */
function endedUnseen(runDir: string, record: RunRecord, why: string): RunSource {
  const exit: ExitInfo = { code: null, signal: null, state: 'CANCELLED' };
  recordEnd(runDir, record, exit, true);
  const text = `The cell's execution ended while the window reloaded (${why}): its end was not seen; the points captured are kept.`;
  const control: RunControl = {
    label: record.command,
    exited: Promise.resolve(exit),
    stop: async () => exit,
    onProblem: (listener) => listener(text),
  };
  return { name: record.name, command: record.command, root: runDir, runDir, control, also: record.also, live: false, started: record.start };
}

export const notebook: Backend = {
  kind: 'notebook',
  // offered by launch.ts as "Watch this notebook's training", beside the backends' choices
  choices: () => ({}),
  // every run recorded as running is taken up (trusted workspace only): followed on, or ended honestly
  isAlive: (record) => adoptionGate(record, true) ?? { adopt: true },
  fromRecord: (runDir, record) => {
    const found = cellOf(record as CellRecord);
    if (found.cell && watcher) return watcher.takeUp(runDir, record as CellRecord, found.cell);
    return endedUnseen(runDir, record, found.why || 'no notebook is watched in this window');
  },
};
