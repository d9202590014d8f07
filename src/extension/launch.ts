/**
 * "Start Training Monitor": the choices of every backend (backends/index.ts) and of the ways to
 * follow files (a folder or file, a notebook's log folders), and the command's argument, which
 * skips the quick pick. A new way to start or follow something is one `ChoiceProvider` in
 * `PROVIDERS` (a backend: one entry in BACKENDS).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { plainText } from '../core/display';
import { BACKENDS } from './backends';
import { follows, type ChoiceProvider, type Start, type StartChoice } from './backends/types';
import { watchChoice } from './notebooks';
import { attachedNotebook, attachedPath } from './sources';

/** Follows the log folders of the active notebook's kernel; Stop interrupts the kernel. */
const notebookLogs: ChoiceProvider = {
  choices: () => {
    const notebook = vscode.window.activeNotebookEditor?.notebook;
    if (notebook?.uri.scheme !== 'file') return {};
    const choice: StartChoice = {
      label: "$(notebook) Attach to this notebook's run",
      description: plainText(path.basename(notebook.uri.fsPath), 100),
      detail: 'Follows the log folders its kernel writes; Stop interrupts the kernel.',
      make: async () => follows(() => attachedNotebook(notebook.uri)),
    };
    return { attach: [choice] };
  },
};

/** Follows a folder or file another program writes (`{ attach: path }` as the argument). */
const filesWritten: ChoiceProvider = {
  choices: () => ({
    attach: [
      {
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
          return picked?.[0] && attachTo(picked[0].fsPath);
        },
      },
    ],
  }),
  fromArgument: (arg) => (typeof arg.attach === 'string' ? attachTo(arg.attach) : undefined),
};

const attachTo = (target: string): Start => follows(() => attachedPath(target, vscode.workspace.isTrusted));

/** Everything the quick pick offers, in its order: each one's `run` choices, then each one's `attach` choices. */
const PROVIDERS: readonly ChoiceProvider[] = [...BACKENDS, notebookLogs, filesWritten];

/** The choices of "Start Training Monitor", in the order the quick pick shows them. */
export function startChoices(memory: vscode.Memento): StartChoice[] {
  const offered = PROVIDERS.map((p) => p.choices({ memory }));
  const choices: StartChoice[] = [];
  if (vscode.workspace.isTrusted) {
    for (const o of offered) choices.push(...(o.run ?? []));
  } else {
    // Restricted mode: nothing runs; attaching works. The way to trust the folder is offered first;
    // a run picked here waits for trust (extension.ts) and is made only then, with the trusted settings.
    choices.push({
      label: '$(shield) Manage Workspace Trust…',
      detail: 'Running a training command needs a trusted workspace; attaching to logs works here.',
      make: async () => void vscode.commands.executeCommand('workbench.trust.manage'),
    });
    for (const o of offered) choices.push(...(o.run ?? []).map(afterTrust));
  }
  for (const o of offered) choices.push(...(o.attach ?? []));
  // with a notebook active, watching its cells comes first: it is what a notebook user came for
  const notebook = vscode.window.activeNotebookEditor?.notebook;
  if (notebook) choices.unshift(watchChoice(notebook.uri));
  return choices;
}

/** A run choice offered in Restricted Mode: says it waits for trust; its questions and settings come once trusted. */
function afterTrust(choice: StartChoice): StartChoice {
  return {
    ...choice,
    detail: 'Starts once you trust this folder.',
    make: async () => ({
      runsCode: true,
      begin: async (root) => {
        const start = await choice.make();
        return start ? start.begin(root) : [];
      },
    }),
  };
}

export async function pickStart(memory: vscode.Memento): Promise<Start | undefined> {
  const picked = await vscode.window.showQuickPick(startChoices(memory), { title: 'Start Training Monitor', placeHolder: 'What should be monitored?' });
  return picked?.make();
}

/**
 * What `trainingMonitor.start` takes instead of asking (keybindings, tasks, tests): `{ command }`
 * launches, `{ attach }` follows a path, `{ slurmScript }` / `{ slurmPython }` submit a job,
 * `{ slurmJob }` attaches to one; the first provider that knows the argument makes it.
 */
export async function startArgument(arg: unknown): Promise<Start | undefined> {
  if (!arg || typeof arg !== 'object') return undefined;
  for (const p of PROVIDERS) {
    const start = await p.fromArgument?.(arg as Record<string, unknown>);
    if (start) return start;
  }
  return undefined;
}
