/** Asks the user what to run and turns the answer into a LaunchSpec. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LaunchSpec } from './process';

interface Choice extends vscode.QuickPickItem {
  make(): Promise<LaunchSpec | undefined>;
}

function config(scope?: vscode.Uri): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('trainingMonitor', scope);
}

function workspaceRoot(file?: vscode.Uri): string | undefined {
  const folder = (file && vscode.workspace.getWorkspaceFolder(file)) ?? vscode.workspace.workspaceFolders?.[0];
  return folder?.uri.fsPath;
}

function cwdFor(fallback: string, scope?: vscode.Uri): string {
  const configured = config(scope).get<string>('cwd');
  const root = workspaceRoot(scope) ?? fallback;
  return configured ? path.resolve(root, configured) : root;
}

function pythonFile(uri: vscode.Uri): LaunchSpec {
  const python = config(uri).get<string>('python') || (process.platform === 'win32' ? 'python' : 'python3');
  const file = uri.fsPath;
  return {
    command: python,
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

/** The choices of "Start Training Monitor". */
export async function pickLaunch(): Promise<LaunchSpec | undefined> {
  const choices: Choice[] = [];
  const active = vscode.window.activeTextEditor?.document;
  if (active?.languageId === 'python' && active.uri.scheme === 'file') {
    const uri = active.uri;
    choices.push({
      label: `$(play) Run the active Python file`,
      description: path.basename(uri.fsPath),
      make: async () => {
        if (active.isDirty) await active.save();
        return pythonFile(uri);
      },
    });
  }
  const configured = config().get<string>('command');
  if (configured) {
    choices.push({ label: `$(terminal) Run ${configured}`, description: 'trainingMonitor.command', make: async () => shellCommand(configured) });
  }
  choices.push({
    label: '$(edit) Run a command…',
    make: async () => {
      const command = await vscode.window.showInputBox({
        title: 'Training command',
        prompt: 'Runs through the shell in the workspace folder; its output is monitored.',
        value: configured || 'python3 train.py',
        ignoreFocusOut: true,
      });
      return command ? shellCommand(command) : undefined;
    },
  });
  const picked = choices.length === 1 ? choices[0] : await vscode.window.showQuickPick(choices, { title: 'Start Training Monitor', placeHolder: 'What should run?' });
  return picked?.make();
}

export function runRootFor(spec: LaunchSpec): string {
  return workspaceRoot() ?? spec.cwd;
}
