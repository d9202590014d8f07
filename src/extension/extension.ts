/** Activation: commands, the runs of this window, the monitor webviews and the status bar. */
import * as vscode from 'vscode';
import type { HostToWebview } from '../core/protocol/webview';
import { emptyBatch } from '../core/protocol/batch';
import { saveCsv, savePng } from './export';
import { pickLaunch, shellCommand, workspaceRoot, type Launch } from './launch';
import { Monitor, type MonitorHost, type MonitorState } from './monitor';
import { listRuns } from './process';
import { adopted, attachedNotebook, attachedPath, launched, type RunSource } from './sources';
import { RunStatusBar } from './statusBar';
import { MonitorWebviews } from './webviews';

/** What the extension exports: the runs' state (used by its integration tests). */
export interface TrainingMonitorApi {
  /** The run the monitor shows. */
  current(): MonitorState | undefined;
  all(): MonitorState[];
  /** Monitor webviews that loaded and got their snapshot. */
  loadedViews(): number;
  /** Ends a worker of the shown run abruptly, as a crash would (how tests reach the restart). */
  crashWorker(name: 'tail' | 'refine'): Promise<number> | undefined;
}

/** Every run of this window, oldest first, and the one the webviews show. */
const monitors: Monitor[] = [];
let shown: Monitor | undefined;

export function activate(context: vscode.ExtensionContext): TrainingMonitorApi {
  const statusBar = new RunStatusBar();
  const webviews = new MonitorWebviews(context.extensionUri, {
    snapshot: async (): Promise<HostToWebview> => shown?.snapshot() ?? { type: 'snapshot', run: undefined, batch: emptyBatch() },
    onMessage: (msg) => {
      if (msg.type === 'stop' && shown) void shown.stop();
      else if (msg.type === 'exportPng') void savePng(shown, msg.name, msg.png);
      else if (msg.type === 'exportCsv') void saveCsv(shown);
    },
  });
  const refresh = () => {
    statusBar.update(shown, monitors);
    void vscode.commands.executeCommand('setContext', 'trainingMonitor.running', monitors.some((m) => m.canStop));
  };
  const host: MonitorHost = {
    webviews,
    changed: refresh,
    isShown: (m) => m === shown,
    show: (m, tab) => {
      void showRun(m).then(() => tab && webviews.post({ type: 'tab', tab }));
    },
  };
  /** Makes `m` the run the webviews show (they get its snapshot), and opens the panel when `reveal`. */
  const showRun = async (m: Monitor, reveal = true) => {
    if (shown !== m) {
      shown = m;
      refresh();
      await webviews.post(await m.snapshot());
    }
    if (reveal) webviews.showPanel();
  };
  const follow = (source: RunSource, reveal = true) => {
    const m = new Monitor(source, context.extensionUri, host);
    monitors.push(m);
    void showRun(m, reveal);
    return m;
  };
  /** Several runs: the user picks one; one: that one. */
  const pickRun = async (runs: Monitor[], title: string) => {
    if (runs.length <= 1) return runs[0];
    const picked = await vscode.window.showQuickPick(
      runs.map((m) => ({ label: m.name, description: m.run.state, detail: m.run.command, m })),
      { title },
    );
    return picked?.m;
  };

  context.subscriptions.push(
    statusBar,
    webviews,
    // An argument skips the quick pick (keybindings, tasks, tests): `{ command }` launches, `{ attach }` follows a path.
    vscode.commands.registerCommand('trainingMonitor.start', async (arg?: { command?: string; attach?: string }) => {
      let choice: Launch | undefined;
      if (typeof arg?.attach === 'string') choice = { kind: 'attach', path: arg.attach };
      else if (typeof arg?.command === 'string') choice = { kind: 'launch', spec: shellCommand(arg.command) };
      else choice = await pickLaunch(context.globalState);
      if (!choice) return;
      switch (choice.kind) {
        case 'attach':
          return void follow(attachedPath(choice.path));
        case 'notebook':
          return void follow(attachedNotebook(choice.notebook));
        case 'launch':
          if (!vscode.workspace.isTrusted) {
            // Not awaited: the command returns at once; the notification waits for the user.
            void vscode.window
              .showWarningMessage('Training Monitor runs training commands only in a trusted workspace; attaching to logs works here.', 'Manage Workspace Trust')
              .then((a) => a && vscode.commands.executeCommand('workbench.trust.manage'));
            return;
          }
          return void follow(launched(choice.spec, workspaceRoot() ?? choice.spec.cwd));
      }
    }),
    vscode.commands.registerCommand('trainingMonitor.stop', async () => {
      const stoppable = monitors.filter((m) => m.canStop);
      if (!stoppable.length) return void vscode.window.showInformationMessage('No training is running.');
      const m = await pickRun(stoppable, 'Stop which training?');
      await m?.stop();
    }),
    vscode.commands.registerCommand('trainingMonitor.exportCsv', () => saveCsv(shown)),
    vscode.commands.registerCommand('trainingMonitor.show', async () => {
      const live = monitors.filter((m) => m.live);
      const m = live.length > 1 ? await pickRun(monitors.slice().reverse(), 'Show which run?') : shown;
      if (m) await showRun(m);
      else webviews.showPanel();
    }),
  );

  // A reload or restart does not end runs: follow again those still alive, from their files. The
  // panel is not opened here: VS Code restores it if it was open, and the status bar shows the run.
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    for (const run of listRuns(folder.uri.fsPath)) if (run.alive) follow(adopted(run.runDir, run.record), false);
  }
  refresh();
  return {
    current: () => shown?.state,
    all: () => monitors.map((m) => m.state),
    loadedViews: () => webviews.loaded,
    crashWorker: (name) => shown?.crashWorker(name),
  };
}

/** The workers end with the extension; launched trainings keep running (their output is on disk). */
export async function deactivate(): Promise<void> {
  await Promise.all(monitors.map((m) => m.dispose()));
}
