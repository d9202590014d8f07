import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Pipeline } from '../../../src/workers/pipeline';
import { tempDir, until, workersDir } from '../../helpers';

/** Each thread of this process and its nice value, from /proc (field 19 of a task's stat). */
function niceByThread(): Map<number, number> {
  const out = new Map<number, number>();
  for (const t of fs.readdirSync('/proc/self/task')) {
    const stat = fs.readFileSync(`/proc/self/task/${t}/stat`, 'utf8');
    out.set(Number(t), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
  }
  return out;
}

describe('Worker priority', () => {
  it('the tail and refine workers run below the host thread, which keeps its own priority', async () => {
    await fs.promises.stat(__dirname); // libuv's thread pool exists before (a thread started by a worker would inherit its priority)
    const before = niceByThread();
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'stdout.log'), 'step=1 loss=0.5\n');
    let points = 0;
    const p = new Pipeline({ root: dir, workersDir, updatesPerSecond: 20 }, { batch: (b) => void (points += b.series.length), error: () => undefined });
    try {
      await until(() => points > 0, 10_000, 'a batch'); // both workers are running
      const after = niceByThread();
      const lowered = [...after].filter(([tid, nice]) => nice > (before.get(tid) ?? after.get(process.pid)!));
      assert.equal(lowered.length, 2, `threads whose priority went down: ${JSON.stringify(lowered)}`);
      assert.equal(after.get(process.pid), before.get(process.pid), 'the main thread is untouched');
    } finally {
      await p.dispose();
    }
  });
});
