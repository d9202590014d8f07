import { strict as assert } from 'node:assert';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot, sleep, tempDir } from '../../helpers';

const cli = path.join(repoRoot, 'dist', 'cli.js');

interface Result {
  series: Record<string, { x: number[]; y: number[]; xKind: string }>;
  warnings: string[];
}

describe('training-monitor CLI (built dist/cli.js)', () => {
  it('parse --json prints the documented shape', () => {
    const out = execFileSync(process.execPath, [cli, 'parse', path.join(repoRoot, 'test', 'fixtures', 'torch-tb', 'torch_tb'), '--json'], { encoding: 'utf8' });
    const r = JSON.parse(out) as Result;
    assert.deepEqual(Object.keys(r.series).sort(), ['loss/train', 'lr', 'multi_a/multi', 'multi_b/multi']);
    assert.deepEqual(Object.keys(r.series['lr']).sort(), ['x', 'xKind', 'y']);
    assert.deepEqual(r.warnings, []);
  });

  it('parse --json writes NaN and the infinities as strings, -0 as -0 (JSON has none of them)', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'metrics.csv'), 'step,loss\n1,nan\n2,inf\n3,-inf\n4,-0.0\n5,0.5\n');
    const out = execFileSync(process.execPath, [cli, 'parse', dir, '--json'], { encoding: 'utf8' });
    assert.match(out, /"y":\["NaN","Infinity","-Infinity",-0,0\.5\]/);
    const r = JSON.parse(out) as { series: Record<string, { x: number[]; y: Array<number | string> }> };
    assert.deepEqual(r.series.loss.x, [1, 2, 3, 4, 5]);
    assert.deepEqual(r.series.loss.y, ['NaN', 'Infinity', '-Infinity', -0, 0.5]);
    assert.ok(Object.is(r.series.loss.y[3], -0));
  });

  it('watch follows files as they grow, are rewritten and rotated, then exits when idle with every point once', async () => {
    const dir = tempDir();
    const log = path.join(dir, 'stdout.log');
    const csv = path.join(dir, 'metrics.csv');
    fs.writeFileSync(log, '');
    const child = spawn(process.execPath, [cli, 'watch', dir, '--json', '--idle-exit', '1.5'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    for (let i = 1; i <= 50; i++) {
      fs.appendFileSync(log, `step=${i} loss=${1 / i}\n`);
      if (i % 10 === 0) await sleep(50);
    }
    fs.writeFileSync(csv, 'step,acc\n1,0.1\n2,0.2\n');
    await sleep(300);
    fs.writeFileSync(csv, 'step,acc,f1\n1,0.1,0.5\n'); // rewritten shorter, with a new column
    await sleep(300);
    fs.appendFileSync(csv, '3,0.3,0.6\n');
    await sleep(300);
    fs.renameSync(log, path.join(dir, 'stdout.log.1')); // rotated
    fs.writeFileSync(log, 'step=51 loss=0.01\nstep=52 loss=0.005');
    assert.equal(await exited, 0);
    const r = JSON.parse(out) as Result;
    assert.deepEqual(
      r.series['loss'].x,
      Array.from({ length: 52 }, (_, i) => i + 1),
    );
    // the rewritten file is the truth: row 2 is no longer in it
    assert.deepEqual(r.series['acc'].x, [1, 3]);
    assert.deepEqual(r.series['f1'].y, [0.5, 0.6]);
    // the rewrite is longer than the first version: told apart by content, not size
    assert.ok(
      r.warnings.some((w) => /metrics\.csv: the file was rewritten/.test(w)),
      r.warnings.join('\n'),
    );
    assert.ok(
      r.warnings.some((w) => /stdout\.log: the file was replaced/.test(w)),
      r.warnings.join('\n'),
    );
  });
});
