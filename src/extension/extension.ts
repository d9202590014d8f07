/** Activation: commands, the runs of this window, the monitor webviews and the status bar. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { plainText } from '../core/display';
import type { RunChoice } from '../core/protocol/webview';
import { followAgain, listRuns } from './backends';
import type { Start } from './backends/types';
import { saveCsv, savePng } from './export';
import { pickStart, startArgument, startChoices } from './launch';
import { Monitor, type MonitorHost, type MonitorState } from './monitor';
import { NotebookWatcher } from './notebooks';
import { workspaceRoot } from './pythonLaunch';
import { Runs } from './runs';
import { RunStatusBar } from './statusBar';
import { testHooks, type TestHooks } from './testHooks';
import { MonitorWebviews, whenOwnEditorLeaves } from './webviews';

/** What the extension exports: the runs' state (used by its integration tests). */
export interface TrainingMonitorApi {
  /** The run the monitor shows. */
  current(): MonitorState | undefined;
  all(): MonitorState[];
  /** Monitor webviews that loaded and got their snapshot. */
  loadedViews(): number;
  /** Only in the test build (testHooks.ts). */
  testHooks?: TestHooks;
  /** What the run selector offers, and its two actions. */
  runs(): RunChoice[];
  showRun(id: string): Promise<void>;
  overlay(id: string, on: boolean): Promise<void>;
  /** The labels "Start Training Monitor" would offer now, in order. */
  startChoices(): string[];
}

/** Every run of this window (module-level: deactivate ends their workers). */
let runs: Runs | undefined;

