import { strict as assert } from 'node:assert';
import { smoothEma } from '../../src/core/smooth';
import { Line } from '../../src/webview/lines';

const delta = (x: number[], y: number[]) => ({ key: 'k', name: 'loss', source: 's', xKind: 'step' as const, x: Float64Array.from(x), y: Float64Array.from(y), wall: new Float64Array(x.length).fill(NaN) });

describe('Webview lines', () => {
  it('smooths incrementally exactly as the whole-series EMA, through redraws, cuts and weight changes', () => {
    let seed = 3;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const line = new Line('k', 'loss', 's');
    const xs: number[] = [];
    const ys: number[] = [];
    let x = 0;
    for (let step = 0; step < 400; step++) {
      const r = rand();
      let from = x;
      if (r < 0.3 && x > 0) from = x - 1; // a redraw replaces the last point
      else if (r < 0.35 && x > 10) from = x - 10; // a restart cuts further back
      const n = 1 + Math.floor(rand() * 5);
      const dx = Array.from({ length: n }, (_, i) => from + i);
      const dy = dx.map(() => (rand() < 0.05 ? NaN : rand()));
      xs.length = ys.length = from;
      xs.push(...dx);
      ys.push(...dy);
      x = from + n;
      line.add(delta(dx, dy));
      const weight = step < 200 ? 0.9 : 0.6;
      assert.deepEqual([...line.smoothY(weight)], [...smoothEma(ys, weight)], `after update ${step}`);
    }
    assert.deepEqual([...line.x.subarray(0, line.length)], xs);
  });

  it('leaves a constant series as it is, until it changes', () => {
    const line = new Line('k', 'lr', 's');
    line.add(delta([1, 2, 3], [0.1, 0.1, 0.1]));
    assert.deepEqual([...line.smoothY(0.99)], [0.1, 0.1, 0.1]);
    line.add(delta([4], [0.05]));
    assert.deepEqual([...line.smoothY(0.99)], [...smoothEma([0.1, 0.1, 0.1, 0.05], 0.99)]);
  });
});
