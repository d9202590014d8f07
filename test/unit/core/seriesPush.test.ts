import { strict as assert } from 'node:assert';
import { SeriesStore } from '../../../src/core/series';

describe('SeriesStore appends across chunks', () => {
  it('keeps every point through chunk ends and restarts at, before and after them', () => {
    const CHUNK = 1 << 15;
    const store = new SeriesStore();
    let model: number[] = [];
    const add = (x: number) => {
      store.add('f', 'loss', 'step', x, x / 2, 1000 + x);
      const keep = model.findIndex((m) => m >= x);
      if (keep >= 0) model = model.slice(0, keep);
      model.push(x);
    };
    for (let x = 0; x < 2 * CHUNK + 10; x++) add(x);
    // restarts landing on a chunk's end, just before and after one, at the first point, then more points
    for (const back of [2 * CHUNK, CHUNK, CHUNK + 1, CHUNK - 1, 0, 3]) {
      for (let x = back; x < back + CHUNK + 5; x++) add(x);
    }
    const c = store.range('f:loss', -Infinity, Infinity)!;
    assert.deepEqual([...c.x], model);
    assert.deepEqual(
      [...c.y],
      model.map((x) => x / 2),
    );
    assert.deepEqual(
      [...c.wall],
      model.map((x) => 1000 + x),
    );
  });
});
