import { strict as assert } from 'node:assert';
import { ScalarColumns } from '../../../../src/core/parse/scalarColumns';

describe('ScalarColumns', () => {
  it('keeps every scalar in order past its first room, each tag numbered once; clear starts the tags over', () => {
    const c = new ScalarColumns();
    for (let i = 0; i < 3000; i++) c.push(i % 3 ? 'loss' : 'lr', i, i / 2, i % 5 ? 1e9 + i : NaN);
    assert.equal(c.n, 3000);
    assert.deepEqual(c.tags, ['lr', 'loss']);
    assert.deepEqual([c.tagOf[0], c.tagOf[1], c.tagOf[2999]], [0, 1, 1]);
    assert.deepEqual([c.x[2999], c.y[2999], c.wall[2998], c.wall[2995]], [2999, 1499.5, 1e9 + 2998, NaN]);
    c.reserve(10_000);
    assert.deepEqual([c.n, c.x.length, c.y[1234]], [3000, 10_000, 617], 'room grows, the points stay');
    c.clear();
    c.push('val', 7, 8, 9);
    c.push('loss', 8, 9, 10);
    assert.deepEqual([c.n, c.tags, c.tagOf[0], c.tagOf[1], c.x.length], [2, ['val', 'loss'], 0, 1, 10_000]);
  });
});
