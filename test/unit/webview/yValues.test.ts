import { strict as assert } from 'node:assert';
import type uPlot from 'uplot';
import { drawable, markersOf } from '../../../src/webview/yValues';

describe('Drawable y values', () => {
  it('marks where a line turns NaN or infinite, once per stretch', () => {
    const x = [1, 2, 3, 4, 5, 6, 7];
    assert.deepEqual(markersOf(x, [0.5, 0.4, NaN, NaN, 0.3, Infinity, -Infinity]), [
      { x: 3, kind: 'NaN' },
      { x: 6, kind: '+Inf' },
    ]);
    assert.deepEqual(markersOf(x, [-Infinity, 1, 2]), [{ x: 1, kind: '-Inf' }], 'from its first point');
    assert.deepEqual(markersOf(x, [1, 2, 3]), []);
    const flipping = Array.from({ length: 100 }, (_, i) => (i % 2 ? NaN : 1));
    assert.equal(
      markersOf(
        flipping.map((_, i) => i),
        flipping,
      ).length,
      8,
      'a bounded number',
    );
  });

  it('turns non-finite values into gaps and brings huge or tiny values into reach, copying only then', () => {
    const plain: uPlot.AlignedData = [Float64Array.from([1, 2]), Float64Array.from([0.5, 0.25])];
    assert.equal(drawable(plain, false).data, plain);
    const { data, shift } = drawable(
      [Float64Array.from([1, 2, 3]), Float64Array.from([1, Infinity, NaN]), [2e63, undefined, 4e63] as unknown as number[]],
      false,
    );
    assert.equal(shift, 63);
    assert.ok(Math.abs((data[1][0] as number) / 1e-63 - 1) < 1e-12);
    assert.deepEqual(Array.from(data[1]).slice(1), [undefined, undefined]);
    assert.ok(Math.abs((data[2][0] as number) - 2) < 1e-12 && data[2][1] === undefined);
    assert.equal(drawable([[1], [3e-12]], false).shift, -12);
    assert.equal(drawable([[1], [3e20]], true).shift, 0, 'a log scale keeps its values');
  });
});
