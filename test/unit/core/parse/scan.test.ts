import { strict as assert } from 'node:assert';
import { NumberScanner, scanFlatObject, wholeNumber } from '../../../../src/core/parse/scan';
import { flatten } from '../../../../src/core/parse/records';

const scan = new NumberScanner();

let seed = 11;
const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
const digits = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 10)).join('');

describe('NumberScanner', () => {
  it('reads every decimal form exactly as Number does, to the last bit', () => {
    const forms = [
      () => `${digits(1 + rand() * 6)}.${digits(1 + rand() * 8)}`,
      () => `-${digits(1 + rand() * 3)}.${digits(rand() * 20)}e-${Math.floor(rand() * 30)}`,
      () => `${digits(1 + rand() * 25)}`, // beyond 15 digits: the exact fallback
      () => `.${digits(1 + rand() * 6)}E+${Math.floor(rand() * 300)}`,
      () => `${(rand() * 10).toExponential(Math.floor(rand() * 17))}`,
      () => `${rand() * 1e-5}`,
    ];
    for (let i = 0; i < 20_000; i++) {
      const s = forms[i % forms.length]();
      const v = scan.number(s, 0);
      assert.ok(Object.is(v, Number(s)), `${s}: ${v} vs ${Number(s)}`);
      assert.equal(scan.end, s.length);
    }
  });

  it('stops where the number ends and refuses what is not one', () => {
    assert.equal(scan.number('loss=0.25,', 5), 0.25);
    assert.equal(scan.end, 9);
    assert.equal(scan.number('3e', 0), 3);
    assert.equal(scan.end, 1);
    assert.equal(scan.number('-x', 0), undefined);
    assert.equal(scan.number('.', 0), undefined);
    assert.equal(wholeNumber(' 0.5 ', 0, 5), 0.5);
    assert.equal(wholeNumber('69.6 W', 0, 6), undefined, 'units take the general path');
    assert.equal(wholeNumber('0x1f', 0, 4), undefined);
  });
});

describe('scanFlatObject', () => {
  it("gives the fields JSON.parse gives, reusing the last line's key strings", () => {
    const keys: string[] = [];
    const values: Array<number | string | undefined> = [];
    for (let i = 0; i < 2000; i++) {
      const rec: Record<string, unknown> = { step: i, loss: rand() * 10, 'eval/acc': rand(), tag: `t${i % 3}`, ok: i % 2 === 0, none: null };
      if (i % 7 === 0) rec.lr = 1e-4 * rand();
      const line = JSON.stringify(rec, null, i % 5 === 0 ? 1 : undefined).replace(/\n/g, '');
      const n = scanFlatObject(line, keys, values);
      const expected = flatten(JSON.parse(line));
      assert.equal(n, expected.count, line);
      assert.deepEqual(keys.slice(0, n), expected.keys.slice(0, n));
      assert.deepEqual(values.slice(0, n), expected.values.slice(0, n));
    }
    assert.equal(scanFlatObject('{"loss": NaN, "x": -Infinity}', keys, values), 2);
    assert.ok(Number.isNaN(values[0]) && values[1] === -Infinity);
    assert.equal(scanFlatObject('{}', keys, values), 0);
  });

  it('leaves nested values, escapes and damage to the general parser', () => {
    const k: string[] = [];
    const v: Array<number | string | undefined> = [];
    for (const line of ['{"a": {"b": 1}}', '{"a": [1]}', '{"a\\"b": 1}', '{"a": "x\\n"}', '{"a": 1', '{"a": 1} trailing', '{"a" 1}', 'step 3', '{"a": 1,}']) {
      assert.equal(scanFlatObject(line, k, v), undefined, line);
    }
  });
});
