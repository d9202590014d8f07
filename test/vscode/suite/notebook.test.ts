import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { until } from '../../helpers';
import { PrintedParser } from '../../../src/core/parse/printed';
import type { MonitorState } from '../../../src/extension/monitor';
import type { TrainingMonitorApi } from '../../../src/extension/extension';
import { SCREENSHOT, SUITE_PREFIX } from './index';
import { costPer1k, cpuMs, loopDelay, type Sample } from './hostCost';
import { TestKernel } from './kernel';

const EXTENSION_ID = 'training-monitor.training-monitor';

/**
 * Keras 3 `Progbar.update` in a notebook: `\b` × the last bar's width, `\r`, the new bar; `Epoch i/N`
 * lines. Flushed, and slower than ipykernel's 0.2 s flush, so each redraw reaches the cell as an
 * append of its own (two appends VS Code applies in one batch reach extensions as one text, only
 * its last redraw visible: on a loaded machine a redraw may be lost before any extension sees it).
 */
const KERAS = `import sys, time
steps, epochs, prev = 5, 3, 0
for e in range(1, epochs + 1):
    print(f"Epoch {e}/{epochs}")
    for s in range(1, steps + 1):
        bar = f"{s}/{steps} ━━━━━━━━━━━━━━━━━━━━ 0s 3ms/step - loss: {1 / (e * steps + s):.4f}"
        sys.stdout.write("\\b" * prev + "\\r" + bar)
        sys.stdout.flush()
        prev = len(bar)
        time.sleep(0.4)
    sys.stdout.write("\\n")`;

/** What the log of the Keras cell holds: each redraw a frame. */
function kerasLog(): string {
  let log = '';
  for (let e = 1; e <= 3; e++) {
    const bars = [1, 2, 3, 4, 5].map((s) => `${s}/5 ━━━━━━━━━━━━━━━━━━━━ 0s 3ms/step - loss: ${(1 / (e * 5 + s)).toFixed(4)}`);
    log += `Epoch ${e}/3\n${bars.join('\r')}\n`;
  }
  return log;
}

const TORCH = `import time, torch
torch.manual_seed(0)
x = torch.randn(64, 3)
y = x @ torch.tensor([1.0, -2.0, 0.5]) + 0.1
model = torch.nn.Linear(3, 1)
opt = torch.optim.SGD(model.parameters(), lr=0.1)
for step in range(1, 41):
    loss = torch.nn.functional.mse_loss(model(x).squeeze(1), y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(f"step {step} loss={loss.item():.4f}")
    time.sleep(0.05)`;

/** transformers \`NotebookProgressCallback\`: \`html_progress_bar\` + \`text_to_html_table\`, shown with a display id and updated in place. */
const HF = `import time
from IPython.display import display, HTML
def page(rows, value):
    html = f"<div>\\n  <progress value='{value}' max='50' style='width:300px; height:20px; vertical-align: middle;'></progress>\\n  [{value}/50]\\n</div>\\n"
    html += '<table border="1" class="dataframe">\\n  <thead>\\n <tr style="text-align: left;">\\n'
    for h in ["Step", "Training Loss", "Validation Loss"]:
        html += f"      <th>{h}</th>\\n"
    html += "    </tr>\\n  </thead>\\n  <tbody>\\n"
    for row in rows:
        html += "    <tr>\\n" + "".join(f"      <td>{c:.6f}</td>\\n" if isinstance(c, float) else f"      <td>{c}</td>\\n" for c in row) + "    </tr>\\n"
    return HTML(html + "  </tbody>\\n</table><p>")
handle = display(page([], 0), display_id=True)
rows = []
for step in range(10, 60, 10):
    time.sleep(0.4)
    rows.append([step, 1 / step, "No log"])
    handle.update(page(rows, step))
rows[-1][2] = 0.5
handle.update(page(rows, 50))`;

const LONG = `import time
for i in range(1, 100001):
    print(f"step {i} loss={1 / i:.5f}")
    time.sleep(0.02)`;

