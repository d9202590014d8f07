/** Asks the user what to run and turns the answer into a LaunchSpec. */
import * as path from 'node:path';
import { PythonExtension } from '@vscode/python-extension';
import * as vscode from 'vscode';
import type { LaunchSpec } from './process';

interface Choice extends vscode.QuickPickItem {
  make(): Promise<Launch | undefined>;
}

function config(scope?: vscode.Uri): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('trainingMonitor', scope);
}

export function workspaceRoot(file?: vscode.Uri): string | undefined {
  const folder = (file && vscode.workspace.getWorkspaceFolder(file)) ?? vscode.workspace.workspaceFolders?.[0];
  return folder?.uri.fsPath;
}

function cwdFor(fallback: string, scope?: vscode.Uri): string {
  const configured = config(scope).get<string>('cwd');
  const root = workspaceRoot(scope) ?? fallback;
  return configured ? path.resolve(root, configured) : root;
}

/**
 * The interpreter for a file: `trainingMonitor.python`, else the one the Python extension has
 * selected (through its API), else `python.defaultInterpreterPath`, else python3/python on PATH.
 */
async function interpreterFor(uri: vscode.Uri): Promise<string> {
  const own = config(uri).get<string>('python');
  if (own) return own;
  if (vscode.extensions.getExtension('ms-python.python')) {
    try {
      const api = await PythonExtension.api();
      await api.ready;
      const active = api.environments.getActiveEnvironmentPath(uri);
      const env = await api.environments.resolveEnvironment(active);
      const exe = env?.executable.uri?.fsPath;
      if (exe) return exe;
    } catch {
      // disabled, or not activated in a restricted workspace: the fallbacks below
    }
  }
  const fallback = vscode.workspace.getConfiguration('python', uri).get<string>('defaultInterpreterPath');
  if (fallback && fallback !== 'python') return fallback;
  return process.platform === 'win32' ? 'python' : 'python3';
}

async function pythonFile(uri: vscode.Uri): Promise<LaunchSpec> {
  const file = uri.fsPath;
  return {
    command: await interpreterFor(uri),
    args: ['-u', file],
    shell: false,
    cwd: cwdFor(path.dirname(file), uri),
    env: config(uri).get<Record<string, string>>('env') ?? {},
    name: path.basename(file),
  };
}

export function shellCommand(command: string): LaunchSpec {
  const root = workspaceRoot() ?? process.cwd();
  const first = command.trim().split(/\s+/).find((w) => /\.(py|sh)$/.test(w)) ?? command.trim().split(/\s+/)[0];
  return {
    command,
    args: [],
    shell: true,
    cwd: cwdFor(root),
    env: config().get<Record<string, string>>('env') ?? {},
    name: path.basename(first ?? 'run'),
  };
}

/** What "Start Training Monitor" decided: launch a command, or follow files written elsewhere. */
export type Launch =
  | { kind: 'launch'; spec: LaunchSpec }
  | { kind: 'attach'; path: string }
  | { kind: 'notebook'; notebook: vscode.Uri };

const HISTORY_KEY = 'trainingMonitor.commandHistory';
const HISTORY_SIZE = 10;

/** The choices that run a command: the active Python file, the configured command, recent ones, a new one. */
function launchChoices(memory: vscode.Memento): Choice[] {
  const choices: Choice[] = [];
  const launch = (spec: LaunchSpec | undefined): Launch | undefined => spec && { kind: 'launch', spec };
  const active = vscode.window.activeTextEditor?.document;
  // By extension too: just after a file opens, its language may not be known yet.
  if (active?.uri.scheme === 'file' && (active.languageId === 'python' || /\.pyw?$/i.test(active.uri.fsPath))) {
    const uri = active.uri;
    choices.push({
      label: '$(play) Run the active Python file',
      description: path.basename(uri.fsPath),
      make: async () => {
        if (active.isDirty) await active.save();
        return launch(await pythonFile(uri));
      },
    });
  }
  const configured = config().get<string>('command');
  const history = memory.get<string[]>(HISTORY_KEY, []);
  const remember = async (command: string) => {
    await memory.update(HISTORY_KEY, [command, ...history.filter((c) => c !== command)].slice(0, HISTORY_SIZE));
    return launch(shellCommand(command));
  };
  if (configured) {
    choices.push({ label: `$(terminal) Run ${configured}`, description: 'trainingMonitor.command', make: async () => remember(configured) });
  }
  for (const command of history.filter((c) => c !== configured).slice(0, 3)) {
    choices.push({ label: `$(history) Run ${command}`, description: 'recent', make: async () => remember(command) });
  }
  choices.push({
    label: '$(edit) Run a command…',
    make: async () => {
      const command = await vscode.window.showInputBox({
        title: 'Training command',
        prompt: 'Runs through the shell in the workspace folder; its output is monitored.',
        value: history[0] || configured || 'python3 train.py',
        ignoreFocusOut: true,
      });
      return command ? remember(command) : undefined;
    },
  });
  return choices;
}

/** The choices of "Start Training Monitor". */
export async function pickLaunch(memory: vscode.Memento): Promise<Launch | undefined> {
  const choices: Choice[] = [];
  if (vscode.workspace.isTrusted) choices.push(...launchChoices(memory));
  else {
    // Restricted mode: nothing runs; attaching works. The way to trust the folder is offered instead.
    choices.push({
      label: '$(shield) Manage Workspace Trust…',
      detail: 'Running a training command needs a trusted workspace; attaching to logs works here.',
      make: async () => void vscode.commands.executeCommand('workbench.trust.manage'),
    });
  }
  const notebook = vscode.window.activeNotebookEditor?.notebook;
  if (notebook?.uri.scheme === 'file') {
    choices.push({
      label: "$(notebook) Attach to this notebook's run",
      description: path.basename(notebook.uri.fsPath),
      detail: 'Follows the log folders its kernel writes; Stop interrupts the kernel.',
      make: async () => ({ kind: 'notebook', notebook: notebook.uri }),
    });
  }
  choices.push({
    label: '$(folder-opened) Attach to a folder or file…',
    detail: 'Logs another program is writing: lightning_logs/version_3, runs/, metrics.csv, a .log…',
    make: async () => {
      const picked = await vscode.window.showOpenDialog({
        canSelectFiles: true,
        canSelectFolders: true,
        canSelectMany: false,
        defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
        openLabel: 'Attach',
        title: 'Follow the training logs in…',
      });
      return picked?.[0] && { kind: 'attach', path: picked[0].fsPath };
    },
  });
  const picked = await vscode.window.showQuickPick(choices, { title: 'Start Training Monitor', placeHolder: 'What should be monitored?' });
  return picked?.make();
}
