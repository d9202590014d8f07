/**
 * The Slurm backend: a job submitted with sbatch (a batch script, or the active Python file in a
 * generated one) or attached to, followed through the scheduler (slurm.ts, slurmRuns.ts).
 * Offered only where Slurm's commands are (a login node).
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { plainText } from '../../core/display';
import { adoption } from '../guard';
import { activePythonFile, pythonTarget } from '../pythonLaunch';
import { adoptedJob, attached, pickJob, slurmHere, submitted, workspaceScripts, type SlurmTarget } from '../slurmRuns';
import { follows, runs, type Backend, type Start, type StartChoice } from './types';

const submit = (target: SlurmTarget, scope?: vscode.Uri): Start => runs((root) => submitted(target, root, scope));
const attach = (job: string): Start => follows((root) => attached(job, root));

/** "Submit to Slurm…": the active Python file wrapped in a batch script, or a batch script of the workspace. */
function submitChoice(): StartChoice {
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
        items.push({
          label: `$(file) ${plainText(vscode.workspace.asRelativePath(script), 100)}`,
          description: 'batch script',
          target: async () => ({ script: script.fsPath }),
        });
      }
      if (!items.length) {
        void vscode.window.showInformationMessage('Open a Python file, or add a batch script with #SBATCH lines to the workspace, to submit it to Slurm.');
        return undefined;
      }
      const picked = await vscode.window.showQuickPick(items, { title: 'Submit to Slurm', placeHolder: 'What should the job run?' });
      return picked && submit(await picked.target(), active?.uri);
    },
  };
}

/** "Attach to a Slurm job…": one of the user's jobs from `squeue --me`. */
function attachJobChoice(): StartChoice {
  return {
    label: '$(plug) Attach to a Slurm job…',
    detail: 'A job submitted elsewhere: its output files and log folders; Stop cancels it.',
    make: async () => {
      const job = await pickJob();
      return job ? attach(job) : undefined;
    },
  };
}

export const slurm: Backend = {
  kind: 'slurm',
  choices: () => (slurmHere() ? { run: [submitChoice()], attach: [attachJobChoice()] } : {}),
  fromArgument: async (arg) => {
    if (typeof arg.slurmScript === 'string') return submit({ script: arg.slurmScript });
    if (typeof arg.slurmPython === 'string') {
      const uri = vscode.Uri.file(arg.slurmPython);
      return submit(await pythonTarget(uri), uri);
    }
    if (typeof arg.slurmJob === 'string') return attach(arg.slurmJob);
    return undefined;
  },
  // the recorded job id must be one (guard.ts); the scheduler, asked once it is followed, tells its state
  isAlive: (record) => (record.slurmJob === undefined ? { adopt: false, gone: false, why: 'it records no Slurm job id' } : adoption(record, true)),
  fromRecord: (runDir, record) => adoptedJob(runDir, record),
};
