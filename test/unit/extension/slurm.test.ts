/** The Slurm backend against a real single-node Slurm (scripts/slurm-start.sh starts one; CI does). */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SlurmJob } from '../../../src/extension/slurm';
import { cancel, jobDetails, myJobs, parseJobLine, slurm, submit } from '../../../src/extension/slurmCommands';
import { JobPoller } from '../../../src/extension/slurmPoll';
import { formatOf, logStream } from '../../../src/core/formats';
import { requireSlurm, tempDir, until } from '../../helpers';

/** A batch script that prints a step a second and saves on SIGINT, as a training would. */
const TRAINING = `#!/bin/bash
trap 'echo "Interrupted: saved checkpoint"; exit 130' INT
for i in $(seq 1 120); do echo "step=$i loss=0.$((100 - i))"; sleep 0.5 & wait $!; done
`;

function script(dir: string, text = TRAINING): string {
  const file = path.join(dir, 'train.sbatch');
  fs.writeFileSync(file, text, { mode: 0o755 });
  return file;
}

describe('Slurm backend (real Slurm)', function () {
  this.timeout(60_000);
  const submitted: string[] = [];

  before(requireSlurm);
  after(async () => {
    for (const id of submitted) await cancel(id).catch(() => undefined);
  });

  it('submits a job, follows it to RUNNING, stops it with SIGINT (the training saves) and sees exit 130', async () => {
    const dir = tempDir();
    const id = await submit(script(dir), [`--output=${dir}/out.log`, '--job-name=tm-stop'], dir, process.env);
    submitted.push(id);
    const job = new SlurmJob(id, new JobPoller(200, 2000));
    const waits: string[] = [];
    job.onWaiting((why) => waits.push(why));
    await until(() => fs.existsSync(`${dir}/out.log`) && /step=3/.test(fs.readFileSync(`${dir}/out.log`, 'utf8')), 20_000, 'the job to print');
    const steps: string[] = [];
    const exit = await job.stop(10_000, (t) => steps.push(t));
    assert.equal(exit?.code, 130, JSON.stringify(exit));
    assert.match(fs.readFileSync(`${dir}/out.log`, 'utf8'), /Interrupted: saved checkpoint/);
    assert.match(steps[0], /SIGINT .*scancel --signal=INT --full/);
    assert.ok(!waits.some((w) => w.startsWith('PENDING')) || waits.at(-1) === '', `ran in the end (${waits.join(' → ')})`);
  });

  it('stops the srun tasks of a job of several tasks with SIGINT: each saves, the job ends with exit 130', async () => {
    const dir = tempDir();
    const task = `trap "echo Interrupted: saved checkpoint; exit 130" INT; for i in $(seq 1 120); do echo step=$i; sleep 0.5 & wait $!; done`;
    const file = script(dir, `#!/bin/bash\nexec srun --output=${dir}/stdout-%t.log bash -c '${task}'\n`);
    const id = await submit(file, ['--ntasks=2', `--output=${dir}/batch.log`], dir, process.env);
    submitted.push(id);
    const job = new SlurmJob(id, new JobPoller(200, 2000));
    const printed = (t: number) => fs.existsSync(`${dir}/stdout-${t}.log`) && /step=2/.test(fs.readFileSync(`${dir}/stdout-${t}.log`, 'utf8'));
    await until(() => printed(0) && printed(1), 20_000, 'both tasks printing');
    const steps: string[] = [];
    const exit = await job.stop(10_000, (t) => steps.push(t));
    assert.match(steps[0], /Sent SIGINT to the tasks of Slurm job \d+ \(scancel --signal=INT, to its srun steps\)/);
    assert.equal(exit?.code, 130, JSON.stringify(exit));
    for (const t of [0, 1]) assert.match(fs.readFileSync(`${dir}/stdout-${t}.log`, 'utf8'), /Interrupted: saved checkpoint/, `task ${t}`);
  });

  it('shows a job that cannot start yet as PENDING with its reason, and Stop cancels it at once', async () => {
    const dir = tempDir();
    const id = await submit(script(dir), ['--begin=now+1hour', `--output=${dir}/out.log`], dir, process.env);
    submitted.push(id);
    const job = new SlurmJob(id, new JobPoller(200, 2000));
    const why = await until(() => new Promise<string | false>((r) => job.onWaiting((w) => r(w || false))), 10_000, 'pending');
    assert.equal(why, 'PENDING (BeginTime)');
    const steps: string[] = [];
    const started = Date.now();
    const exit = await job.stop(30_000, (t) => steps.push(t));
    assert.equal(exit?.state, 'CANCELLED');
    assert.ok(Date.now() - started < 10_000, 'no grace period for a job that never ran');
    assert.match(steps[0], /Cancelled Slurm job \d+: it had not started/);
  });

  it("lists the user's jobs, and reads a job's output files from scontrol, per task for an array", async () => {
    const dir = tempDir();
    const id = await submit(
      script(dir, '#!/bin/bash\necho "task $SLURM_ARRAY_TASK_ID step=1 loss=0.5"\nsleep 20\n'),
      ['--array=0-1', `--output=${dir}/arr-%A_%a.out`, '--job-name=tm-array'],
      dir,
      process.env,
    );
    submitted.push(id);
    const tasks = await until(
      async () => {
        const d = await jobDetails(id);
        return d.length === 2 && d.every((t) => t.state === 'RUNNING') && d;
      },
      20_000,
      'both tasks running',
    );
    assert.deepEqual(tasks.map((t) => [t.id, t.stdout, t.arrayJobId]).sort(), [
      [`${id}_0`, `${dir}/arr-${id}_0.out`, id],
      [`${id}_1`, `${dir}/arr-${id}_1.out`, id],
    ]);
    assert.equal(tasks[0].workDir, dir);
    const mine = await myJobs();
    const listed = mine.filter((j) => j.arrayJobId === id).map((j) => [j.id, j.name, j.state]);
    assert.deepEqual(listed.sort(), [
      [`${id}_0`, 'tm-array', 'RUNNING'],
      [`${id}_1`, 'tm-array', 'RUNNING'],
    ]);
    assert.ok(
      mine.every((j) => /^(\d+-)?(\d+:)?\d+:\d\d$/.test(j.elapsed)),
      JSON.stringify(mine.map((j) => j.elapsed)),
    );
    await cancel(id);
  });

  it('polls every watched job in one squeue call, and less often while nothing changes', async () => {
    const dir = tempDir();
    const file = script(dir);
    const ids = await Promise.all([0, 1, 2].map(() => submit(file, ['--begin=now+1hour', '--output=/dev/null'], dir, process.env)));
    submitted.push(...ids);
    const poller = new JobPoller(100, 800);
    const seen = new Map<string, string>();
    for (const id of ids) poller.watch(id, { seen: (s) => seen.set(id, s.state) });
    await until(() => seen.size === 3, 5000, 'all three seen');
    const first = poller.calls;
    assert.equal(first, 1, 'one call saw all three');
    await new Promise((r) => setTimeout(r, 3000));
    const polls = poller.calls - first;
    assert.ok(polls >= 3 && polls <= 10, `backed off to 800 ms: ${polls} polls in 3 s (at 100 ms it would be 30)`);
    for (const id of ids) await cancel(id);
  });

  it("takes an array job's id for all its tasks: running while one runs, ended when all have", async () => {
    const dir = tempDir();
    const id = await submit(script(dir, '#!/bin/bash\nsleep $((1 + SLURM_ARRAY_TASK_ID * 2))\n'), ['--array=0-1', '--output=/dev/null'], dir, process.env);
    submitted.push(id);
    const poller = new JobPoller(200, 1000);
    const states: string[] = [];
    poller.watch(id, { seen: (s) => states.push(s.state) });
    const exit = await new SlurmJob(id, poller).exited;
    assert.deepEqual(exit, { code: 0, signal: null, state: 'COMPLETED' });
    assert.ok(states.includes('RUNNING'), states.join());
    assert.ok(!states.slice(0, states.lastIndexOf('RUNNING')).includes('COMPLETED'), `not ended while task 1 ran: ${states.join()}`);
  });

  it('says once when polling fails, and carries on polling (less often) until Slurm answers again', async () => {
    const dir = tempDir();
    const id = await submit(script(dir), ['--begin=now+1hour', '--output=/dev/null'], dir, process.env);
    submitted.push(id);
    const path0 = process.env.PATH;
    const problems: string[] = [];
    const job = new SlurmJob(id, new JobPoller(100, 400));
    job.onProblem((t) => problems.push(t));
    try {
      process.env.PATH = '/nonexistent'; // squeue is gone for a while
      await until(() => problems.length > 0, 5000, 'the problem said');
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(problems.length, 1, 'once, however many polls fail');
      assert.match(problems[0], /Could not ask Slurm about the job: Slurm's squeue was not found on PATH/);
    } finally {
      process.env.PATH = path0;
    }
    const why = await until(() => new Promise<string | false>((r) => job.onWaiting((w) => r(w || false))), 10_000, 'seen again');
    assert.equal(why, 'PENDING (BeginTime)');
    await cancel(id);
  });

  it('a stop while squeue keeps failing ends within its bound and says Slurm did not confirm the end; the job is still watched', async () => {
    const dir = tempDir();
    const id = await submit(script(dir), ['--begin=now+1hour', '--output=/dev/null'], dir, process.env);
    submitted.push(id);
    const job = new SlurmJob(id, new JobPoller(100, 400), 1500);
    const path0 = process.env.PATH;
    const steps: string[] = [];
    let exit: Awaited<ReturnType<SlurmJob['stop']>>;
    const started = Date.now();
    try {
      process.env.PATH = '/nonexistent'; // squeue and scancel are gone for a while
      exit = await job.stop(200, (t) => steps.push(t));
    } finally {
      process.env.PATH = path0;
    }
    assert.equal(exit, undefined, 'no end was seen');
    assert.ok(Date.now() - started < 5000, `bounded: ${Date.now() - started} ms`);
    assert.match(steps[0], /Could not stop Slurm job \d+: Slurm's squeue was not found on PATH/);
    assert.match(
      steps[steps.length - 1],
      /Slurm did not show that Slurm job \d+ ended within 1.5 s: it may still run\. Still watching it; Stop again to retry\./,
    );
    // Slurm answers again: the same job is stopped by a second Stop, and its end is seen
    const again = await job.stop(200);
    assert.equal(again?.state, 'CANCELLED');
  });

  it('says plainly when a Slurm command is missing or does not answer, and never hangs', async () => {
    await assert.rejects(slurm('sbatch', ['--version'], { env: { PATH: '/nonexistent' } }), /Slurm's sbatch was not found on PATH/);
    // a command that does not answer in time (sleep stands in for a scheduler that hangs)
    await assert.rejects(slurm('sleep', ['10'], { timeoutMs: 300 }), /sleep did not answer within 0.3 s/);
    await assert.rejects(jobDetails('999999'), /scontrol failed: .*Invalid job id/);
  });

  it("reads an array task's output file (stdout-3.log) as output, into a log of its own", () => {
    assert.equal(formatOf('runs/x/stdout-3.log'), 'output');
    assert.equal(logStream('runs/x/stderr-3.log'), 'stderr-3');
    assert.equal(logStream('stdout-3.log'), 'stdout-3');
    assert.equal(logStream('a/stdout.log'), 'stdout');
    assert.equal(formatOf('stdout-notes.txt'), undefined);
  });

  it("reads scontrol's one-line records, values with spaces included", () => {
    const f = parseJobLine(
      'JobId=5 JobName=my job ArrayJobId=3 JobState=RUNNING Reason=None Command=/w/train.sh --lr 0.1 WorkDir=/w/a b StdOut=/w/a b/out.log',
    );
    assert.equal(f.JobName, 'my job');
    assert.equal(f.Command, '/w/train.sh --lr 0.1');
    assert.equal(f.WorkDir, '/w/a b');
    assert.equal(f.StdOut, '/w/a b/out.log');
  });
});
