/**
 * What runs a training, as the editor sees it: one file per backend (local.ts, slurm.ts), listed
 * once in index.ts. A backend offers its choices in "Start Training Monitor", reads the start
 * command's argument, follows again after a window reload the runs it started (their run.json),
 * and says whether such a run still runs. Stopping is the `RunControl` its runs carry (control.ts).
 */
import type * as vscode from 'vscode';
import type { Adoption } from '../guard';
import type { RunRecord } from '../runFolder';
import type { RunSource } from '../sources';

/** What a start choice (or the start command's argument) decided; nothing has run yet. */
export interface Start {
  /** It runs a command (not just follows files): refused in a workspace that is not trusted. */
  runsCode: boolean;
  /** Makes the runs to follow, the first shown; a rejection's message is shown to the user. */
  begin(workspaceRoot: string): Promise<RunSource[]> | RunSource[];
}

/** One entry of the "Start Training Monitor" quick pick; `make` asks any further question. */
export interface StartChoice extends vscode.QuickPickItem {
  make(): Promise<Start | undefined>;
}

export interface ChoiceContext {
  memory: vscode.Memento;
}

/** Something "Start Training Monitor" offers: a backend, or a way to follow files (a folder, a notebook). */
export interface ChoiceProvider {
  /**
   * Its choices: `run` ones start something (offered in a trusted workspace only, first),
   * `attach` ones follow what runs already (offered everywhere, after them).
   */
  choices(ctx: ChoiceContext): { run?: StartChoice[]; attach?: StartChoice[] };
  /** The start command's argument, when it is this provider's (`{ command }`, `{ slurmJob }`): keybindings, tasks, tests. */
  fromArgument?(arg: Record<string, unknown>): Promise<Start | undefined> | Start | undefined;
}

export interface Backend extends ChoiceProvider {
  /** What its run.json records say in `backend` (`local`, `slurm`). */
  readonly kind: string;
  /**
   * A run it started, recorded as running, still running: whether it is taken over (watched,
   * stopped by Stop). Asked only for records in a trusted workspace (see `adoptionGate`).
   */
  isAlive(record: RunRecord): Adoption;
  /** Such a run, followed again after a window reload (only for a record `isAlive` adopted). */
  fromRecord(runDir: string, record: RunRecord): RunSource;
}

/** A Start that runs a command, making one run. */
export function runs(begin: (workspaceRoot: string) => RunSource | Promise<RunSource>): Start {
  return { runsCode: true, begin: async (root) => [await begin(root)] };
}

/** A Start that follows what runs already. */
export function follows(begin: (workspaceRoot: string) => RunSource | RunSource[] | Promise<RunSource | RunSource[]>): Start {
  return { runsCode: false, begin: async (root) => [await begin(root)].flat() };
}
