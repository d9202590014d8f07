import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AdoptedProcess, TrainingProcess, type LaunchSpec } from '../../../src/extension/process';
import { adoption } from '../../../src/extension/guard';
import { createRunDir, listRuns as listRunFolders, readRecord } from '../../../src/extension/runFolder';
import { alive, tempDir, until } from '../../helpers';

/** The run folders as activation lists them, judged by the local and Slurm backends' rule (guard.ts). */
const listRuns = (root: string, trusted: boolean) => listRunFolders(root, trusted, adoption);

function py(code: string, cwd: string): LaunchSpec {
  return { command: 'python3', args: ['-c', code], shell: false, cwd, env: {}, name: 'test.py' };
}

const TRAINING = `
import os, sys, time
print("run dir", os.environ["TRAINING_MONITOR_RUN_DIR"], "unbuffered", os.environ.get("PYTHONUNBUFFERED"))
try:
    for i in range(10000):
        print(f"step={i} loss={1/(i+1)}")
        time.sleep(0.01)
except KeyboardInterrupt:
    print("saved checkpoint")
    sys.exit(130)
`;

// A parent that ignores SIGINT and SIGTERM and forks a child that ignores SIGINT (a DataLoader worker).
const STUBBORN = `
import os, signal, time
signal.signal(signal.SIGINT, signal.SIG_IGN)
signal.signal(signal.SIGTERM, signal.SIG_IGN)
pid = os.fork()
if pid == 0:
    while True: time.sleep(0.1)
open(os.path.join(os.environ["TRAINING_MONITOR_RUN_DIR"], "child.pid"), "w").write(str(pid))
while True: time.sleep(0.1)
`;

describe('TrainingProcess (real processes)', function () {
  if (process.platform === 'win32') return;

  it('writes stdout to the run directory and stops with SIGINT so the training can save', async () => {
    const root = tempDir();
    const dir = createRunDir(root, 'test.py', new Date(2026, 10, 23, 9, 5, 7));
    assert.match(dir, /\.training-monitor\/runs\/20261123-090507-test\.py$/);
    assert.equal(fs.readFileSync(path.join(root, '.training-monitor', '.gitignore'), 'utf8'), '*\n');
    const p = new TrainingProcess(py(TRAINING, root), dir);
    await until(() => fs.readFileSync(path.join(dir, 'stdout.log'), 'utf8').includes('step=5'), 10_000, 'output');
    const steps: string[] = [];
    const exit = await p.stop(5000, (s) => steps.push(s));
    assert.equal(exit.code, 130);
    assert.deepEqual(steps, [`Sent SIGINT to process group ${p.pid}.`, `Process group ${p.pid} ended.`]);
    const out = fs.readFileSync(path.join(dir, 'stdout.log'), 'utf8');
    assert.match(out, new RegExp(`run dir ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} unbuffered 1`));
    assert.match(out, /saved checkpoint\n$/);
    const record = JSON.parse(fs.readFileSync(path.join(dir, 'run.json'), 'utf8'));
    assert.equal(record.status, 'stopped');
    assert.equal(record.exitCode, 130);
    assert.equal(record.pid, p.pid);
  });

  it('leaves no process behind when the training ignores SIGINT and SIGTERM and has a forked child', async () => {
    const root = tempDir();
    const dir = createRunDir(root, 'stubborn');
    const p = new TrainingProcess(py(STUBBORN, root), dir);
    const childPid = Number(
      await until(() => fs.existsSync(path.join(dir, 'child.pid')) && fs.readFileSync(path.join(dir, 'child.pid'), 'utf8'), 10_000, 'child pid'),
    );
    assert.ok(alive(childPid));
    const steps: string[] = [];
    const exit = await p.stop(300, (s) => steps.push(s));
    // The launch wrapper (bash, the group leader) ends at SIGTERM; the training ignoring it needs SIGKILL.
    assert.equal(exit.signal, 'SIGTERM');
    assert.deepEqual(
      steps.map((s) => s.split(' ')[1]),
      ['SIGINT', 'SIGTERM', 'SIGKILL', 'group'],
    );
    assert.equal(p.groupAlive(), false);
    await until(() => !alive(childPid), 5000, 'forked child gone');
  });

  it('records a failed run and its exit code', async () => {
    const root = tempDir();
    const dir = createRunDir(root, 'fail');
    const p = new TrainingProcess(py('import sys; print("boom", file=sys.stderr); sys.exit(3)', root), dir);
    assert.deepEqual(await p.exited, { code: 3, signal: null });
    await until(() => JSON.parse(fs.readFileSync(path.join(dir, 'run.json'), 'utf8')).status === 'failed', 2000, 'run.json');
    assert.equal(fs.readFileSync(path.join(dir, 'stderr.log'), 'utf8'), 'boom\n');
  });

  it('a run outlives the window that started it: a later window finds it, stops it and learns its exit code', async () => {
    const root = tempDir();
    const dir = createRunDir(root, 'train.py');
    const first = new TrainingProcess(py(TRAINING, root), dir);
    await until(() => fs.readFileSync(path.join(dir, 'stdout.log'), 'utf8').includes('step=3'), 10_000, 'output');
    // What activation after a reload sees:
    const [found] = listRuns(root, true);
    assert.equal(found.runDir, dir);
    assert.equal(found.alive, true);
    assert.equal(found.record.pid, first.pid);
    const adopted = new AdoptedProcess(found.runDir, found.record);
    const exit = await adopted.stop(5000);
    assert.deepEqual(exit, { code: 130, signal: null }, 'the wrapper recorded the exit status');
    assert.ok(fs.readFileSync(path.join(dir, 'stdout.log'), 'utf8').includes('saved checkpoint'));
    assert.equal(readRecord(dir)!.status, 'stopped');
    assert.equal(listRuns(root, true)[0].alive, false);
  });

  it('does not take a reused pid for a run, and writes the end of a run whose window went away', () => {
    const root = tempDir();
    const dir = createRunDir(root, 'old');
    // This process is alive, but started at another time than the run's.
    fs.writeFileSync(
      path.join(dir, 'run.json'),
      JSON.stringify({ name: 'old', command: 'x', cwd: root, pid: process.pid, pidStart: '1', start: '', status: 'running' }),
    );
    fs.writeFileSync(path.join(dir, 'exit-code'), '0');
    const [run] = listRuns(root, true);
    assert.equal(run.alive, false);
    assert.equal(readRecord(dir)!.status, 'finished');
    assert.equal(readRecord(dir)!.exitCode, 0);
  });
});
