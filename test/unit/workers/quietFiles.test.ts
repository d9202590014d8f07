/**
 * Many quiet files cost little: a file that does not change is stat'ed less and less often (down
 * to every 2 s), a watch event or a change brings it back to every pass, and a deleted file gives
 * its descriptor back at once. Idle CPU is measured in the bench (`training-monitor bench`).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TailToRefine } from '../../../src/core/protocol/tail';
import { Tailer } from '../../../src/workers/tailer';
import { sleep, tempDir } from '../../helpers';

function follow(root: string) {
  const chunks: string[] = [];
  const tailer = new Tailer(root, (m: TailToRefine) => {
    if (m.type === 'chunk') chunks.push(new TextDecoder().decode(m.bytes));
  });
  return { tailer, chunks };
}

/** Descriptors of this process open on `file`. */
function fdsOn(file: string): number {
  let n = 0;
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      if (fs.readlinkSync(`/proc/self/fd/${fd}`).startsWith(file)) n++;
    } catch {
      // closed while listing
    }
  }
  return n;
}

describe('Quiet and deleted files', function () {
  this.timeout(20_000);

  it("a quiet file is stat'ed less and less often; a watch event or a change brings it back at once", async () => {
    const dir = tempDir();
    const files = Array.from({ length: 20 }, (_, i) => path.join(dir, `w${i}.log`));
    for (const f of files) fs.writeFileSync(f, 'step=1 loss=0.5\n');
    const { tailer, chunks } = follow(dir);
    await tailer.poll();
    await sleep(2000); // quiet for a while
    const before = tailer.stats;
    for (let i = 0; i < 50; i++) {
      await tailer.poll();
      await sleep(20);
    }
    const stats = tailer.stats - before;
    // every pass would stat 20 files 50 times (1,000); quiet for 2 s they wait ~1 s each
    assert.ok(stats <= 20 * 5, `${stats} stats in 50 passes over 20 quiet files`);
    fs.appendFileSync(files[3], 'step=2 loss=0.25\n');
    tailer.touched(files[3]); // the watch event
    await tailer.poll();
    assert.equal(chunks.at(-1), 'step=2 loss=0.25\n', 'read on the pass after the event');
    fs.appendFileSync(files[5], 'step=2 loss=0.75\n'); // no event (a network mount)
    const t = Date.now();
    while (chunks.at(-1) !== 'step=2 loss=0.75\n') {
      assert.ok(Date.now() - t < 3000, 'found by polling within the quiet interval');
      await tailer.poll();
      await sleep(20);
    }
    await tailer.close();
  });

  it('a deleted file gives its descriptor back on the next pass', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'stdout.log');
    fs.writeFileSync(file, 'step=1 loss=0.5\n');
    const { tailer } = follow(dir);
    await tailer.poll();
    assert.equal(fdsOn(file), 1, 'held while it may grow');
    fs.unlinkSync(file);
    tailer.relist(); // the watch's rename event
    await tailer.poll();
    assert.equal(fdsOn(file), 0, 'closed once deleted');
    await tailer.close();
  });
});
