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

describe('Training Monitor in a restricted workspace', () => {
  it('runs in restricted mode, with the workspace\'s command settings ignored', () => {
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
    assert.deepEqual(monitor.all(), []);
    assert.equal(fs.existsSync(path.join(workspace(), '.training-monitor')), false, 'no run directory');
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

  it('offers to manage trust where its quick pick would offer to run something', async () => {
    const started = vscode.commands.executeCommand('trainingMonitor.start');
    await acceptUntil(() => /Workspace Trust/.test(vscode.window.tabGroups.activeTabGroup.activeTab?.label ?? ''), 10_000, 'the Workspace Trust editor'); // its first item is the trust choice
    await started;
  });
});
