import { strict as assert } from 'node:assert';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { alive, until } from '../../helpers';
import { acceptUntil } from './quickInput';
import type { TrainingMonitorApi } from '../../../src/extension/extension';

const EXTENSION_ID = 'training-monitor.training-monitor';

async function api(): Promise<TrainingMonitorApi> {
  const ext = vscode.extensions.getExtension<TrainingMonitorApi>(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is installed`);
  return ext.activate();
}

describe('Training Monitor in VS Code', () => {
  it('is not active until used, and contributes its commands', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    assert.equal(ext.isActive, false, 'activation only on its commands and views');
    const names = ['trainingMonitor.start', 'trainingMonitor.stop', 'trainingMonitor.show', 'trainingMonitor.exportCsv', 'trainingMonitor.watchNotebook'];
    const contributed = (ext.packageJSON.contributes.commands as Array<{ command: string; category: string }>).map((c) => [c.command, c.category]);
    assert.deepEqual(
      contributed,
      names.map((n) => [n, 'Training Monitor']),
    );
    assert.deepEqual(ext.packageJSON.extensionKind, ['workspace']);
    await ext.activate();
    const registered = await vscode.commands.getCommands(true);
    for (const n of names) assert.ok(registered.includes(n), `${n} is registered once active`);
  });

  it('shows the monitor in the panel area: the view loads and gets its snapshot', async () => {
    const monitor = await api();
    const before = monitor.loadedViews();
    await vscode.commands.executeCommand('trainingMonitor.view.focus');
    await until(() => monitor.loadedViews() === before + 1, 20_000, 'the panel-area view to load');
    await vscode.commands.executeCommand('workbench.action.closePanel');
  });

  it('monitors a run that finishes by itself, with every point', async () => {
    const monitor = await api();
    await vscode.commands.executeCommand('trainingMonitor.start', { command: 'python3 train.py --epochs 2 --delay 0' });
    const state = await until(() => monitor.current()?.run.state === 'finished' && monitor.current(), 30_000, 'the run to finish');
    assert.equal(state.run.exit, 'exit 0');
    // stdout: loss and accuracy at each of 64 steps, val_* once per epoch;
    // metrics.csv: 4 metrics × 2 epochs (rows are positioned by step; the epoch column is an axis, not a series)
    assert.equal(state.points, 64 * 2 + 2 * 2 + 4 * 2);
    assert.deepEqual(state.workerThreadIds, [-1, -1], 'both workers ended after the drain');
    const record = JSON.parse(fs.readFileSync(path.join(state.runDir!, 'run.json'), 'utf8'));
    assert.equal(record.status, 'finished');
    assert.ok(state.runDir!.startsWith(path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, '.training-monitor', 'runs')));
  });

  it("offers this window's runs and the workspace's past ones; opens a past run read-only, and overlays one", async () => {
    const monitor = await api();
    const root = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const oldDir = path.join(root, '.training-monitor', 'runs', '20200101-000000-old.py');
    fs.mkdirSync(oldDir, { recursive: true });
    fs.writeFileSync(
      path.join(oldDir, 'run.json'),
      JSON.stringify({
        name: 'old.py',
        command: 'python3 old.py',
        cwd: root,
        start: '2020-01-01T12:00:00Z',
        end: '2020-01-01T12:05:00Z',
        exitCode: 3,
        status: 'failed',
      }),
    );
    fs.writeFileSync(path.join(oldDir, 'stdout.log'), 'step=1 loss=0.5\nstep=2 loss=0.4\nstep=3 loss=0.3\n');
    const shownBefore = monitor.current()!;
    const old = await until(() => monitor.runs().find((r) => r.label.startsWith('old.py 2020-01-01')), 5000, 'the past run listed');
    assert.equal(old.state, 'past');
    assert.equal(monitor.runs().filter((r) => r.shown).length, 1);

    await monitor.overlay(old.id, true);
    assert.deepEqual(
      monitor
        .runs()
        .filter((r) => r.overlaid)
        .map((r) => [r.label.split(' ')[0], r.state]),
      [['old.py', 'failed']],
      'overlaid, and now followed: its state comes from its run.json',
    );
    assert.equal(monitor.current()!.runDir, shownBefore.runDir, 'the shown run stays');

    await monitor.showRun(old.id);
    const opened = await until(() => monitor.current()?.points === 3 && monitor.current(), 10_000, 'the past run read');
    assert.deepEqual([opened.run.name, opened.run.state, opened.run.exit, opened.run.canStop], ['old.py', 'failed', 'exit 3', false]);
    assert.equal(monitor.runs().filter((r) => r.overlaid).length, 0, 'the shown run is not also overlaid');
    await until(
      () => opened.workerThreadIds.every((id) => id === -1) || monitor.current()!.workerThreadIds.every((id) => id === -1),
      10_000,
      'read once, its workers ended',
    );
    assert.equal(fs.existsSync(path.join(oldDir, 'events.jsonl')), false, "a past run's folder is left as it was");
    await monitor.showRun(shownBefore.runDir!);
    assert.equal(monitor.current()!.runDir, shownBefore.runDir);
  });

  it('stops a live run cleanly: the process group and both workers end, the training saves', async () => {
    const monitor = await api();
    await vscode.commands.executeCommand('trainingMonitor.start', { command: 'python3 train.py --epochs 100 --delay 0.01' });
    const running = await until(() => (monitor.current()?.points ?? 0) > 20 && monitor.current(), 30_000, 'points to arrive');
    assert.equal(running.run.state, 'running');
    assert.ok(alive(running.pid!), 'the training runs');
    assert.ok(
      running.workerThreadIds.every((id) => id > 0),
      'two live worker threads',
    );
    await vscode.commands.executeCommand('trainingMonitor.stop');
    const stopped = monitor.current()!;
    assert.equal(stopped.run.state, 'stopped');
    assert.equal(stopped.run.exit, 'exit 130', 'KeyboardInterrupt handler ran');
    assert.equal(alive(running.pid!), false);
    assert.deepEqual(stopped.workerThreadIds, [-1, -1]);
    assert.match(fs.readFileSync(path.join(stopped.runDir!, 'stdout.log'), 'utf8'), /Interrupted: saved checkpoint/);
    assert.ok(stopped.points >= running.points);
  });

  it('runs the Python file in view from the quick pick, also while focus is in the monitor beside it', async () => {
    const monitor = await api();
    const file = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'train.py');
    await vscode.window.showTextDocument(vscode.Uri.file(file), { viewColumn: vscode.ViewColumn.One });
    await vscode.commands.executeCommand('trainingMonitor.show');
    const isMonitor = (t: vscode.Tab) => t.input instanceof vscode.TabInputWebview && t.label === 'Training Monitor';
    const beside = () => vscode.window.tabGroups.all.find((g) => g.viewColumn !== vscode.ViewColumn.One && g.activeTab && isMonitor(g.activeTab));
    const group = await until(beside, 5000, 'the monitor beside train.py');
    const focus = ['', 'First', 'Second', 'Third'][group.viewColumn];
    await vscode.commands.executeCommand(`workbench.action.focus${focus}EditorGroup`);
    await until(() => !vscode.window.activeTextEditor, 5000, 'focus in the monitor: no active text editor');
    assert.ok(
      vscode.window.visibleTextEditors.some((e) => e.document.fileName === file),
      'train.py still in view',
    );

    assert.equal(monitor.startChoices()[0], '$(play) Run the active Python file', 'the quick pick offers train.py first');

    // The monitor's view may finish loading after the quick pick opened and take focus, which
    // closes a quick pick as any move of focus does: it is opened again then, as a user would.
    let opened = 0;
    let started: Thenable<unknown> = Promise.resolve();
    let open = false;
    const start = () => {
      opened++;
      open = true;
      started = vscode.commands.executeCommand('trainingMonitor.start');
      void Promise.resolve(started).finally(() => (open = false));
    };
    start();
    // the file itself, run by the interpreter: `python3 -u /…/train.py`
    const running = await acceptUntil(
      () => {
        const c = monitor.current();
        if (c?.run.command.endsWith(`-u ${file}`)) return c;
        if (!open) start();
        return undefined;
      },
      30_000,
      'train.py to run',
    ).catch((err: Error) => {
      const c = monitor.current();
      throw new Error(`${err.message}; the monitor shows ${c ? `${c.run.command} (${c.run.state})` : 'no run'}; the quick pick opened ${opened} times`);
    });
    await started;
    assert.equal(running.run.name, 'train.py');
    await vscode.commands.executeCommand('trainingMonitor.stop');
    assert.equal(monitor.current()!.run.state, 'stopped');
  });

  it('attaches to a folder another process is writing and reads every row as it grows', async () => {
    const monitor = await api();
    const dir = fs.mkdtempSync(path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'attached-'));
    // A training outside the monitor: it appends rows to metrics.csv, then a NaN loss, then more.
    const writer = spawn(
      'python3',
      [
        '-c',
        `
import time
with open('metrics.csv', 'w', buffering=1) as f:
    f.write('step,loss\\n')
    for i in range(1, 301):
        f.write(f"{i},{'nan' if i >= 200 else 1 / i}\\n")
        time.sleep(0.005)
`,
      ],
      { cwd: dir, stdio: 'ignore' },
    );
    try {
      await vscode.commands.executeCommand('trainingMonitor.start', { attach: dir });
      const watching = await until(() => monitor.current()?.root === dir && monitor.current(), 10_000, 'the attached run');
      assert.equal(watching.run.state, 'watching');
      assert.equal(watching.run.canStop, false, 'no process is known for a plain folder');
      await until(() => monitor.current()!.points === 300, 20_000, 'every row of the growing file');
      await vscode.commands.executeCommand('trainingMonitor.show');
      const snapshot = await until(() => monitor.current()!.points === 300 && monitor.current(), 1000, 'state');
      assert.equal(snapshot.run.state, 'watching');
    } finally {
      writer.kill();
    }
  });

  it("attaches to a folder a plain PyTorch loop left (nohup.out) beside a Slurm job's output, and charts both", async () => {
    const monitor = await api();
    const dir = fs.mkdtempSync(path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'nohup-'));
    // real torch (Debian's python3-torch), printing as the plainest loop does
    execFileSync(
      '/usr/bin/python3',
      [
        '-c',
        `
import torch
torch.manual_seed(0)
m = torch.nn.Linear(4, 1); opt = torch.optim.SGD(m.parameters(), lr=0.05)
x = torch.randn(64, 4); y = x.sum(1, keepdim=True)
with open('nohup.out', 'w') as f:
    f.write('nohup: ignoring input\\n')
    for epoch in range(1, 3):
        for step in range(100):
            loss = torch.nn.functional.mse_loss(m(x), y); opt.zero_grad(); loss.backward(); opt.step()
            if step % 10 == 0:
                f.write(f"Epoch {epoch} | step {step} | loss {loss.item():.4f} | lr {opt.param_groups[0]['lr']}\\n")
with open('slurm-4242.out', 'w') as f:
    for it in range(0, 50, 10):
        f.write(f"iter {it}: loss {2 / (it + 1):.4f}, time 12.34ms, mfu 3.20%\\n")
`,
      ],
      { cwd: dir },
    );
    await vscode.commands.executeCommand('trainingMonitor.start', { attach: dir });
    // nohup.out: loss and lr at 20 steps; slurm-4242.out: loss, time and mfu at 5 iterations
    await until(() => monitor.current()?.root === dir && monitor.current()!.points === 20 * 2 + 5 * 3, 20_000, 'the points of both files');
  });

  it("says once, in a notification and in the Events tab, that a launched run's loss is NaN", async () => {
    const monitor = await api();
    const script = path.join(fs.mkdtempSync(path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'nan-')), 'nan.py');
    fs.writeFileSync(script, 'for i in range(1, 50):\n    print(f"step {i} loss={float(\'nan\') if i > 10 else 1 / i}")\n');
    await vscode.commands.executeCommand('trainingMonitor.start', { command: `python3 ${script}` });
    const state = await until(() => monitor.current()?.run.state === 'finished' && monitor.current(), 30_000, 'the run to finish');
    const events = eventsOf(state.runDir!);
    const alerts = events.filter((e) => /loss is NaN/.test(e.text));
    assert.equal(alerts.length, 1, JSON.stringify(events));
    assert.match(alerts[0].text, /loss is NaN at step 11\./);
    assert.equal(alerts[0].level, 'warning');
  });

  it("exports the shown run's every point as CSV, through the save dialog, into the workspace folder (not a run folder) by default", async () => {
    const monitor = await api();
    await vscode.commands.executeCommand('trainingMonitor.start', { command: 'python3 train.py --epochs 1 --delay 0' });
    const state = await until(() => monitor.current()?.run.state === 'finished' && monitor.current(), 30_000, 'the run to finish');
    const exported = vscode.commands.executeCommand('trainingMonitor.exportCsv');
    // The save dialog (code-server's own) opens with the default path: accepting it saves there.
    const file = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, `${state.run.name.replace(/[^\w.-]+/g, '_')}-metrics.csv`);
    await acceptUntil(() => fs.existsSync(file), 20_000, 'the CSV in the workspace folder');
    await exported;
    const rows = fs.readFileSync(file, 'utf8').trim().split('\n');
    assert.equal(rows[0], 'source,metric,x_kind,x,wall_time,value');
    assert.equal(rows.length - 1, state.points, 'a row per stored point');
    assert.ok(rows.some((r) => r.startsWith('stdout.log,loss,step,32,')));
  });

  it('replaces a worker that dies mid-run and ends with every point once; the Events tab says so', async () => {
    const monitor = await api();
    await vscode.commands.executeCommand('trainingMonitor.start', { command: 'python3 train.py --epochs 3 --delay 0.01' });
    await until(() => monitor.current()?.run.state === 'running' && monitor.current()!.points > 20, 30_000, 'points to arrive');
    const threads = monitor.current()!.workerThreadIds;
    assert.ok(monitor.testHooks, 'the test build exports its hooks');
    assert.equal(await monitor.testHooks.crashWorker('refine'), 1);
    await until(() => monitor.current()!.workerThreadIds.every((id) => id > 0 && !threads.includes(id)), 10_000, 'new workers');
    const state = await until(() => monitor.current()?.run.state === 'finished' && monitor.current(), 30_000, 'the run to finish');
    assert.equal(state.points, 64 * 3 + 2 * 3 + 4 * 3, 'the same points as a run without a crash');
    assert.match(
      eventsOf(state.runDir!)
        .map((e) => e.text)
        .join('\n'),
      /The refine worker exited with code 1\. Restarted the workers: they read every file again from its start\./,
    );
  });

  it('Show Monitor moves focus into the monitor, beside the code that stays in view', async () => {
    await api();
    const file = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'train.py');
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file));
    const shown = vscode.commands.executeCommand('trainingMonitor.show');
    // with several live runs it asks which: the first offered is taken
    await acceptUntil(
      () => {
        const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
        return tab?.input instanceof vscode.TabInputWebview && tab.label === 'Training Monitor';
      },
      20_000,
      'the monitor to have focus',
    );
    await shown;
    assert.equal(vscode.window.activeTextEditor, undefined, 'keys go to the monitor, not the editor');
    assert.ok(
      vscode.window.visibleTextEditors.some((e) => e.document === editor.document),
      'train.py stays in view beside it',
    );
    await vscode.commands.executeCommand('workbench.action.closeAllEditors'); // the next tests lay out their own
  });

  it('says when a launched run fails, with its exit code', async () => {
    const monitor = await api();
    await vscode.commands.executeCommand('trainingMonitor.start', { command: 'python3 -c "import sys; print(\'step 1 loss=1\'); sys.exit(3)"' });
    const state = await until(() => monitor.current()?.run.state === 'failed' && monitor.current(), 30_000, 'the run to fail');
    assert.equal(state.run.exit, 'exit 3');
    // events.jsonl is appended to asynchronously: the alert's line may land just after the state changes
    const errors = await until(
      () => {
        const texts = eventsOf(state.runDir!)
          .filter((e) => e.level === 'error')
          .map((e) => e.text);
        return texts.some((t) => /failed \(exit 3\)/.test(t)) && texts;
      },
      5000,
      'the failure alert in events.jsonl',
    );
    assert.deepEqual(errors.filter((t) => /failed \(exit 3\)/.test(t)).length, 1, errors.join('\n'));
  });

  it('says once when a live run goes quiet for trainingMonitor.stallMinutes', async () => {
    const monitor = await api();
    const settings = vscode.workspace.getConfiguration('trainingMonitor');
    await settings.update('stallMinutes', 0.02, vscode.ConfigurationTarget.Global); // 1.2 s
    try {
      await vscode.commands.executeCommand('trainingMonitor.start', {
        command: "python3 -c \"import time; print('step 1 loss=1'); time.sleep(6); print('step 2 loss=0.5')\"",
      });
      const state = await until(() => monitor.current()?.run.state === 'finished' && monitor.current(), 30_000, 'the run to finish');
      const stalls = eventsOf(state.runDir!).filter((e) => /no new output or metric for 1 s\./.test(e.text));
      assert.equal(stalls.length, 1, 'one warning for one quiet stretch');
      assert.equal(stalls[0].level, 'warning');
    } finally {
      await settings.update('stallMinutes', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});

function eventsOf(runDir: string): Array<{ level: string; text: string }> {
  return fs
    .readFileSync(path.join(runDir, 'events.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { level: string; text: string });
}