const MANY = `for i in range(1, 100001):
    print(f"step {i} loss={1 / i:.6f}")`;

/** A widget bar (tqdm.auto, Lightning's): its numbers never reach the outputs; the metrics go to `lightning_logs/` as Lightning's CSVLogger writes them. */
const WIDGET = `import os, time
from ipywidgets import IntProgress
from IPython.display import display
os.makedirs("lightning_logs/version_0", exist_ok=True)
with open("lightning_logs/version_0/metrics.csv", "w") as f:
    f.write("epoch,step,train_loss\\n")
bar = IntProgress(value=0, max=5)
display(bar)
for i in range(1, 6):
    time.sleep(0.3)
    bar.value = i
    with open("lightning_logs/version_0/metrics.csv", "a") as f:
        f.write(f"0,{i},{1 / i}\\n")`;

const FAILS = `for step in range(1, 6):
    print(f"step {step} loss={1 / step:.4f}")
raise ValueError("diverged")`;

/** A training loop's 100k progress updates at a training's pace: a pause every 1,000 (about 25 s in all). */
const PACED = `import time
for i in range(1, 100001):
    print(f"step {i} loss={1 / i:.6f}")
    if i % 1000 == 0:
        time.sleep(0.2)`;

const CELLS = [KERAS, TORCH, HF, LONG, 'print("after")', MANY, WIDGET, FAILS, PACED];

