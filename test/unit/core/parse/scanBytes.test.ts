import { strict as assert } from 'node:assert';
import { NumberScanner, scanFlatObject, wholeNumber } from '../../../../src/core/parse/scan';
import { ByteNumberScanner, IN_NUMS, KeyBytes, scanFlatObjectBytes, textOf, wholeNumberBytes, type ScannedFields } from '../../../../src/core/parse/scanBytes';

const enc = new TextEncoder();
const chars = new NumberScanner();
const bytes = new ByteNumberScanner();
/** The number `bytes` finds at `from`, or undefined. */
const byteNumber = (b: Uint8Array, from: number, to: number) => (bytes.number(b, from, to) ? bytes.value : undefined);
/** Field k's value, its number taken from `nums` where the scan put it there. */
const valueAt = (f: ScannedFields, k: number) => (f.values[k] === IN_NUMS ? f.nums![k] : f.values[k]);

let seed = 17;
const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
const pick = <T>(a: T[]): T => a[Math.floor(rand() * a.length)];
const digits = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 10)).join('');

describe('ByteNumberScanner', () => {
  it('reads what NumberScanner reads from the same text, to the last bit, and stops where it stops', () => {
    const forms = [
      () => `${digits(1 + rand() * 6)}.${digits(1 + rand() * 8)}`,
      () => `-${digits(1 + rand() * 3)}.${digits(rand() * 20)}e-${Math.floor(rand() * 30)}`,
      () => `${digits(1 + rand() * 25)}`, // beyond 15 digits: the exact fallback
      () => `+.${digits(1 + rand() * 6)}E+${Math.floor(rand() * 300)}`,
      () => `${(rand() * 10).toExponential(Math.floor(rand() * 17))}`,
      () => `${digits(rand() * 3)}${pick(['e', 'E-', '.', '-', 'x', ' ', ''])}${digits(rand() * 2)}`,
    ];
    for (let i = 0; i < 20_000; i++) {
      const s = `${pick(['', ' ', 'x'])}${forms[i % forms.length]()}${pick(['', ',', ' 5', 'e'])}`;
      const b = enc.encode(s);
      for (const from of [0, 1]) {
        const want = chars.number(s, from);
        assert.ok(Object.is(byteNumber(b, from, b.length), want), s);
        if (want !== undefined) assert.equal(bytes.end, chars.end, s);
      }
      assert.ok(Object.is(wholeNumberBytes(b, 0, b.length), wholeNumber(s, 0, s.length)), s);
    }
  });

  it('never reads past the end it is given', () => {
    const b = enc.encode('12345');
    assert.equal(byteNumber(b, 0, 3), 123);
    assert.equal(bytes.end, 3);
    assert.equal(wholeNumberBytes(enc.encode('1.5e3'), 0, 4), undefined, '`1.5e` is no whole number');
    assert.equal(bytes.number(b, 3, 3), false);
  });
});

/** A line of a JSON Lines file: most lines flat, some not (escapes, nesting, damage), keys in any script. */
function line(): string {
  const keys = ['step', 'loss', 'eval/acc', 'lr', 'ünï', '損失', 'emoji🙂', 'epoch'];
  const values = () =>
    pick<() => string>([
      () => String(rand() * 10),
      () => digits(1 + rand() * 20),
      () => pick(['NaN', 'Infinity', '-Infinity', 'true', 'false', 'null', 'nul', 'Inf']),
      () => JSON.stringify(pick(['x', '0.5', 'é', 'a"b', 'a\\b', ''])),
      () => pick(['{"b": 1}', '[1, 2]', '-', '1e', '.5', '-0']),
    ])();
  const n = Math.floor(rand() * 5);
  const fields = Array.from({ length: n }, () => `${JSON.stringify(pick(keys))}${pick([':', ': ', ' :\t'])}${values()}`);
  let s = `${pick(['', ' ', '\t'])}{${fields.join(pick([',', ', ', ' ,']))}}${pick(['', ' ', '\r', ' x', ','])}`;
  if (rand() < 0.1) s = s.slice(0, Math.floor(rand() * s.length));
  return s;
}

describe('scanFlatObjectBytes', () => {
  it('gives the fields and the count scanFlatObject gives on the decoded line, or refuses the same lines', () => {
    const sk: string[] = [];
    const sv: Array<number | string | undefined> = [];
    const f: ScannedFields = { keys: [], values: [] };
    const known = new KeyBytes();
    let read = 0;
    for (let i = 0; i < 20_000; i++) {
      // lines repeat their keys most of the time, as they do in a file
      const s = i % 4 ? line().replace(/"(ünï|損失)"/g, '"lr"') : line();
      const b = enc.encode(`junk${s}junk`); // the line inside a larger chunk: nothing outside it is read
      const n = scanFlatObjectBytes(b, 4, b.length - 4, known, f);
      const want = scanFlatObject(s, sk, sv);
      assert.equal(n, want, s);
      if (n === undefined) continue;
      read++;
      assert.deepEqual(f.keys.slice(0, n), sk.slice(0, n), s);
      for (let k = 0; k < n; k++) assert.ok(Object.is(valueAt(f, k), sv[k]), `${s}: ${String(valueAt(f, k))} vs ${sv[k]}`);
    }
    assert.ok(read > 5000 && read < 19_000, `both kinds of line were tried (${read} read)`);
  });

  it('keeps every number of a line wider than its number store was, as the string path does', () => {
    const s = `{${Array.from({ length: 40 }, (_, k) => `"m${k}": ${k % 3 ? k / 7 : k}`).join(', ')}, "name": "x"}`;
    const f: ScannedFields = { keys: [], values: [], nums: new Float64Array(2) };
    const sv: Array<number | string | undefined> = [];
    assert.equal(scanFlatObjectBytes(enc.encode(s), 0, s.length, new KeyBytes(), f), 41);
    assert.equal(scanFlatObject(s, [], sv), 41);
    assert.deepEqual(
      Array.from({ length: 41 }, (_, k) => valueAt(f, k)),
      sv,
    );
    assert.equal(f.values[0], IN_NUMS, 'numbers stand unboxed in nums');
  });

  it('decodes keys and strings as TextDecoder does, bad bytes included', () => {
    const b = Uint8Array.from([123, 34, 0xc3, 0xa9, 0xff, 34, 58, 34, 0xe2, 0x82, 34, 125]); // {"é\xff":"\xe2\x82"}
    const f: ScannedFields = { keys: [], values: [] };
    assert.equal(scanFlatObjectBytes(b, 0, b.length, new KeyBytes(), f), 1);
    assert.deepEqual([f.keys[0], f.values[0]], ['é\ufffd', '\ufffd']);
    assert.equal(textOf(enc.encode('\ufeffa'), 0, 4), '\ufeffa', 'a U+FEFF inside a line is kept');
  });
});
