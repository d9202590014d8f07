import { strict as assert } from 'node:assert';
import { splitCells } from '../../src/core/parse/csv';
import { field, seriesToCsv } from '../../src/core/exportCsv';

describe('CSV export', () => {
  it('writes every point with its series, position and time, quoting names and keeping NaN and Inf', () => {
    const csv = seriesToCsv([
      { key: 'stdout.log:loss', name: 'loss', source: 'stdout.log', xKind: 'step', x: Float64Array.from([1, 2, 3]), y: Float64Array.from([0.5, NaN, Infinity]), wall: Float64Array.from([1795400000, 1795400001.5, NaN]) },
      { key: 'a.csv:loss, "smoothed"', name: 'loss, "smoothed"', source: 'a.csv', xKind: 'epoch', x: Float64Array.from([0]), y: Float64Array.from([0.1 + 0.2]), wall: Float64Array.from([NaN]) },
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
    assert.equal(field('=cmd|\' /C calc\'!A0'), "'=cmd|' /C calc'!A0");
    assert.equal(field('+1+cmd'), "'+1+cmd");
    assert.equal(field('-2+3'), "'-2+3");
    assert.equal(field('@SUM(A1)'), "'@SUM(A1)");
    assert.equal(field('\t=1'), "'\t=1");
    assert.equal(field('\r=1'), '"\'\r=1"');
    assert.equal(field('=HYPERLINK("http://x","y")'), '"\'=HYPERLINK(""http://x"",""y"")"');
    for (const n of ['-1.5', '+3', '-2e-5', '-.5', '1.', '42']) assert.equal(field(n), n);
    for (const plain of ['loss', 'val/loss', 'a=b', 'x-1']) assert.equal(field(plain), plain);
    const csv = seriesToCsv([{ key: 'k', name: '=2+5', source: '@evil.log', xKind: 'step', x: Float64Array.from([-1]), y: Float64Array.from([-1.5]), wall: Float64Array.from([NaN]) }]);
    assert.equal(csv.split('\n')[1], "'@evil.log,'=2+5,step,-1,,-1.5");
  });
});
