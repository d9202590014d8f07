/** Activation: commands, the monitor webviews and the status bar. */
import * as vscode from 'vscode';
import type { HostToWebview } from '../core/protocol/webview';
import { emptyBatch } from '../core/protocol/batch';
import { pickLaunch, runRootFor, shellCommand } from './launch';
import { Monitor, type MonitorState } from './monitor';
import { RunStatusBar } from './statusBar';
import { MonitorWebviews } from './webviews';

/** What the extension exports: the current run's state (used by its integration tests). */
export interface TrainingMonitorApi {
  current(): MonitorState | undefined;
  /** Monitor webviews that loaded and got their snapshot. */
  loadedViews(): number;
}

let monitor: Monitor | undefined;

export function activate(context: vscode.ExtensionContext): TrainingMonitorApi {
  const statusBar = new RunStatusBar();
  const webviews = new MonitorWebviews(context.extensionUri, {
    snapshot: async (): Promise<HostToWebview> => monitor?.snapshot() ?? { type: 'snapshot', run: undefined, batch: emptyBatch() },
    onMessage: (msg) => {
      if (msg.type === 'stop') void vscode.commands.executeCommand('trainingMonitor.stop');
    },
  });
  const setRunning = () => void vscode.commands.executeCommand('setContext', 'trainingMonitor.running', monitor?.live ?? false);

  context.subscriptions.push(
    statusBar,
    webviews,
    // An argument `{ command }` skips the quick pick (keybindings, tasks, tests).
    vscode.commands.registerCommand('trainingMonitor.start', async (arg?: { command?: string }) => {
      if (!vscode.workspace.isTrusted) {
        void vscode.window.showWarningMessage('Training Monitor runs training commands only in a trusted workspace.', 'Manage Workspace Trust').then((a) => {
          if (a) void vscode.commands.executeCommand('workbench.trust.manage');
        });
        return;
      }
      if (monitor?.live) {
        const answer = await vscode.window.showWarningMessage(`${monitor.state.run.name} is still running.`, 'Stop It and Start', 'Show Monitor');
        if (answer === 'Show Monitor') return webviews.showPanel();
        if (answer !== 'Stop It and Start') return;
        await monitor.stop();
      }
      const spec = typeof arg?.command === 'string' ? shellCommand(arg.command) : await pickLaunch();
      if (!spec) return;
      await monitor?.dispose();
      monitor = new Monitor(spec, runRootFor(spec), context.extensionUri, webviews, statusBar, setRunning);
      webviews.showPanel();
    }),
    vscode.commands.registerCommand('trainingMonitor.stop', async () => {
      if (!monitor?.live) {
        void vscode.window.showInformationMessage('No training is running.');
        return;
      }
      await monitor.stop();
    }),
    vscode.commands.registerCommand('trainingMonitor.show', () => webviews.showPanel()),
  );
  return { current: () => monitor?.state, loadedViews: () => webviews.loaded };
}

/** The workers end with the extension; a launched training keeps running (its output is on disk). */
export async function deactivate(): Promise<void> {
  await monitor?.dispose();
}
