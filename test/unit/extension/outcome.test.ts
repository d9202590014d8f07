/**
 * One rule for how a run ended (issue 14, item 4): the panel (monitor.ts) and run.json with the
 * run selector (runFolder.ts) used to disagree on an unknown exit status; now both use `outcome`.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AdoptedProcess, TrainingProcess } from '../../../src/extension/process';
import { adoption } from '../../../src/extension/guard';
import { backendKind, createRunDir, listRuns, outcome, readRecord, type RunRecord } from '../../../src/extension/runFolder';
import { tempDir, until } from '../../helpers';

describe('outcome: how a run ended', () => {
  it('stopped by the user or the scheduler; finished on exit 0 (COMPLETED); failed otherwise, an unknown exit status included', () => {
    const cases: Array<[Parameters<typeof outcome>[0], boolean, string]> = [
      [{ code: 0, signal: null }, false, 'finished'],
      [{ code: 0, signal: null, state: 'COMPLETED' }, false, 'finished'],
      [{ code: 3, signal: null }, false, 'failed'],
      [{ code: null, signal: 'SIGKILL' }, false, 'failed'],
      // the launch wrapper records every exit: nothing recorded means a signal ended it
      [{ code: null, signal: null }, false, 'failed'],
      [{ code: 0, signal: null, state: 'TIMEOUT' }, false, 'failed'],
      [{ code: null, signal: null, state: 'CANCELLED' }, false, 'stopped'],
      [{ code: 130, signal: null }, true, 'stopped'],
    ];
    for (const [exit, stopped, want] of cases) assert.equal(outcome(exit, stopped), want, JSON.stringify(exit));
  });

  it("a run killed behind the monitor's back (no exit status) is failed in run.json, as the panel says", async () => {
    if (process.platform === 'win32') return; // process groups and /proc: POSIX only
    const root = tempDir();
    const dir = createRunDir(root, 'killed');
    const first = new TrainingProcess({ command: 'sleep', args: ['60'], shell: false, cwd: root, env: {}, name: 'killed' }, dir);
    // a later window takes it over, then something else kills the whole group
    const adopted = new AdoptedProcess(dir, readRecord(dir)!);
    process.kill(-first.pid, 'SIGKILL');
    const exit = await adopted.exited;
    assert.deepEqual(exit, { code: null, signal: null });
    await until(() => readRecord(dir)!.status !== 'running', 5000, 'the end recorded');
    assert.equal(readRecord(dir)!.status, outcome(exit, false));
    assert.equal(outcome(exit, false), 'failed');
  });

  it('records name their backend; older ones say it by their fields', () => {
    const base: RunRecord = { name: 'x', command: 'x', cwd: '/', start: '', status: 'running' };
    assert.equal(backendKind(base), 'local');
    assert.equal(backendKind({ ...base, slurmJob: '17' }), 'slurm');
    assert.equal(backendKind({ ...base, backend: 'local-sleep' }), 'local-sleep');
    const root = tempDir();
    const dir = createRunDir(root, 'rec');
    const p = new TrainingProcess({ command: 'true', args: [], shell: false, cwd: root, env: {}, name: 'rec' }, dir);
    assert.equal(readRecord(dir)!.backend, 'local');
    return p.exited;
  });

  it('listing asks the backend a record names; one it does not know is left as it is', () => {
    const root = tempDir();
    const dir = createRunDir(root, 'other');
    const record: RunRecord = { name: 'o', command: 'o', cwd: root, start: '', status: 'running', backend: 'ray' };
    fs.writeFileSync(path.join(dir, 'run.json'), JSON.stringify(record));
    const asked: string[] = [];
    const [run] = listRuns(
      root,
      true,
      (r, trusted) => (asked.push(backendKind(r)), r.backend === 'ray' ? { adopt: false, gone: false, why: 'unknown' } : adoption(r, trusted)),
    );
    assert.deepEqual(asked, ['ray']);
    assert.equal(run.alive, false);
    assert.equal(readRecord(dir)!.status, 'running', 'not written: its backend did not say it ended');
  });
});
