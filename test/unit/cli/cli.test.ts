import { strict as assert } from 'node:assert';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { concat, event, record, scalarValue } from '../../../src/cli/tfrecord-writer';
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

  it('parse without --json prints a row per series with its points and last value, as --json has them, and the warnings', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'metrics.csv'), 'step,loss,acc\n1,0.5,0.1\n2,0.25,0.2\n1,0.125,0.3\n'); // a restart at row 3
    const sub = path.join(dir, 'tb');
    fs.mkdirSync(sub);
    fs.writeFileSync(path.join(sub, 'events.out.tfevents.1.host'), concat([1, 2, 2, 3].map((step) => record(event(step, [scalarValue('lr', step / 10)])))));
    const r = JSON.parse(execFileSync(process.execPath, [cli, 'parse', dir, '--json'], { encoding: 'utf8' })) as Result;
    const text = execFileSync(process.execPath, [cli, 'parse', dir], { encoding: 'utf8' });
    const rows = text.split('\n').filter((l) => /^(loss|acc|tb\/lr) /.test(l));
    assert.deepEqual(
      rows.map((l) => l.split(/ +/)),
      Object.entries(r.series).map(([name, s]) => [
        name,
        name === 'tb/lr' ? 'tb/events.out.tfevents.1.host' : 'metrics.csv',
        String(s.x.length),
        String(s.y.at(-1)),
        'step',
      ]),
    );
    assert.deepEqual(
      rows.map((l) => l.split(/ +/)[2]),
      ['1', '1', '4'],
    );
    assert.equal(r.warnings.length, 1);
    assert.ok(text.includes(`warning: ${r.warnings[0]}`), text);
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

  it('parse of a big event file on two threads prints what one thread prints, byte for byte', () => {
    const dir = tempDir();
    const file = path.join(dir, 'events.out.tfevents.1.host');
    // ~13 MB: a plugin on a tag's first value only, a restart, a damaged record after the split
    const recs: Uint8Array[] = [record(event(0, [scalarValue('hist', 1, 'float_val', 'histograms')]))];
    for (let i = 0; i < 300_000; i++) {
      const values = [scalarValue(i % 2 ? 'loss' : 'lr', 1 / (1 + i)), scalarValue('hist', i, 'float_val')];
      recs.push(record(event(i < 250_000 ? i : i - 1000, values)));
    }
    const bytes = concat(recs);
    bytes[bytes.length - 5000] ^= 0x5a;
    fs.writeFileSync(file, bytes);
    const run = (splitBytes: string) =>
      execFileSync(process.execPath, [cli, 'parse', file, '--json'], {
        encoding: 'utf8',
        maxBuffer: 1 << 28,
        env: { ...process.env, TRAINING_MONITOR_SPLIT_BYTES: splitBytes },
      });
    const two = run(String(1 << 20));
    assert.equal(two, run(String(1e15)));
    const r = JSON.parse(two) as Result;
    assert.deepEqual(Object.keys(r.series), ['lr', 'loss']);
    assert.equal(r.series.lr.x.length, 150_000 - 500 - 1); // 500 replaced by the restart, 1 damaged
    assert.equal(r.warnings.length, 2); // the restart, the damaged record (the histograms not plotted are an info)
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