export function activate(context: vscode.ExtensionContext): TrainingMonitorApi {
  const statusBar = new RunStatusBar();
  const webviews = new MonitorWebviews(context.extensionUri, {
    snapshot: () => r.snapshot(),
    answer: (q) => r.answer(q),
    onMessage: (msg) => {
      const shown = r.shown;
      if (msg.type === 'stop' && shown) void shown.stop();
      else if (msg.type === 'showRun') void choose(msg.id, (m) => r.show(m, false));
      else if (msg.type === 'overlay') void choose(msg.id, (m) => r.overlay(m, msg.on));
      else if (msg.type === 'copy') void vscode.env.clipboard.writeText(msg.text);
      else if (msg.type === 'exportPng') void savePng(shown, msg.name, msg.png);
      else if (msg.type === 'exportCsv') void saveCsv(shown);
    },
  });
  const refresh = () => {
    statusBar.update(r.shown, r.all);
    r.postChoices();
    void vscode.commands.executeCommand(
      'setContext',
      'trainingMonitor.running',
      r.all.some((m) => m.canStop),
    );
  };
  const host: MonitorHost = {
    webviews,
    changed: () => refresh(),
    isShown: (m) => r.isShown(m),
    overlayBatch: (m, batch) => r.overlayBatch(m, batch),
    resend: (m) => {
      if (r.isShown(m) || r.tagOf(m) !== undefined) void r.resend();
    },
    show: (m, tab) => {
      void r.show(m).then(() => tab && webviews.post({ type: 'tab', tab }));
    },
  };
  const r: Runs = (runs = new Runs(
    webviews,
    (source) => new Monitor(source, context.extensionUri, host),
    () => refresh(),
  ));
  /** A run the selector named (a past one is opened first); a run no longer there is dropped from the list. */
  const choose = async (id: string, then: (m: Monitor) => Promise<void>) => {
    const m = r.byId(id);
    if (m) await then(m);
    else r.postChoices();
  };
  /** A launch asked for before the workspace was trusted: it goes on once the user grants trust. */
  let awaitingTrust: Start | undefined;
  /**
   * Follows what a start choice made (the first run shown); a command runs only in a trusted
   * workspace. With `revealed`, the run starts at once and its panel opens once that resolves.
   */
  const begin = async (start: Start, revealed?: Promise<void>) => {
    if (start.runsCode && !vscode.workspace.isTrusted) {
      awaitingTrust = start;
      // Not awaited: the command returns at once; the notification waits for the user.
      void vscode.window
        .showWarningMessage(
          'Training Monitor runs training commands only in a trusted workspace; attaching to logs works here. Once you trust it, the run starts.',
          'Manage Workspace Trust',
        )
        .then((a) => a && vscode.commands.executeCommand('workbench.trust.manage'));
      return;
    }
    const sources = await says(Promise.resolve().then(() => start.begin(workspaceRoot() ?? process.cwd())));
    sources?.forEach((source, i) => r.follow(source, i === 0, !revealed));
    if (sources?.length && revealed) void revealed.then(() => webviews.showPanel());
  };
  /** Several runs: the user picks one; one: that one. */
  const pickRun = async (list: Monitor[], title: string) => {
    if (list.length <= 1) return list[0];
    const picked = await vscode.window.showQuickPick(
      list.map((m) => ({ label: plainText(m.label, 100), description: m.run.state, detail: plainText(m.run.command, 200), m })),
      { title },
    );
    return picked?.m;
  };

  const notebookWatcher = () => new NotebookWatcher((source) => void r.follow(source), workspaceRoot, context.workspaceState);
  let notebooks = notebookWatcher();
  context.subscriptions.push(
    statusBar,
    webviews,
    { dispose: () => notebooks.dispose() },
    // An argument skips the quick pick (keybindings, tasks, tests): see `startArgument`.
    vscode.commands.registerCommand('trainingMonitor.start', async (arg?: unknown) => {
      const start = (await startArgument(arg)) ?? (await pickStart(context.globalState));
      if (start) await begin(start);
    }),
    vscode.commands.registerCommand('trainingMonitor.stop', async () => {
      const stoppable = r.all.filter((m) => m.canStop);
      if (!stoppable.length) return void vscode.window.showInformationMessage('No training is running.');
      const m = await pickRun(stoppable, 'Stop which training?');
      await m?.stop();
    }),
    vscode.commands.registerCommand('trainingMonitor.exportCsv', () => saveCsv(r.shown)),
    vscode.commands.registerCommand('trainingMonitor.show', async () => {
      const live = r.all.filter((m) => m.live);
      const m = live.length > 1 ? await pickRun(r.all.slice().reverse(), 'Show which run?') : r.shown;
      if (m) await r.show(m, false);
      webviews.showPanel(true); // the user asked for the monitor: keys go to it
    }),
  );

  // A reload or restart does not end runs: follow again those still alive, from their files. The
  // panel is not opened here: VS Code restores it if it was open, and the status bar shows the run.
  // Only in a trusted workspace: a run folder is workspace content (see guard.ts); trust granted
  // later takes them over then.
  const adoptAll = () => {
    if (!vscode.workspace.isTrusted) return;
    const followed = new Set(r.all.map((m) => m.id));
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      for (const run of listRuns(folder.uri.fsPath, true)) {
        const source = run.alive && !followed.has(path.resolve(run.runDir)) ? followAgain(run) : undefined;
        if (source) r.follow(source, true, false);
      }
    }
  };
  adoptAll();
  context.subscriptions.push(
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      adoptAll();
      refresh();
      const start = awaitingTrust;
      awaitingTrust = undefined;
      // the launch the user asked for goes on; its monitor opens beside the code once the trust editor is left
      if (start) void begin(start, whenOwnEditorLeaves());
    }),
  );
  refresh();
  return {
    current: () => r.shown?.state,
    all: () => r.all.map((m) => m.state),
    loadedViews: () => webviews.loaded,
    testHooks: TEST_HOOKS
      ? testHooks(r, async (away) => {
          notebooks.dispose();
          await r.dispose();
          r.all.splice(0);
          r.shown = undefined;
          await away?.();
          notebooks = notebookWatcher();
          adoptAll();
          refresh();
        })
      : undefined,
    runs: () => r.choices(true),
    showRun: (id) => choose(id, (m) => r.show(m, false)),
    overlay: (id, on) => choose(id, (m) => r.overlay(m, on)),
    startChoices: () => startChoices(context.globalState).map((c) => c.label),
  };
}

/** A step's result, or undefined after one error notification that says what failed (never a hang: every Slurm command has a timeout). */
async function says<T>(step: Promise<T>): Promise<T | undefined> {
  try {
    return await step;
  } catch (err) {
    void vscode.window.showErrorMessage(`Training Monitor: ${plainText((err as Error).message, 400)}`);
    return undefined;
  }
}

/** The workers end with the extension; launched trainings keep running (their output is on disk). */
export async function deactivate(): Promise<void> {
  await runs?.dispose();
}
