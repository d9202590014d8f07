/** Asks the user what to run and turns the answer into a LaunchSpec. */
import * as path from 'node:path';
import { PythonExtension } from '@vscode/python-extension';
import * as vscode from 'vscode';
import { plainText } from '../core/display';
import { watchChoice } from './notebooks';
import type { LaunchSpec } from './process';
import { pickJob, slurmHere, workspaceScripts, type SlurmTarget } from './slurmRuns';

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

/** What "Start Training Monitor" decided: launch a command, submit or attach to a Slurm job, or follow files written elsewhere. */
export type Launch =
  | { kind: 'launch'; spec: LaunchSpec }
  | { kind: 'slurm-submit'; target: SlurmTarget; scope?: vscode.Uri }
  | { kind: 'slurm-attach'; job: string }
  | { kind: 'attach'; path: string }
  | { kind: 'notebook'; notebook: vscode.Uri };

/** A Python file on disk: by language or, just after it opens (language not known yet), by extension. */
function isPythonFile(doc: vscode.TextDocument | undefined): doc is vscode.TextDocument {
  return doc?.uri.scheme === 'file' && (doc.languageId === 'python' || /\.pyw?$/i.test(doc.uri.fsPath));
}

/**
 * The Python file the user is looking at. With focus in the monitor (a webview) or a terminal there
 * is no active text editor, yet the file is still in view beside it: that one counts as active.
 */
function activePythonFile(): vscode.TextDocument | undefined {
  const active = vscode.window.activeTextEditor?.document;
  if (isPythonFile(active)) return active;
  return active ? undefined : vscode.window.visibleTextEditors.map((e) => e.document).find(isPythonFile);
}

const HISTORY_KEY = 'trainingMonitor.commandHistory';
const HISTORY_SIZE = 10;

/** The choices that run a command: the active Python file, the configured command, recent ones, a new one. */
function launchChoices(memory: vscode.Memento): Choice[] {
  const choices: Choice[] = [];
  const launch = (spec: LaunchSpec | undefined): Launch | undefined => spec && { kind: 'launch', spec };
  const active = activePythonFile();
  if (active) {
    const uri = active.uri;
    choices.push({
      label: '$(play) Run the active Python file',
      description: plainText(path.basename(uri.fsPath), 100),
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
    choices.push({ label: `$(terminal) Run ${plainText(configured, 200)}`, description: 'trainingMonitor.command', make: async () => remember(configured) });
  }
  for (const command of history.filter((c) => c !== configured).slice(0, 3)) {
    choices.push({ label: `$(history) Run ${plainText(command, 200)}`, description: 'recent', make: async () => remember(command) });
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

/** A Python file as a Slurm job runs it: with the interpreter and working directory a local run would use. */
export async function pythonTarget(uri: vscode.Uri): Promise<SlurmTarget> {
  const spec = await pythonFile(uri);
  return { python: spec.command, file: uri.fsPath, cwd: spec.cwd };
}

/** "Submit to Slurm…": the active Python file wrapped in a batch script, or a batch script of the workspace. */
function submitChoice(): Choice {
  return {
    label: '$(server-process) Submit to Slurm…',
    detail: 'The active Python file (#SBATCH lines from trainingMonitor.slurm.*) or a batch script; sbatch, then follow the job.',
    make: async () => {
      const active = activePythonFile();
      const items: Array<vscode.QuickPickItem & { target: () => Promise<SlurmTarget> }> = [];
      if (active) {
        const uri = active.uri;
        items.push({
          label: `$(file-code) ${plainText(path.basename(uri.fsPath), 100)}`,
          description: 'the active Python file, in a generated batch script',
          target: async () => {
            if (active.isDirty) await active.save();
            return pythonTarget(uri);
          },
        });
      }
      for (const script of await workspaceScripts()) {
        items.push({ label: `$(file) ${plainText(vscode.workspace.asRelativePath(script), 100)}`, description: 'batch script', target: async () => ({ script: script.fsPath }) });
      }
      if (!items.length) {
        void vscode.window.showInformationMessage('Open a Python file, or add a batch script with #SBATCH lines to the workspace, to submit it to Slurm.');
        return undefined;
      }
      const picked = await vscode.window.showQuickPick(items, { title: 'Submit to Slurm', placeHolder: 'What should the job run?' });
      return picked && { kind: 'slurm-submit', target: await picked.target(), scope: active?.uri };
    },
  };
}

/** "Attach to a Slurm job…": one of the user's jobs from `squeue --me`. */
function attachJobChoice(): Choice {
  return {
    label: '$(plug) Attach to a Slurm job…',
    detail: 'A job submitted elsewhere: its output files and log folders; Stop cancels it.',
    make: async () => {
      const job = await pickJob();
      return job ? { kind: 'slurm-attach', job } : undefined;
    },
  };
}

/** The choices of "Start Training Monitor", in the order the quick pick shows them. */
export function startChoices(memory: vscode.Memento): Choice[] {
  const choices: Choice[] = [];
  const slurm = slurmHere();
  if (vscode.workspace.isTrusted) {
    choices.push(...launchChoices(memory));
    if (slurm) choices.push(submitChoice());
  } else {
    // Restricted mode: nothing runs; attaching works. The way to trust the folder is offered instead.
    choices.push({
      label: '$(shield) Manage Workspace Trust…',
      detail: 'Running a training command needs a trusted workspace; attaching to logs works here.',
      make: async () => void vscode.commands.executeCommand('workbench.trust.manage'),
    });
  }
  const notebook = vscode.window.activeNotebookEditor?.notebook;
  if (notebook) choices.unshift(watchChoice(notebook.uri));
  if (notebook?.uri.scheme === 'file') {
    choices.push({
      label: "$(notebook) Attach to this notebook's run",
      description: plainText(path.basename(notebook.uri.fsPath), 100),
      detail: 'Follows the log folders its kernel writes; Stop interrupts the kernel.',
      make: async () => ({ kind: 'notebook', notebook: notebook.uri }),
    });
  }
  if (slurm) choices.push(attachJobChoice());
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
  return choices;
}

export async function pickLaunch(memory: vscode.Memento): Promise<Launch | undefined> {
  const picked = await vscode.window.showQuickPick(startChoices(memory), { title: 'Start Training Monitor', placeHolder: 'What should be monitored?' });
  return picked?.make();
}
