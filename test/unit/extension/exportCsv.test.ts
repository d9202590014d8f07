import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { splitCells } from '../../../src/core/parse/csvCells';
import { CSV_HEADER, field, seriesToCsv } from '../../../src/core/exportCsv';
import type { SeriesDelta } from '../../../src/core/protocol/batch';
import { writeCsvFile } from '../../../src/extension/csvFile';
import { parse } from '../../../src/cli/parse';
import { tempDir } from '../../helpers';

/** `n` points of a series whose file name is `sourceChars` long (a long path makes long rows). */
function series(i: number, n: number, sourceChars: number): SeriesDelta {
  const x = new Float64Array(n).map((_, j) => j);
  return {
    key: `k${i}`,
    name: `metric_${i}`,
    source: `${'d/'.repeat(sourceChars / 2)}${i}.log`,
    xKind: 'step',
    x,
    y: x.map((v) => 1 / (v + 1)),
    wall: x.map((v) => 1795400000 + v),
  };
}

describe('CSV export', () => {
  it('writes every point with its series, position and time, quoting names and keeping NaN and Inf', () => {
    const csv = seriesToCsv([
      {
        key: 'stdout.log:loss',
        name: 'loss',
        source: 'stdout.log',
        xKind: 'step',
        x: Float64Array.from([1, 2, 3]),
        y: Float64Array.from([0.5, NaN, Infinity]),
        wall: Float64Array.from([1795400000, 1795400001.5, NaN]),
      },
      {
        key: 'a.csv:loss, "smoothed"',
        name: 'loss, "smoothed"',
        source: 'a.csv',
        xKind: 'epoch',
        x: Float64Array.from([0]),
        y: Float64Array.from([0.1 + 0.2]),
        wall: Float64Array.from([NaN]),
      },
    ]);
    assert.equal(
      csv,
      'source,metric,x_kind,x,wall_time,value\n' +
        'stdout.log,loss,step,1,2026-11-23T02:13:20.000Z,0.5\n' +
        'stdout.log,loss,step,2,2026-11-23T02:13:21.500Z,\n' +
        'stdout.log,loss,step,3,,inf\n' +
        'a.csv,"loss, ""smoothed""",epoch,0,,0.30000000000000004\n',
    );
    // an RFC 4180 reader gets the quoted name back whole
    assert.deepEqual(splitCells(csv.trim().split('\n')[4], ','), ['a.csv', 'loss, "smoothed"', 'epoch', '0', '', '0.30000000000000004']);
  });

  it('writes names a spreadsheet would run as formulas with a leading quote; plain numbers stay numbers (CSV injection)', () => {
    assert.equal(field("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
    assert.equal(field('+1+cmd'), "'+1+cmd");
    assert.equal(field('-2+3'), "'-2+3");
    assert.equal(field('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(field('\t=1'), "'\t=1");
    assert.equal(field('\r=1'), '"\'\r=1"');
    assert.equal(field('=HYPERLINK("http://x","y")'), '"\'=HYPERLINK(""http://x"",""y"")"');
    for (const n of ['-1.5', '+3', '-2e-5', '-.5', '1.', '42']) assert.equal(field(n), n);
    for (const plain of ['loss', 'val/loss', 'a=b', 'x-1']) assert.equal(field(plain), plain);
    const csv = seriesToCsv([
      { key: 'k', name: '=2+5', source: '@evil.log', xKind: 'step', x: Float64Array.from([-1]), y: Float64Array.from([-1.5]), wall: Float64Array.from([NaN]) },
    ]);
    assert.equal(csv.split('\n')[1], "'@evil.log,'=2+5,step,-1,,-1.5");
  });

  it('streams a table larger than a string may be to its file (10 series; one string threw RangeError: Invalid string length)', async () => {
    // rows of ~2 kB make 10 × 30,000 points pass V8's ~2^29-character string limit at less cost than 10 × 1M short rows
    const big = Array.from({ length: 10 }, (_, i) => series(i, 30_000, 2000));
    const rowChars = big.map((s) => `${s.source},${s.name},step,`.length).reduce((a, b) => a + b, 0) * 30_000;
    assert.ok(rowChars > 2 ** 29, `the table (${rowChars} chars) is past the limit`);
    // (seriesToCsv(big), the whole table as one string, throws RangeError: what the export did before)
    const rss = process.memoryUsage().rss;
    const dir = tempDir();
    const file = path.join(dir, 'big.csv');
    await writeCsvFile(big, file);
    const size = fs.statSync(file).size;
    assert.ok(size > rowChars, `${size} bytes written`);
    assert.ok(process.memoryUsage().rss - rss < 200 << 20, 'streamed: memory does not grow with the table');
    const fd = fs.openSync(file, 'r');
    const head = Buffer.alloc(200);
    fs.readSync(fd, head, 0, 200, 0);
    fs.closeSync(fd);
    assert.ok(head.toString().startsWith(`${CSV_HEADER}\nd/d/`));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes to the file exactly what the table holds, across pieces', async () => {
    const small = [series(0, 5000, 10), series(1, 3, 0)];
    const file = path.join(tempDir(), 'small.csv');
    await writeCsvFile(small, file);
    assert.equal(fs.readFileSync(file, 'utf8'), seriesToCsv(small));
    assert.equal(fs.readFileSync(file, 'utf8').split('\n').length, 1 + 5003 + 1);
  });

  it('a write that fails rejects with its error, and leaves no partial file', async () => {
    const dir = tempDir();
    await assert.rejects(writeCsvFile([series(0, 10, 0)], path.join(dir, 'gone', 'x.csv')), /ENOENT/);
    // /dev/full: every write fails with ENOSPC, as on a full disk
    await assert.rejects(writeCsvFile([series(0, 100_000, 0)], '/dev/full'), /ENOSPC/);
    assert.ok(fs.existsSync('/dev/full'), 'a device is never removed');
  });

  it('an export saved where the monitor reads is never read back as data, and says so once', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'stdout.log'), 'step=1 loss=0.5\nstep=2 loss=0.25\n');
    await writeCsvFile([series(0, 50, 4)], path.join(dir, 'train.py-metrics.csv'));
    const ingester = await parse(dir);
    const batch = ingester.snapshot();
    assert.deepEqual(
      batch.series.map((s) => s.key),
      ['stdout.log:loss'],
    );
    const said = batch.events.map((e) => `${e.level}: ${e.text}`);
    assert.ok(said.includes('info: train.py-metrics.csv: an export of Training Monitor, not read as data.'), said.join('\n'));
    assert.ok(!said.some((t) => t.startsWith('warning:')), said.join('\n'));
  });
});
