/** What Stop may signal and which runs a window takes over (issue 13, item 1), with real processes. */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { adoption, groupRunning, ownGroup, pidFileProcess, processStart, signalRefusal, type Liveness } from '../../../src/extension/guard';
import { AdoptedProcess } from '../../../src/extension/process';
import { createRunDir, listRuns as listRunFolders, readRecord, type RunRecord } from '../../../src/extension/runFolder';
import { alive, tempDir, until } from '../../helpers';

/** The run folders as activation lists them, judged by the local and Slurm backends' rule. */
const listRuns = (root: string, trusted: boolean) => listRunFolders(root, trusted, adoption);

/** A process group of its own (as a launched training has), led by a sleeping process. */
function groupLeader(): ChildProcess {
  const child = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
  child.unref();
  return child;
}

const running = (over: Partial<RunRecord>): RunRecord => ({ name: 'x', command: 'x', cwd: '/', start: '', status: 'running', ...over });

describe('Stop and adoption guards (real processes)', function () {
  if (process.platform !== 'linux') return;
  const started: ChildProcess[] = [];
  after(() =>
    started.forEach((c) => {
      try {
        process.kill(-c.pid!, 'SIGKILL');
      } catch {
        // ended already
      }
    }),
  );

  it("never signals pid 0 or 1, nor the editor's own process group", () => {
    for (const pid of [-1, 0, 1, 1.5, NaN]) assert.match(signalRefusal(pid, undefined) ?? '', /names no training's process group/, String(pid));
    assert.ok(ownGroup() !== undefined && ownGroup()! > 1);
    assert.match(signalRefusal(ownGroup()!, undefined) ?? '', /the editor's own/);
    assert.match(signalRefusal(process.pid, processStart(process.pid)) ?? '', /the editor's own/);
  });

  it('refuses a pid whose process started at another time than recorded (pids are reused), allows the recorded one', () => {
    const c = groupLeader();
    started.push(c);
    const start = processStart(c.pid!)!;
    assert.match(start, /^\d+$/);
    assert.equal(signalRefusal(c.pid!, start), undefined);
    assert.match(signalRefusal(c.pid!, String(Number(start) - 1)) ?? '', /now belongs to another process/);
  });

  it('adopts a run only in a trusted workspace, by a recorded start time that matches the live process', () => {
    const c = groupLeader();
    started.push(c);
    const pid = c.pid!;
    const start = processStart(pid)!;
    assert.equal(groupRunning(pid), true);
    assert.deepEqual(adoption(running({ pid, pidStart: start }), true), { adopt: true });
    assert.equal(adoption(running({ pid, pidStart: start }), false).adopt, false, 'Restricted Mode adopts nothing');
    assert.equal(adoption(running({ pid }), true).adopt, false, 'no start time recorded');
    const reused = adoption(running({ pid, pidStart: String(Number(start) + 7) }), true);
    assert.deepEqual(reused, { adopt: false, gone: true, why: `pid ${pid} now belongs to another process (pids are reused)` });
    // the run.json: pid 1, running, no start time
    const one = adoption(running({ pid: 1 }), true);
    assert.equal(one.adopt, false);
    assert.equal(one.adopt === false && one.gone, false, 'not written as ended either');
    assert.equal(adoption(running({ pid: 1, pidStart: processStart(1) }), true).adopt, false);
    assert.equal(adoption(running({ pid: ownGroup(), pidStart: processStart(ownGroup()!) }), true).adopt, false);
  });

  it('decides from what the process looks like now (pure decision, any liveness)', () => {
    const live = (l: Liveness) => () => l;
    assert.deepEqual(adoption(running({ pid: 4242, pidStart: '100' }), true, live({ start: '100', group: true })), { adopt: true });
    assert.equal(adoption(running({ pid: 4242, pidStart: '100' }), true, live({ start: undefined, group: false })).adopt, false);
    assert.equal(adoption(running({ pid: 4242, pidStart: '100' }), true, live({ start: '100', group: false })).adopt, false);
    assert.equal(adoption(running({ pid: 4242, pidStart: '100', status: 'finished' }), true, live({ start: '100', group: true })).adopt, false);
    // a Slurm job: only a job id, never an option or a list, and only when trusted
    assert.deepEqual(adoption(running({ slurmJob: '17_3' }), true), { adopt: true });
    assert.equal(adoption(running({ slurmJob: '17' }), false).adopt, false);
    for (const bad of ['--help', '17,18', '17 --full', '']) assert.equal(adoption(running({ slurmJob: bad }), true).adopt, false, bad);
  });

  it('a shipped run.json with pid 1 is neither adopted nor written to; an untrusted workspace is only read', () => {
    const root = tempDir();
    const dir = createRunDir(root, 'x');
    const shipped = JSON.stringify({
      name: 'x',
      command: 'x',
      cwd: root,
      pid: 1,
      start: '',
      status: 'running',
      also: [{ path: '/etc/passwd', as: 'stdout.log' }],
    });
    fs.writeFileSync(path.join(dir, 'run.json'), shipped);
    assert.deepEqual(
      listRuns(root, true).map((r) => r.alive),
      [false],
    );
    assert.equal(fs.readFileSync(path.join(dir, 'run.json'), 'utf8'), shipped, 'left as it was');
    // a run that really runs is not taken over in Restricted Mode, and nothing is written
    const c = groupLeader();
    started.push(c);
    const dir2 = createRunDir(root, 'y');
    const record = JSON.stringify({ name: 'y', command: 'y', cwd: root, pid: c.pid, pidStart: processStart(c.pid!), start: '', status: 'running' });
    fs.writeFileSync(path.join(dir2, 'run.json'), record);
    const ended = createRunDir(root, 'z');
    fs.writeFileSync(
      path.join(ended, 'run.json'),
      JSON.stringify({ name: 'z', command: 'z', cwd: root, pid: 999_999_99, pidStart: '5', start: '', status: 'running' }),
    );
    assert.deepEqual(
      listRuns(root, false).map((r) => r.alive),
      [false, false, false],
    );
    assert.equal(readRecord(ended)!.status, 'running', 'not written while untrusted');
    assert.equal(fs.readFileSync(path.join(dir2, 'run.json'), 'utf8'), record);
    const trusted = listRuns(root, true);
    assert.deepEqual(
      trusted.map((r) => [path.basename(r.runDir).split('-').pop(), r.alive]),
      [
        ['z', false],
        ['y', true],
        ['x', false],
      ],
    );
    assert.equal(readRecord(ended)!.status, 'failed', "a gone run's end (no exit status known) is written once trusted");
  });

  it("a pid file holding 1 (or the editor's group, or junk) names nothing to stop; one naming a live group leader does", () => {
    const dir = tempDir();
    for (const text of ['1', '0', '-1', String(ownGroup()), '12abc', '1\n2', '']) {
      fs.writeFileSync(path.join(dir, 'pid'), text);
      assert.equal(pidFileProcess(dir), undefined, JSON.stringify(text));
    }
    const c = groupLeader();
    started.push(c);
    fs.writeFileSync(path.join(dir, 'pid'), `${c.pid}\n`);
    assert.equal(pidFileProcess(dir), c.pid);
  });

  it('Stop of a run that names pid 1 signals nothing and ends at once', async () => {
    const dir = tempDir();
    const p = new AdoptedProcess(dir, running({ pid: 1, pidStart: processStart(1) }));
    const steps: string[] = [];
    await p.stop(100, (s) => steps.push(s));
    assert.ok(!steps.some((s) => /^Sent SIG/.test(s)), steps.join('\n'));
  });

  it('re-checks the start time right before each signal: a pid reused after adoption is not signalled', async () => {
    const c = groupLeader();
    started.push(c);
    const dir = tempDir();
    // adopted as another process that had this pid: the group is not signalled, the sleeper lives
    const p = new AdoptedProcess(dir, running({ pid: c.pid, pidStart: String(Number(processStart(c.pid!)) - 1) }));
    const steps: string[] = [];
    await p.stop(100, (s) => steps.push(s));
    assert.ok(!steps.some((s) => /^Sent SIG/.test(s)), steps.join('\n'));
    assert.ok(alive(c.pid!));
    // the recorded one is
    const q = new AdoptedProcess(dir, running({ pid: c.pid, pidStart: processStart(c.pid!) }));
    await q.stop(2000);
    await until(() => !alive(c.pid!), 5000, 'the group ended');
  });
});
