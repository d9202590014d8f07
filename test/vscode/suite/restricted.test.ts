/**
 * Restricted mode (Workspace Trust on, folder not trusted): launching is refused, the command
 * settings a workspace could plant are ignored, and attaching to logs still works.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { until } from '../../helpers';
import { acceptUntil } from './quickInput';
import type { TrainingMonitorApi } from '../../../src/extension/extension';

const workspace = () => vscode.workspace.workspaceFolders![0].uri.fsPath;

/** The runs run.ts planted in the workspace's run folder before the window opened. */
const planted = () => path.join(workspace(), '.training-monitor', 'runs');

describe('Training Monitor in a restricted workspace', () => {
  it('takes over none of the runs the workspace records, signals nothing and writes nothing into them', async () => {
    const monitor = await vscode.extensions.getExtension<TrainingMonitorApi>('training-monitor.training-monitor')!.activate();
    const names = fs.readdirSync(planted()).sort();
    assert.deepEqual(names, ['20260101-000000-pid1', '20260101-000001-live', '20260101-000002-job']);
    assert.deepEqual(monitor.all(), [], 'nothing followed: no pid 1, no live process group, no Slurm job');
    for (const name of names) {
      assert.equal(JSON.parse(fs.readFileSync(path.join(planted(), name, 'run.json'), 'utf8')).status, 'running', `${name}: no end written`);
      assert.deepEqual(fs.readdirSync(path.join(planted(), name)), ['run.json'], `${name}: no events.jsonl`);
    }
    const live = JSON.parse(fs.readFileSync(path.join(planted(), '20260101-000001-live', 'run.json'), 'utf8'));
    process.kill(live.pid, 0); // still runs: not signalled
    // the run selector lists them as past runs; opening one reads its folder only (not /etc/passwd)
    const choices = monitor.runs().filter((c) => c.state === 'past');
    assert.equal(choices.length, 3);
    await monitor.showRun(choices[0].id);
    const shown = await until(() => monitor.current(), 10_000, 'the past run shown');
    assert.equal(shown.run.canStop, false);
    assert.equal(shown.root, choices[0].id);
  });

  it("runs in restricted mode, with the workspace's command settings ignored", () => {
    assert.equal(vscode.workspace.isTrusted, false);
    // run.ts planted `trainingMonitor.command` and `.env` in the workspace's settings
    const planted = JSON.parse(fs.readFileSync(path.join(workspace(), '.vscode', 'settings.json'), 'utf8'));
    assert.equal(planted['trainingMonitor.command'], 'touch planted-command-ran');
    const settings = vscode.workspace.getConfiguration('trainingMonitor');
    assert.equal(settings.get('command'), '', 'a restricted setting: the workspace value is not applied');
    assert.deepEqual(settings.get('env'), {});
  });

  it('refuses to launch a command, and launches nothing', async () => {
    const monitor = await vscode.extensions.getExtension<TrainingMonitorApi>('training-monitor.training-monitor')!.activate();
    await vscode.commands.executeCommand('trainingMonitor.start', { command: 'python3 train.py --epochs 1 --delay 0' });
    await new Promise((r) => setTimeout(r, 1000)); // what a launch would have created by now
    assert.ok(
      monitor.all().every((m) => m.run.state === 'finished' || m.run.state === 'failed' || m.run.state === 'stopped'),
      'only the past run opened above',
    );
    assert.equal(fs.readdirSync(planted()).length, 3, 'no run directory');
    assert.equal(fs.existsSync(path.join(workspace(), 'planted-command-ran')), false);
  });

  it('still attaches to a folder of logs', async () => {
    const monitor = await vscode.extensions.getExtension<TrainingMonitorApi>('training-monitor.training-monitor')!.activate();
    const dir = fs.mkdtempSync(path.join(workspace(), 'logs-'));
    fs.writeFileSync(path.join(dir, 'metrics.csv'), 'step,loss\n1,0.9\n2,0.7\n3,0.5\n');
    await vscode.commands.executeCommand('trainingMonitor.start', { attach: dir });
    const state = await until(() => monitor.current()?.points === 3 && monitor.current(), 20_000, 'the three rows');
    assert.equal(state.run.state, 'watching');
    assert.equal(state.run.canStop, false);
  });

  it('ignores a pid file in an attached folder, even one naming a live process group', async () => {
    const monitor = await vscode.extensions.getExtension<TrainingMonitorApi>('training-monitor.training-monitor')!.activate();
    const dir = fs.mkdtempSync(path.join(workspace(), 'pidlogs-'));
    const live = JSON.parse(fs.readFileSync(path.join(planted(), '20260101-000001-live', 'run.json'), 'utf8'));
    fs.writeFileSync(path.join(dir, 'pid'), String(live.pid));
    fs.writeFileSync(path.join(dir, 'metrics.csv'), 'step,loss\n1,0.9\n');
    await vscode.commands.executeCommand('trainingMonitor.start', { attach: dir });
    const state = await until(() => monitor.current()?.root === dir && monitor.current()?.points === 1 && monitor.current(), 20_000, 'the attached folder');
    assert.equal(state.run.canStop, false);
    assert.equal(state.pid, undefined);
  });

  it('offers to manage trust where its quick pick would offer to run something', async () => {
    const started = vscode.commands.executeCommand('trainingMonitor.start');
    await acceptUntil(() => /Workspace Trust/.test(vscode.window.tabGroups.activeTabGroup.activeTab?.label ?? ''), 10_000, 'the Workspace Trust editor'); // its first item is the trust choice
    await started;
  });
});
