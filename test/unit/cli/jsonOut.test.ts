import { strict as assert } from 'node:assert';
import { JsonOut, jsonNumber } from '../../../src/cli/jsonOut';

/** What a JsonOut writes, pieces joined, with the pieces' sizes. */
function written(f: (out: JsonOut) => void): { text: string; pieces: number[] } {
  const pieces: Uint8Array[] = [];
  const out = new JsonOut((b) => pieces.push(b.slice()));
  f(out);
  out.flush();
  return { text: Buffer.concat(pieces).toString('utf8'), pieces: pieces.map((p) => p.length) };
}

let seed = 3;
const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;

describe('JsonOut', () => {
  it('writes every number as String does, and NaN, the infinities and -0 as jsonNumber does', () => {
    const edges = [0, -0, 1, -1, 9, 10, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, -(2 ** 31) - 1, 2 ** 53, 1e21, 1e-7, 0.1, -0.5, NaN, Infinity, -Infinity, 5e-324];
    const random = Array.from({ length: 50_000 }, (_, i) =>
      i % 3 === 0 ? Math.floor((rand() - 0.5) * 2 ** (rand() * 40)) : i % 3 === 1 ? (rand() - 0.5) * 10 ** (rand() * 40 - 20) : Math.round(rand() * 1e6) / 1e6,
    );
    for (const a of [edges, random, new Float64Array(random)]) {
      const { text, pieces } = written((out) => out.numbers(a));
      assert.equal(text, `[${Array.from(a, jsonNumber).join(',')}]`);
      assert.ok(Math.max(...pieces) <= (1 << 16) + 32, 'in pieces of about 64 KB');
    }
    assert.deepEqual(JSON.parse(written((out) => out.numbers([-0, 3])).text), [-0, 3]);
  });

  it('writes text as UTF-8, long text included, in order with the numbers', () => {
    const long = 'é'.repeat(100_000);
    const { text } = written((out) => {
      out.add('{"損失":');
      out.numbers([1, 2.5]);
      out.add(`,"w":${JSON.stringify(long)}}`);
    });
    assert.deepEqual(JSON.parse(text), { 損失: [1, 2.5], w: long });
  });
});
