/**
 * What a Python file or a command line runs with: the interpreter, working directory and
 * environment the `trainingMonitor.*` settings and the Python extension give. Shared by the
 * local and the Slurm backends.
 */
import * as path from 'node:path';
import { PythonExtension } from '@vscode/python-extension';
import * as vscode from 'vscode';
import type { LaunchSpec } from './process';
import type { SlurmTarget } from './slurmRuns';

export function config(scope?: vscode.Uri): vscode.WorkspaceConfiguration {
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

export async function pythonFile(uri: vscode.Uri): Promise<LaunchSpec> {
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
  const first =
    command
      .trim()
      .split(/\s+/)
      .find((w) => /\.(py|sh)$/.test(w)) ?? command.trim().split(/\s+/)[0];
  return {
    command,
    args: [],
    shell: true,
    cwd: cwdFor(root),
    env: config().get<Record<string, string>>('env') ?? {},
    name: path.basename(first ?? 'run'),
  };
}

/** A Python file on disk: by language or, just after it opens (language not known yet), by extension. */
function isPythonFile(doc: vscode.TextDocument | undefined): doc is vscode.TextDocument {
  return doc?.uri.scheme === 'file' && (doc.languageId === 'python' || /\.pyw?$/i.test(doc.uri.fsPath));
}

/**
 * The Python file the user is looking at. With focus in the monitor (a webview) or a terminal there
 * is no active text editor, yet the file is still in view beside it: that one counts as active.
 */
export function activePythonFile(): vscode.TextDocument | undefined {
  const active = vscode.window.activeTextEditor?.document;
  if (isPythonFile(active)) return active;
  return active ? undefined : vscode.window.visibleTextEditors.map((e) => e.document).find(isPythonFile);
}

/** A Python file as a Slurm job runs it: with the interpreter and working directory a local run would use. */
export async function pythonTarget(uri: vscode.Uri): Promise<SlurmTarget> {
  const spec = await pythonFile(uri);
  return { python: spec.command, file: uri.fsPath, cwd: spec.cwd };
}