function notebookJson(): string {
  const cells = CELLS.map((source) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source }));
  return JSON.stringify(
    { cells, metadata: { kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' } }, nbformat: 4, nbformat_minor: 5 },
    null,
    1,
  );
}

describe('Notebooks: the training a cell runs, live', function () {
  let monitor: TrainingMonitorApi;
  let kernel: TestKernel;
  let editor: vscode.NotebookEditor;
  let extensionPath: string;
  const figures: Record<string, unknown> = {};

  const run = (i: number) =>
    void vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start: i, end: i + 1 }], document: editor.notebook.uri });
  /** The run a cell execution makes, once it appears after `count` runs. */
  const newRun = (count: number) => until(() => monitor.all().length > count && monitor.all()[count], 30_000, "the cell's run");
  const runOf = (dir: string) => monitor.all().find((s) => s.runDir === dir);
  /** Waits for the run in `dir` to end, noting the points seen while it ran (the charts grow live). */
  async function watchToEnd(dir: string, state = 'finished'): Promise<{ end: MonitorState; live: number[] }> {
    const live: number[] = [];
    const end = await until(
      () => {
        const s = runOf(dir)!;
        if (s.run.state === 'running' && s.points && live[live.length - 1] !== s.points) live.push(s.points);
        return s.run.state !== 'running' && s.run.state !== 'stopping' && s;
      },
      60_000,
      `the run in ${dir} to end`,
    );
    assert.equal(end.run.state, state, `ended ${end.run.state} (${end.run.exit}); kernel: ${kernel.log.slice(-8).join(', ')}`);
    return { end, live };
  }

  /** A notebook nobody watches, of one cell: what VS Code and the test kernel cost by themselves. */
  async function openUnwatched(name: string, source: string): Promise<vscode.NotebookEditor> {
    const file = path.join(path.dirname(editor.notebook.uri.fsPath), name);
    fs.writeFileSync(
      file,
      JSON.stringify({ ...JSON.parse(notebookJson()), cells: [{ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source }] }),
    );
    const plain = await vscode.window.showNotebookDocument(await vscode.workspace.openNotebookDocument(vscode.Uri.file(file)), {
      viewColumn: vscode.ViewColumn.One,
    });
    await kernel.select(plain);
    return plain;
  }

  before(async function () {
    const ext = vscode.extensions.getExtension<TrainingMonitorApi>(EXTENSION_ID)!;
    extensionPath = ext.extensionPath;
    monitor = await ext.activate();
    const dir = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'nb');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'train.ipynb'), notebookJson());
    const doc = await vscode.workspace.openNotebookDocument(vscode.Uri.file(path.join(dir, 'train.ipynb')));
    editor = await vscode.window.showNotebookDocument(doc, { viewColumn: vscode.ViewColumn.One });
    kernel = new TestKernel(extensionPath, dir);
    await kernel.select(editor);
  });

  after(async () => {
    // the window's last screenshot (test-results/integration-index.png): the PyTorch run beside its notebook
    const torch = monitor.all().find((s) => s.points === 40);
    if (torch?.runDir) await monitor.showRun(torch.runDir);
    const shown = await vscode.window.showNotebookDocument(editor.notebook, { viewColumn: vscode.ViewColumn.One });
    shown.revealRange(new vscode.NotebookRange(1, 2), vscode.NotebookEditorRevealType.AtTop); // the PyTorch cell and its output
    // the runner (run.ts) saves the window as it is now: the panel beside the notebook
    await new Promise((r) => setTimeout(r, 2000));
    console.log(`${SUITE_PREFIX}${SCREENSHOT}notebook-beside.png`);
    await new Promise((r) => setTimeout(r, 2000));
    kernel?.dispose();
    fs.mkdirSync(path.join(extensionPath, 'test-results'), { recursive: true });
    fs.writeFileSync(path.join(extensionPath, 'test-results', 'notebook-figures.json'), JSON.stringify(figures, null, 2) + '\n');
  });

  it('offers to watch the active notebook first in Start, and watches it', async () => {
    assert.equal(monitor.startChoices()[0], "$(notebook) Watch this notebook's training");
    await vscode.commands.executeCommand('trainingMonitor.watchNotebook');
  });

  it('charts a Keras-style \\b/\\r bar cell live, every redraw a point, in a run folder of its own beside the notebook', async () => {
    const count = monitor.all().length;
    run(0);
    const started = await newRun(count);
    assert.match(path.basename(started.runDir!), /^\d{8}-\d{6}-train-cell[\d_]+$/);
    const { end, live } = await watchToEnd(started.runDir!);
    const expected = kerasLog();
    const log = fs.readFileSync(path.join(end.runDir!, 'stdout.log'), 'utf8');
    const shown = (text: string) => text.split('\n').map((l) => l.slice(l.lastIndexOf('\r') + 1));
    assert.deepEqual(shown(log), shown(expected), 'each line as the notebook shows it');
    const frames = (text: string) => text.split(/[\r\n]/).filter(Boolean);
    const seen = frames(log);
    assert.deepEqual(
      seen,
      frames(expected).filter((f) => seen.includes(f)),
      `redraws in order, none invented:\n${log}`,
    );
    let points = 0;
    const parser = new PrintedParser();
    for (const frame of seen) parser.read(frame, () => points++);
    assert.equal(end.points, points, 'every redraw logged is a point');
    assert.ok(points >= 13, `${points} of the 15 redraws reached the cell's output as their own change`);
    assert.ok(live.length >= 3, `the charts grew while it ran: ${live.join(' → ')}`);
    assert.equal(end.run.exit, 'exit 0');
    const record = JSON.parse(fs.readFileSync(path.join(end.runDir!, 'run.json'), 'utf8'));
    assert.equal(record.status, 'finished');
    // the panel is beside the notebook, not over it
    const nbColumn = editor.viewColumn;
    const beside = vscode.window.tabGroups.all.find(
      (g) => g.viewColumn !== nbColumn && g.tabs.some((t) => t.input instanceof vscode.TabInputWebview && t.label === 'Training Monitor'),
    );
    assert.ok(beside, 'the monitor in a group beside the notebook');
    figures.keras = { points: end.points, of: 15, live };
  });

  it('charts a plain PyTorch print loop (real torch) live, with every step', async () => {
    const count = monitor.all().length;
    run(1);
    const { end, live } = await watchToEnd((await newRun(count)).runDir!);
    assert.equal(end.points, 40);
    assert.ok(live.length >= 3, `the charts grew while it ran: ${live.join(' → ')}`);
    figures.torch = { points: end.points, live };
  });

  it('charts an HF-style dataframe table shown with a display id and updated in place', async () => {
    const count = monitor.all().length;
    run(2);
    const { end, live } = await watchToEnd((await newRun(count)).runDir!);
    assert.equal(end.points, 5 + 1, 'five training losses, one validation loss');
    const rows = fs.readFileSync(path.join(end.runDir!, 'table.jsonl'), 'utf8').trim().split('\n');
    assert.deepEqual(JSON.parse(rows[rows.length - 1]), { step: 50, 'Training Loss': 0.02, 'Validation Loss': 0.5 });
    assert.ok(live.length >= 2, `the charts grew while it ran: ${live.join(' → ')}`);
    figures.hfTable = { points: end.points, live };
  });

  it('Stop interrupts the running cell: KeyboardInterrupt, the run stopped, the kernel alive for the next cell', async () => {
    const count = monitor.all().length;
    const cancels = kernel.interrupts.cancel;
    run(3);
    const started = await newRun(count);
    await until(() => (runOf(started.runDir!)?.points ?? 0) > 10, 30_000, 'points to arrive');
    await vscode.commands.executeCommand('trainingMonitor.stop');
    const stopped = await until(() => runOf(started.runDir!)?.run.state === 'stopped' && runOf(started.runDir!), 30_000, 'the run stopped');
    assert.match(fs.readFileSync(path.join(stopped.runDir!, 'stderr.log'), 'utf8'), /^KeyboardInterrupt/m);
    assert.equal(JSON.parse(fs.readFileSync(path.join(stopped.runDir!, 'run.json'), 'utf8')).status, 'stopped');
    assert.equal(kernel.interrupts.cancel, cancels + 1, 'no jupyter.interruptkernel here: VS Code cancel reached the controller');
    run(4);
    const after = editor.notebook.cellAt(4);
    await until(() => after.executionSummary?.success === true, 30_000, 'the next cell to run');
    assert.equal(new TextDecoder().decode(after.outputs[0].items[0].data), 'after\n');
    assert.equal(monitor.all().length, count + 1, 'a cell with no curves makes no run');
  });

  it('a re-run makes a second run', async () => {
    const count = monitor.all().length;
    const cellRuns = () => monitor.all().filter((s) => /-train-cell[\d_]+$/.test(s.runDir ?? '')).length;
    const first = cellRuns();
    run(1);
    const again = await newRun(count);
    const { end } = await watchToEnd(again.runDir!);
    assert.equal(end.points, 40);
    const lines = fs.readFileSync(path.join(end.runDir!, 'stdout.log'), 'utf8').split('\n').filter(Boolean);
    assert.equal(lines.length, 40, "this execution's output only, not the last one's");
    assert.equal(cellRuns(), first + 1);
    assert.notEqual(again.runDir, monitor.all().find((s) => /-train-cell[\d_]+$/.test(s.runDir ?? '') && s.points === 40)?.runDir, 'a folder of its own');
  });

  it('a cell that raises ends its run failed, with the error', async () => {
    const count = monitor.all().length;
    run(7);
    const { end } = await watchToEnd((await newRun(count)).runDir!, 'failed');
    assert.deepEqual([end.run.exit, end.points], ['ValueError', 5]);
    assert.match(fs.readFileSync(path.join(end.runDir!, 'stderr.log'), 'utf8'), /^ValueError: diverged$/m);
    assert.equal(JSON.parse(fs.readFileSync(path.join(end.runDir!, 'run.json'), 'utf8')).status, 'failed');
  });

  it("follows the notebook's log folders for a cell whose only progress is a widget", async () => {
    const count = monitor.all().length;
    run(6);
    const { end } = await watchToEnd((await newRun(count)).runDir!);
    assert.equal(end.points, 5, 'train_loss from lightning_logs/version_0/metrics.csv');
    const events = fs.readFileSync(path.join(end.runDir!, 'events.jsonl'), 'utf8');
    assert.match(events, /widget progress bar/);
  });

  it('keeps the extension host responsive through a 100k-line cell, every line read', async function () {
    this.timeout(240_000);
    // the same cell in a notebook nobody watches: what VS Code and the test kernel cost by themselves
    const plain = await openUnwatched('plain.ipynb', MANY);
    let t0 = Date.now();
    const baseline = await loopDelay(async () => {
      void vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start: 0, end: 1 }], document: plain.notebook.uri });
      await until(() => typeof plain.notebook.cellAt(0).executionSummary?.success === 'boolean', 120_000, 'the unwatched cell to end');
    }, 'lines100k-unwatched');
    const baselineSeconds = (Date.now() - t0) / 1000;
    editor = await vscode.window.showNotebookDocument(editor.notebook, { viewColumn: vscode.ViewColumn.One });
    const count = monitor.all().length;
    let end: MonitorState | undefined;
    t0 = Date.now();
    const watched = await loopDelay(async () => {
      run(5);
      end = (await watchToEnd((await newRun(count)).runDir!)).end;
    }, 'lines100k-watched');
    figures.lines100k = {
      watched: { seconds: (Date.now() - t0) / 1000, ...watched },
      unwatched: { seconds: baselineSeconds, ...baseline },
      points: end!.points,
    };
    console.log(`${SUITE_PREFIX}100k-line cell, event-loop delay in ms: ${JSON.stringify(figures.lines100k)}`);
    assert.equal(end!.points, 100_000);
    assert.ok(watched.p99 < baseline.p99 + 50, `event loop p99 ${watched.p99} ms watched, ${baseline.p99} ms unwatched`);
  });

  it('costs linear time through 100k progress updates at a training pace: host CPU per 1k updates late as early', async function () {
    this.timeout(240_000);
    await vscode.commands.executeCommand('trainingMonitor.watchNotebook', editor.notebook.uri); // (when run alone)
    const plain = await openUnwatched('paced.ipynb', PACED);
    // not watched: the output's size tells how many updates arrived (its lines grow by a few bytes each)
    const bytes: Array<[number, number, number]> = [];
    const unwatchedDelay = await loopDelay(async () => {
      void vscode.commands.executeCommand('notebook.cell.execute', { ranges: [{ start: 0, end: 1 }], document: plain.notebook.uri });
      await until(
        () => {
          const cell = plain.notebook.cellAt(0);
          bytes.push([Date.now(), cpuMs(), cell.outputs[0]?.items[0]?.data.length ?? 0]);
          return typeof cell.executionSummary?.success === 'boolean';
        },
        120_000,
        'the unwatched cell to end',
      );
    });
    const total = bytes[bytes.length - 1][2];
    const unwatched = costPer1k(bytes.map(([t, cpu, b]) => ({ t, cpu, n: (b / total) * 100_000 })));
    editor = await vscode.window.showNotebookDocument(editor.notebook, { viewColumn: vscode.ViewColumn.One });
    const count = monitor.all().length;
    const samples: Sample[] = [];
    let end: MonitorState | undefined;
    const watchedDelay = await loopDelay(async () => {
      run(8);
      const dir = (await newRun(count)).runDir!;
      end = await until(
        () => {
          const s = runOf(dir)!;
          samples.push({ t: Date.now(), cpu: cpuMs(), n: s.points });
          return s.run.state !== 'running' && s;
        },
        180_000,
        'the paced run to end',
      );
    });
    const watched = costPer1k(samples);
    figures.paced100k = { watched: { ...watched, loop: watchedDelay }, unwatched: { ...unwatched, loop: unwatchedDelay } };
    console.log(`${SUITE_PREFIX}100k updates at a training pace, ms per 1k updates and event-loop delay: ${JSON.stringify(figures.paced100k)}`);
    assert.equal(end!.points, 100_000);
    // generous: reading the whole output again at each event would make late thousands cost ~8× early ones
    assert.ok(
      watched.late.cpu < 3 * watched.early.cpu + Math.max(0, unwatched.late.cpu - unwatched.early.cpu) + 5,
      `host CPU per 1k updates: ${watched.early.cpu} ms early, ${watched.late.cpu} ms late`,
    );
  });
});
