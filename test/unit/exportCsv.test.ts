import { strict as assert } from 'node:assert';
import { splitCells } from '../../src/core/parse/csv';
import { seriesToCsv } from '../../src/core/exportCsv';

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
});
