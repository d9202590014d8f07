/**
 * The local backend: a training started here in its own process group (process.ts), its output
 * in its run folder; after a window reload, taken over by its recorded pid and start time.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { plainText } from '../../core/display';
import { adoption } from '../guard';
import type { LaunchSpec } from '../process';
import { activePythonFile, config, pythonFile, shellCommand, workspaceRoot } from '../pythonLaunch';
import { adopted, launched } from '../sources';
import { runs, type Backend, type Start, type StartChoice } from './types';

const HISTORY_KEY = 'trainingMonitor.commandHistory';
const HISTORY_SIZE = 10;

function launch(spec: LaunchSpec): Start {
  return runs(() => launched(spec, workspaceRoot() ?? spec.cwd));
}

/** The choices that run a command: the active Python file, the configured command, recent ones, a new one. */
function launchChoices(memory: vscode.Memento): StartChoice[] {
  const choices: StartChoice[] = [];
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

export const local: Backend = {
  kind: 'local',
  choices: ({ memory }) => ({ run: launchChoices(memory) }),
  fromArgument: (arg) => (typeof arg.command === 'string' ? launch(shellCommand(arg.command)) : undefined),
  // its recorded pid must still lead a running group that started when the run did (guard.ts)
  isAlive: (record) => adoption({ ...record, slurmJob: undefined }, true),
  fromRecord: (runDir, record) => adopted(runDir, record),
};
