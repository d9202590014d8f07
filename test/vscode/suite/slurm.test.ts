/**
 * Slurm jobs as runs, inside a real VS Code, against the real single-node Slurm that
 * scripts/slurm-start.sh starts (CI does): submit, follow, stop, attach, pending.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { requireSlurm, until } from '../../helpers';
import type { TrainingMonitorApi } from '../../../src/extension/extension';

async function api(): Promise<TrainingMonitorApi> {
  return vscode.extensions.getExtension<TrainingMonitorApi>('training-monitor.training-monitor')!.activate();
}

const workspace = () => vscode.workspace.workspaceFolders![0].uri.fsPath;
const squeue = (id: string) => execFileSync('squeue', [`--jobs=${id}`, '--states=all', '--noheader', '--format=%T'], { encoding: 'utf8' }).trim();
const events = (runDir: string) => fs.readFileSync(path.join(runDir, 'events.jsonl'), 'utf8');

describe('Slurm jobs in VS Code (real Slurm)', function () {
  this.timeout(120_000);
  const jobs: string[] = [];

  before(requireSlurm);
  // a failed test's job must not hold the one-node cluster's CPUs for the next
  afterEach(() => {
    for (const id of jobs.splice(0)) {
      try {
        execFileSync('scancel', [id]);
      } catch {
        // ended
      }
    }
  });

  it('submits the Python file as a job, charts its output, and Stop lets the training save (exit 130)', async () => {
    const monitor = await api();
    await vscode.workspace.getConfiguration('trainingMonitor.slurm').update('partition', 'debug', vscode.ConfigurationTarget.Global);
    try {
      await vscode.commands.executeCommand('trainingMonitor.start', { slurmPython: path.join(workspace(), 'train.py') });
    } finally {
      await vscode.workspace.getConfiguration('trainingMonitor.slurm').update('partition', undefined, vscode.ConfigurationTarget.Global);
    }
    const running = await until(
      () => (monitor.current()?.points ?? 0) > 30 && monitor.current()?.run.state === 'running' && monitor.current(),
      60_000,
      'the job running, its points charted',
    );
    const record = JSON.parse(fs.readFileSync(path.join(running.runDir!, 'run.json'), 'utf8'));
    jobs.push(record.slurmJob);
    assert.match(record.slurmJob, /^\d+$/);
    assert.equal(running.run.name, 'train.py');
    assert.equal(running.run.state, 'running');
    assert.equal(squeue(record.slurmJob), 'RUNNING');
    const script = fs.readFileSync(path.join(running.runDir!, 'job.sbatch'), 'utf8');
    assert.match(script, /^#SBATCH --partition=debug$/m);
    assert.match(script, new RegExp(`^#SBATCH --output=${running.runDir}/stdout.log$`, 'm'));

    await vscode.commands.executeCommand('trainingMonitor.stop');
    const stopped = await until(() => monitor.current()?.run.state === 'stopped' && monitor.current(), 60_000, 'the job to stop');
    assert.equal(stopped.run.exit, 'exit 130');
    assert.match(fs.readFileSync(path.join(running.runDir!, 'stdout.log'), 'utf8'), /Interrupted: saved checkpoint/);
    assert.match(events(running.runDir!), /Sent SIGINT to Slurm job \d+ \(scancel --signal=INT --full\)/);
    assert.equal(JSON.parse(fs.readFileSync(path.join(running.runDir!, 'run.json'), 'utf8')).status, 'stopped');
  });

  for (const [what, args] of [
    ['an array job', ['--array=0-1']],
    ['a job of two srun tasks', ['--ntasks=2']],
  ] as const) {
    it(`submits ${what}: a file and a log tab per task, each task's series its own, and Stop reaches every task`, async () => {
      const monitor = await api();
      const slurm = vscode.workspace.getConfiguration('trainingMonitor.slurm');
      await slurm.update('extraArgs', args, vscode.ConfigurationTarget.Global);
      try {
        await vscode.commands.executeCommand('trainingMonitor.start', { slurmPython: path.join(workspace(), 'train.py') });
      } finally {
        await slurm.update('extraArgs', undefined, vscode.ConfigurationTarget.Global);
      }
      const running = await until(
        () => {
          const c = monitor.current();
          if (!c?.runDir) return false;
          const both = ['stdout-0.log', 'stdout-1.log'].every(
            (f) => fs.existsSync(path.join(c.runDir!, f)) && /Epoch 1\/20/.test(fs.readFileSync(path.join(c.runDir!, f), 'utf8')),
          );
          return both && c.points > 60 && c;
        },
        60_000,
        'both tasks charted',
      );
      jobs.push(JSON.parse(fs.readFileSync(path.join(running.runDir!, 'run.json'), 'utf8')).slurmJob);
      await vscode.commands.executeCommand('trainingMonitor.stop');
      const stopped = await until(() => monitor.current()?.run.state === 'stopped' && monitor.current(), 60_000, 'the job to stop');
      assert.equal(stopped.run.exit, 'exit 130');
      for (const f of ['stdout-0.log', 'stdout-1.log'])
        assert.match(fs.readFileSync(path.join(running.runDir!, f), 'utf8'), /Interrupted: saved checkpoint/, f);
    });
  }

  it('attaches to a job submitted outside, follows its own output file, and sees it cancelled', async () => {
    const monitor = await api();
    const dir = path.join(workspace(), 'outside');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'job.sh'), '#!/bin/bash\nfor i in $(seq 1 600); do echo "step=$i loss=0.$((1000 - i))"; sleep 0.1; done\n');
    const id = execFileSync('sbatch', ['--parsable', '--job-name=outside', `--output=${dir}/slurm-%j.out`, 'job.sh'], { cwd: dir, encoding: 'utf8' }).trim();
    jobs.push(id);
    await vscode.commands.executeCommand('trainingMonitor.start', { slurmJob: id });
    const following = await until(
      () => monitor.current()?.run.name === 'outside' && (monitor.current()?.points ?? 0) > 10 && monitor.current(),
      60_000,
      'the job followed',
    );
    assert.equal(following.run.canStop, true);
    const record = JSON.parse(fs.readFileSync(path.join(following.runDir!, 'run.json'), 'utf8'));
    assert.deepEqual(record.also, [{ path: `${dir}/slurm-${id}.out`, as: 'stdout.log' }]);
    execFileSync('scancel', [id]);
    const ended = await until(() => monitor.current()?.run.state === 'stopped' && monitor.current(), 60_000, 'the cancel seen');
    assert.equal(ended.run.exit, 'CANCELLED');
  });

  it("shows a job that cannot start yet as pending, with the scheduler's reason, and cancels it cleanly", async () => {
    const monitor = await api();
    const script = path.join(workspace(), 'later.sbatch');
    fs.writeFileSync(script, '#!/bin/bash\n#SBATCH --begin=now+1hour\n#SBATCH --job-name=later\necho never\n');
    await vscode.commands.executeCommand('trainingMonitor.start', { slurmScript: script });
    const pending = await until(() => monitor.current()?.run.state === 'pending' && monitor.current(), 30_000, 'pending');
    assert.equal(pending.run.detail, 'PENDING (BeginTime)');
    const id = JSON.parse(fs.readFileSync(path.join(pending.runDir!, 'run.json'), 'utf8')).slurmJob;
    jobs.push(id);
    // events.jsonl is appended asynchronously: the line follows the state by a moment
    await until(() => /Slurm job \d+ waits: PENDING \(BeginTime\)/.test(events(pending.runDir!)), 10_000, 'the waiting event');
    await vscode.commands.executeCommand('trainingMonitor.stop');
    const stopped = await until(() => monitor.current()?.run.state === 'stopped' && monitor.current(), 30_000, 'cancelled');
    assert.equal(stopped.run.exit, 'CANCELLED');
    assert.equal(squeue(id), 'CANCELLED');
    await until(() => /Cancelled Slurm job \d+: it had not started/.test(events(pending.runDir!)), 10_000, 'the cancel event');
  });
});
