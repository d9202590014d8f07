import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TailToRefine } from '../../../src/core/protocol/tail';
import { Ingester } from '../../../src/core/ingester';
import { Tailer } from '../../../src/workers/tailer';
import { sleep, tempDir } from '../../helpers';

/** A tailer feeding a ingester, as the two workers do, in one thread. */
function follow(root: string) {
  const ingester = new Ingester();
  const messages: TailToRefine[] = [];
  const tailer = new Tailer(root, (m) => {
    messages.push(m);
    if (m.type === 'chunk') ingester.chunk(m.file, new Uint8Array(m.bytes));
    if (m.type === 'reset') ingester.reset(m.file, m.reason);
  });
  return { tailer, ingester, messages };
}

/** Runs a Python snippet to completion: a real process writing the files. */
function python(code: string, cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn('python3', ['-c', code], { cwd, stdio: 'inherit' });
    p.on('exit', (c) => (c === 0 ? resolve() : reject(new Error(`python exited ${c}`))));
  });
}

describe('Tailer', () => {
  it('follows a file another process appends to, across partial lines, and finds files that appear later', async () => {
    const dir = tempDir();
    const { tailer, ingester } = follow(dir);
    await tailer.poll(); // empty dir
    await python("open('stdout.log','a').write('step=1 loss=1.0\\nstep=2 lo')", dir);
    await tailer.poll();
    await python("open('stdout.log','a').write('ss=0.5\\n')", dir);
    fs.mkdirSync(path.join(dir, 'sub'));
    await python("open('sub/metrics.csv','w').write('step,acc\\n1,0.5\\n')", dir);
    tailer.relist(); // what the worker does on a watch event
    await tailer.poll();
    // without a watch event (a network mount), the next walk of the tree finds new files
    await python("open('late.csv','w').write('step,f1\\n1,0.25\\n')", dir);
    await sleep(1050);
    await tailer.poll();
    await tailer.close();
    const b = ingester.takeBatch();
    assert.deepEqual([...b.series.find((s) => s.key === 'stdout.log:loss')!.y], [1, 0.5]);
    assert.deepEqual([...b.series.find((s) => s.key === 'sub/metrics.csv:acc')!.y], [0.5]);
    assert.deepEqual([...b.series.find((s) => s.key === 'late.csv:f1')!.y], [0.25]);
  });

  it('starts over when a file shrinks or is replaced, without duplicating points', async () => {
    const dir = tempDir();
    const { tailer, ingester, messages } = follow(dir);
    await python("open('metrics.csv','w').write('step,loss\\n1,0.9\\n2,0.8\\n')", dir);
    await tailer.poll();
    // Lightning-style rewrite: shorter, with a new column
    await python("open('metrics.csv','w').write('step,loss,a\\n1,0.9,1\\n')", dir);
    await tailer.poll();
    await python("open('metrics.csv','a').write('3,0.7,3\\n')", dir);
    await tailer.poll();
    // rotation: the file is moved away and a new one takes its name
    await python("import os; os.rename('metrics.csv','old.csv.1'); open('metrics.csv','w').write('step,loss\\n4,0.6\\n')", dir);
    await tailer.poll();
    await tailer.close();
    const resets = messages.filter((m) => m.type === 'reset').map((m) => (m as { reason: string }).reason);
    assert.deepEqual(resets, ['the file shrank', 'the file was replaced']);
    const loss = ingester.takeBatch().series.find((s) => s.key === 'metrics.csv:loss')!;
    // re-read from the start, the rewritten file is the truth (its row 2 is gone), each row once
    assert.deepEqual([...loss.x], [1, 3, 4]);
    assert.deepEqual([...loss.y], [0.9, 0.7, 0.6]);
  });

  it('notices a rewrite that leaves the file longer (Lightning adds a column and rewrites metrics.csv)', async () => {
    const dir = tempDir();
    const { tailer, ingester, messages } = follow(dir);
    await python("open('metrics.csv','w').write('step,loss\\n1,0.9\\n2,0.8\\n')", dir);
    await tailer.poll();
    await python("open('metrics.csv','w').write('step,loss,val_loss\\n1,0.9,\\n2,0.8,1.5\\n3,0.7,\\n')", dir);
    await tailer.poll();
    await tailer.close();
    assert.deepEqual(
      messages.filter((m) => m.type === 'reset').map((m) => (m as { reason: string }).reason),
      ['the file was rewritten'],
    );
    const b = ingester.takeBatch();
    assert.deepEqual([...b.series.find((s) => s.name === 'loss')!.x], [1, 2, 3]);
    assert.deepEqual([...b.series.find((s) => s.name === 'val_loss')!.y], [1.5]);
  });

  it('reads a large append in bounded chunks', async () => {
    const dir = tempDir();
    const { tailer, messages } = follow(dir);
    fs.writeFileSync(path.join(dir, 'stdout.log'), Buffer.alloc(9 << 20, 'a'));
    await tailer.poll();
    await tailer.close();
    const sizes = messages.filter((m) => m.type === 'chunk').map((m) => (m as { bytes: ArrayBuffer }).bytes.byteLength);
    assert.deepEqual(sizes, [4 << 20, 4 << 20, 1 << 20]);
  });
});
