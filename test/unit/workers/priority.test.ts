import { strict as assert } from 'node:assert';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { Pipeline } from '../../../src/workers/pipeline';
import { mayLeaveIdle } from '../../../src/workers/priority';
import { repoRoot, tempDir, until, workersDir } from '../../helpers';

const SCHED_OTHER = 0;
const SCHED_IDLE = 5;

/** A thread's nice value and scheduling policy, from /proc (fields 19 and 41 of its stat). */
function sched(tid: number): { nice: number; policy: number } {
  const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { nice: Number(f[16]), policy: Number(f[38]) };
}

function schedByThread(): Map<number, { nice: number; policy: number }> {
  return new Map(fs.readdirSync('/proc/self/task').map((t) => [Number(t), sched(Number(t))]));
}

describe('Worker priority', () => {
  it('the tail and refine workers run below the host thread (nice 10, then SCHED_IDLE), which keeps its own priority', async () => {
    await fs.promises.stat(__dirname); // libuv's thread pool exists before (a thread started by a worker would inherit its priority)
    const before = schedByThread();
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'stdout.log'), 'step=1 loss=0.5\n');
    let points = 0;
    const p = new Pipeline({ root: dir, workersDir, updatesPerSecond: 20 }, { batch: (b) => void (points += b.series.length), error: () => undefined });
    try {
      await until(() => points > 0, 10_000, 'a batch'); // both workers are running
      const lowered = () => [...schedByThread()].filter(([tid, s]) => s.nice > (before.get(tid) ?? before.get(process.pid)!).nice);
      await until(() => lowered().length === 2 && lowered().every(([, s]) => s.policy === SCHED_IDLE), 10_000, 'two threads under SCHED_IDLE');
      assert.deepEqual(
        lowered().map(([, s]) => s),
        [
          { nice: 10, policy: SCHED_IDLE },
          { nice: 10, policy: SCHED_IDLE },
        ],
      );
      assert.deepEqual(sched(process.pid), before.get(process.pid), 'the main thread is untouched');
    } finally {
      await p.dispose();
    }
  });

  it('takes SCHED_IDLE only where the process may leave it again: CAP_SYS_NICE or RLIMIT_NICE ≥ 10, not a plain user', () => {
    const own = (file: string) => fs.readFileSync(file, 'latin1');
    const capNice = (BigInt('0x' + /^CapEff:\s*(\S+)/m.exec(own('/proc/self/status'))![1]) >> 23n) & 1n;
    assert.equal(mayLeaveIdle(own('/proc/self/limits'), own('/proc/self/status')), capNice === 1n, 'this process (the tests run as root)');
    // the same files as a user without capabilities sees them (util-linux's setpriv, as nobody)
    const asNobody = (file: string) =>
      execFileSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', '--inh-caps=-all', '--bounding-set=-all', 'cat', file], {
        encoding: 'latin1',
      });
    const [limits, status] = [asNobody('/proc/self/limits'), asNobody('/proc/self/status')];
    assert.match(status, /^CapEff:\s*0+$/m);
    assert.equal(mayLeaveIdle(limits, status), false, 'nobody, RLIMIT_NICE 0: it could not come back from SCHED_IDLE');
    const raised = limits.replace(/^(Max nice priority\s+)\S+(\s+)\S+/m, (_, a: string, b: string) => `${a}10${b}10`);
    assert.notEqual(raised, limits);
    assert.equal(mayLeaveIdle(raised, status), true, 'RLIMIT_NICE 10 lets a thread at nice 10 leave it');
    assert.equal(mayLeaveIdle(raised.replace(/^(Max nice priority\s+)10/m, '$19'), status), false, 'RLIMIT_NICE 9 does not');
  });

  it("a pipeline started first thing in a process leaves libuv's thread pool at the host's priority", async () => {
    // A fresh process: there the pipeline's workers could be the first to queue work to the pool.
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'stdout.log'), 'step=1 loss=0.5\n');
    const script = `
      const fs = require('node:fs');
      const { Pipeline } = require(${JSON.stringify(path.join(repoRoot, 'src/workers/pipeline.ts'))});
      let points = 0;
      const p = new Pipeline({ root: ${JSON.stringify(dir)}, workersDir: ${JSON.stringify(workersDir)}, updatesPerSecond: 20 }, { batch: (b) => void (points += b.series.length), error: () => undefined });
      const t = setInterval(() => {
        if (!points) return;
        clearInterval(t);
        const nice = fs.readdirSync('/proc/self/task').map((id) => { const s = fs.readFileSync('/proc/self/task/' + id + '/stat', 'utf8'); return Number(s.slice(s.lastIndexOf(')') + 2).split(' ')[16]); });
        console.log(JSON.stringify(nice));
        void p.dispose();
      }, 50);`;
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    assert.equal(code, 0);
    const nice: number[] = JSON.parse(out);
    assert.equal(nice.filter((n) => n === 10).length, 2, `nice values of the threads: ${out}`);
  });

  it('a worker starved under SCHED_IDLE (every core busy) competes at nice 10, and tries SCHED_IDLE again later', async function () {
    this.timeout(60_000);
    const changes: { tid: number; policy: string; why: string }[] = [];
    const worker = new Worker(path.join(__dirname, 'priorityWorker.ts'), { execArgv: ['--require', 'tsx/cjs'], workerData: { competeMs: 1500 } });
    worker.on('message', (m) => changes.push(m));
    const hogs: ChildProcess[] = [];
    try {
      await until(() => changes.length === 1, 15_000, 'SCHED_IDLE taken');
      const tid = changes[0].tid;
      assert.deepEqual(sched(tid), { nice: 10, policy: SCHED_IDLE });
      // every core kept busy at the host's priority, as a training on the CPU does
      for (let i = 0; i < os.availableParallelism(); i++) hogs.push(spawn(process.execPath, ['-e', 'for (;;);'], { stdio: 'ignore' }));
      const starvedAt = Date.now();
      await until(() => changes.length === 2, 30_000, 'nice 10 taken back');
      assert.equal(changes[1].policy, 'nice');
      assert.match(changes[1].why, /^waited \d+ ms for a core and ran \d+ ms$/);
      assert.deepEqual(sched(tid), { nice: 10, policy: SCHED_OTHER });
      console.log(`      (back to nice 10 ${Date.now() - starvedAt} ms after every core got busy: ${changes[1].why})`);
      for (const h of hogs) h.kill('SIGKILL');
      await until(() => changes.length === 3, 15_000, 'SCHED_IDLE tried again');
      assert.equal(changes[2].policy, 'idle');
      assert.deepEqual(sched(tid), { nice: 10, policy: SCHED_IDLE });
    } finally {
      for (const h of hogs) h.kill('SIGKILL');
      await worker.terminate();
    }
  });
});
