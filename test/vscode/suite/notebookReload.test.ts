import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { until } from '../../helpers';
import type { MonitorState } from '../../../src/extension/monitor';
import type { TrainingMonitorApi } from '../../../src/extension/extension';
import { TestKernel } from './kernel';

const EXTENSION_ID = 'training-monitor.training-monitor';
const WATCH = 'trainingMonitor.watchNotebook';

/** A print loop slow enough to reload in the middle of. */
const steps = (n: number, pause: number) => `import time
for step in range(1, ${n + 1}):
    print(f"step {step} loss={1 / step:.4f}", flush=True)
    time.sleep(${pause})`;

const LONG = `import time
for i in range(1, 100001):
    print(f"step {i} loss={1 / i:.5f}")
    time.sleep(0.02)`;

function notebookJson(sources: string[]): string {
  const cells = sources.map((source) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source }));
  return JSON.stringify({ cells, metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } }, nbformat: 4, nbformat_minor: 5 });
}

/** The `step N` lines of a run's stdout.log, as numbers, in order. */
function loggedSteps(runDir: string): number[] {
  const log = fs.readFileSync(path.join(runDir, 'stdout.log'), 'utf8');
  return log
    .split('\n')
    .filter(Boolean)
    .map((l) => Number(/^step (\d+) /.exec(l)?.[1] ?? NaN));
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const record = (runDir: string) => JSON.parse(fs.readFileSync(path.join(runDir, 'run.json'), 'utf8'));

describe('Notebooks: a window reload mid-cell, the toolbar button, the watch-all setting, Jupyter interrupt', function () {
  let monitor: TrainingMonitorApi;
  let kernel: TestKernel;
  let dir: string;
  let main: vscode.NotebookEditor;

  /** Opens (in the first group) a notebook of `sources` in the test folder, run by the test kernel. */
  async function open(name: string, sources: string[]): Promise<vscode.NotebookEditor> {
    const file = path.join(dir, name);
    fs.writeFileSync(file, notebookJson(sources));
    const editor = await vscode.window.showNotebookDocument(await vscode.workspace.openNotebookDocument(vscode.Uri.file(file)), {
      viewColumn: vscode.ViewColumn.One,
    });
    await kernel.select(editor);
    return editor;
  }
  const run = (nb: vscode.NotebookDocument, i = 0) =>
    void vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start: i, end: i + 1 }], document: nb.uri });
  const runOf = (runDir: string) => monitor.all().find((s) => s.runDir === runDir);
  /** The first run, after the `count` already there, whose folder is named after `folder`'s cells. */
  const newRun = (count: number, folder: string) =>
    until(
      () =>
        monitor
          .all()
          .slice(count)
          .find((s) => path.basename(s.runDir ?? '').includes(`-${folder}-cell`)),
      30_000,
      `a run of ${folder}`,
    );
  const endOf = (runDir: string) =>
    until(() => ((s) => s && s.run.state !== 'running' && s.run.state !== 'stopping' && s)(runOf(runDir)), 60_000, `the run in ${runDir} to end`);
  const cellEnded = (cell: vscode.NotebookCell) => until(() => typeof cell.executionSummary?.success === 'boolean', 60_000, 'the cell to end');

  before(async function () {
    this.timeout(120_000);
    const ext = vscode.extensions.getExtension<TrainingMonitorApi>(EXTENSION_ID)!;
    monitor = await ext.activate();
    dir = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'nb-reload');
    fs.mkdirSync(dir, { recursive: true });
    kernel = new TestKernel(ext.extensionPath, dir);
    main = await open('reload.ipynb', [steps(60, 0.1), LONG]);
    await vscode.commands.executeCommand(WATCH, main.notebook.uri);
  });

  after(() => kernel?.dispose());

  it('a window reload mid-cell takes the run up again: every line once, live, ended as the cell ends', async () => {
    const count = monitor.all().length;
    run(main.notebook);
    const { runDir } = await newRun(count, 'reload');
    await until(() => (runOf(runDir!)?.points ?? 0) >= 10, 30_000, 'points before the reload');
    await monitor.testHooks!.reload();
    const again = await until(() => runOf(runDir!), 10_000, 'the run taken up after the reload');
    assert.equal(again.run.state, 'running');
    const live: number[] = [];
    const end = await until(
      () => {
        const s = runOf(runDir!)!;
        if (s.run.state === 'running' && live[live.length - 1] !== s.points) live.push(s.points);
        return s.run.state === 'finished' && s;
      },
      60_000,
      'the run to finish',
    );
    assert.deepEqual(loggedSteps(runDir!), range(1, 60), 'each line once: none lost in the reload, none written twice');
    assert.equal(end.points, 60);
    assert.ok(live.length >= 3, `the charts grew after the reload: ${live.join(' → ')}`);
    assert.equal(record(runDir!).status, 'finished');
    assert.match(fs.readFileSync(path.join(runDir!, 'events.jsonl'), 'utf8'), /Taken up again after the window reloaded/);
  });

  it('a cell that ends while the window reloads: its run reads what it printed meanwhile and ends as the cell did', async () => {
    const count = monitor.all().length;
    run(main.notebook);
    const { runDir } = await newRun(count, 'reload');
    await until(() => (runOf(runDir!)?.points ?? 0) >= 5, 30_000, 'points before the reload');
    await monitor.testHooks!.reload(() => cellEnded(main.notebook.cellAt(0)));
    const end: MonitorState = await endOf(runDir!);
    assert.deepEqual([end.run.state, end.points], ['finished', 60]);
    assert.deepEqual(loggedSteps(runDir!), range(1, 60));
    assert.equal(record(runDir!).status, 'finished');
  });

  it('a cell run again while the window reloads: the run it was ends stopped, its points kept', async () => {
    const count = monitor.all().length;
    const cell = main.notebook.cellAt(0);
    run(main.notebook);
    const { runDir } = await newRun(count, 'reload');
    await until(() => (runOf(runDir!)?.points ?? 0) >= 5, 30_000, 'points before the reload');
    let order: number | undefined;
    await monitor.testHooks!.reload(async () => {
      await cellEnded(cell);
      order = cell.executionSummary?.executionOrder;
      run(main.notebook);
      await until(() => cell.executionSummary?.executionOrder !== undefined && cell.executionSummary.executionOrder !== order, 30_000, 'the cell to run again');
    });
    const end = await endOf(runDir!);
    assert.equal(end.run.state, 'stopped');
    const logged = loggedSteps(runDir!);
    assert.ok(logged.length >= 5, `${logged.length} lines kept`);
    assert.deepEqual(logged, range(1, logged.length), 'what was captured, once');
    assert.equal(record(runDir!).status, 'stopped');
    assert.match(fs.readFileSync(path.join(runDir!, 'events.jsonl'), 'utf8'), /its cell was run again/);
    // the execution that ran meanwhile is a run of its own, taken from its next output on
    // (the reload left only the runs it took up in the list)
    const rerun = await until(() => monitor.all().find((s) => s.runDir !== runDir && /-reload-cell/.test(s.runDir ?? '')), 30_000, 'the run of the re-run');
    await cellEnded(cell);
    await endOf(rerun.runDir!);
  });

  it('Stop goes through jupyter.interruptkernel where the Jupyter extension is: KeyboardInterrupt, the run stopped', async () => {
    const jupyter = kernel.playJupyter(main.notebook);
    try {
      const before = { ...kernel.interrupts };
      const count = monitor.all().length;
      run(main.notebook, 1);
      const { runDir } = await newRun(count, 'reload');
      await until(() => (runOf(runDir!)?.points ?? 0) > 10, 30_000, 'points to arrive');
      await vscode.commands.executeCommand('trainingMonitor.stop');
      const end = await endOf(runDir!);
      assert.equal(end.run.state, 'stopped');
      assert.deepEqual(kernel.interrupts, { cancel: before.cancel, jupyter: before.jupyter + 1 }, 'interrupted by jupyter.interruptkernel, not the cancel');
      assert.match(fs.readFileSync(path.join(runDir!, 'stderr.log'), 'utf8'), /^KeyboardInterrupt/m);
      assert.match(fs.readFileSync(path.join(runDir!, 'events.jsonl'), 'utf8'), /\(jupyter\.interruptkernel\)/);
      assert.equal(main.notebook.cellAt(1).executionSummary?.success, false);
    } finally {
      jupyter.dispose();
    }
  });

  it("the notebook toolbar's button, called as the toolbar calls it, watches that notebook (not the active one)", async () => {
    const other = await open('toolbar.ipynb', [steps(20, 0.02)]);
    // another notebook active: the argument, not the active editor, says which notebook
    await vscode.window.showNotebookDocument(main.notebook, { viewColumn: vscode.ViewColumn.One });
    // NotebookEditorWorkbenchToolbar's action context `{ ui, notebookEditor, source }`, the editor
    // marshalled by NotebookEditorWidget.toJSON as `{ notebookUri }`
    await vscode.commands.executeCommand(WATCH, { ui: true, notebookEditor: { notebookUri: other.notebook.uri }, source: 'notebookToolbar' });
    const count = monitor.all().length;
    run(other.notebook);
    const { runDir } = await newRun(count, 'toolbar');
    const end = await endOf(runDir!);
    assert.deepEqual([end.run.state, end.points], ['finished', 20]);
  });

  it('trainingMonitor.watchNotebooks: on, a training cell of any notebook is a run with no command; off, it is not', async () => {
    const config = vscode.workspace.getConfiguration('trainingMonitor');
    const off = await open('off.ipynb', [steps(20, 0.02)]);
    const count = monitor.all().length;
    run(off.notebook);
    await cellEnded(off.notebook.cellAt(0));
    await new Promise((r) => setTimeout(r, 500)); // what a run would need to appear
    assert.equal(
      monitor
        .all()
        .slice(count)
        .filter((s) => /-off-cell/.test(s.runDir ?? '')).length,
      0,
      'not watched: no run',
    );
    await config.update('watchNotebooks', true, vscode.ConfigurationTarget.Workspace);
    try {
      const auto = await open('auto.ipynb', [steps(20, 0.02)]);
      run(auto.notebook);
      const { runDir } = await newRun(count, 'auto');
      const end = await endOf(runDir!);
      assert.deepEqual([end.run.state, end.points], ['finished', 20]);
    } finally {
      await config.update('watchNotebooks', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
});
