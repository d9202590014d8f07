/**
 * Every backend, in the order "Start Training Monitor" offers their choices. A new backend is one
 * file beside this one and one entry here.
 */
import { adoptionGate, type Adoption } from '../guard';
import { backendKind, listRuns as listRunFolders, type ListedRun, type RunRecord } from '../runFolder';
import type { RunSource } from '../sources';
import { local } from './local';
import { notebook } from './notebook';
import { slurm } from './slurm';
import type { Backend } from './types';

export const BACKENDS: readonly Backend[] = [local, slurm, notebook];

export function backendOf(record: RunRecord): Backend | undefined {
  const kind = backendKind(record);
  return BACKENDS.find((b) => b.kind === kind);
}

/**
 * Whether a recorded run is taken over: recorded as running, in a trusted workspace (guard.ts),
 * and its backend says it still runs. A backend this version does not know leaves it as it is.
 */
export function isAlive(record: RunRecord, trusted: boolean): Adoption {
  const refused = adoptionGate(record, trusted);
  if (refused) return refused;
  const backend = backendOf(record);
  if (!backend) return { adopt: false, gone: false, why: `its backend "${String(backendKind(record)).slice(0, 40)}" is not known here` };
  return backend.isAlive(record);
}

/** The workspace's run folders, each asked of its backend whether it still runs. */
export function listRuns(root: string, trusted: boolean): ListedRun[] {
  return listRunFolders(root, trusted, isAlive);
}

/** A run `isAlive` adopted, followed again by its backend. */
export function followAgain(run: ListedRun): RunSource | undefined {
  return backendOf(run.record)?.fromRecord(run.runDir, run.record);
}
