/**
 * Allocation-free scanning of numbers and flat JSON objects inside a line: the hot path of the
 * CSV and JSON Lines parsers, where slicing a string per cell and building an object per line
 * cost more than the parsing itself. Anything unusual returns `undefined` and the caller takes
 * its general path.
 */
import type { ScannedFields } from './scanBytes';

/** Exact powers of ten: a double holds 10^0…10^22 exactly. */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * Reads decimal numbers in place. Each module that scans owns one: `end`, where the last number
 * stopped, is read right after the call, without an object per number and without state shared
 * between modules.
 */
export class NumberScanner {
  /** Where the last `number` stopped. */
  end = 0;

  /**
   * The decimal number starting at `from` (`-1.5e-3`, `42`, `.5`), up to the first character that
   * cannot continue it, or undefined when none starts there. Correctly rounded: up to 15 digits
   * with a power of ten ≤ 22 it is one exact division or product (Clinger's fast path), else
   * `Number` reads the text.
   */
  number(s: string, from: number, to = s.length): number | undefined {
    let i = from;
    let c = i < to ? s.charCodeAt(i) : 0;
    const negative = c === 45; // -
    if (c === 45 || c === 43) c = ++i < to ? s.charCodeAt(i) : 0;
    let m = 0;
    let digits = 0;
    let scale = 0;
    const start = i;
    while (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      digits++;
      c = ++i < to ? s.charCodeAt(i) : 0;
    }
    if (c === 46) {
      c = ++i < to ? s.charCodeAt(i) : 0;
      while (c >= 48 && c <= 57) {
        m = m * 10 + (c - 48);
        digits++;
        scale--;
        c = ++i < to ? s.charCodeAt(i) : 0;
      }
    }
    if (digits === 0) return undefined;
    if (c === 101 || c === 69) {
      // e / E: only when digits follow, else the number ends before it (`3e` is 3 and a letter)
      let j = i + 1;
      let d = j < to ? s.charCodeAt(j) : 0;
      const expNegative = d === 45;
      if (d === 45 || d === 43) d = ++j < to ? s.charCodeAt(j) : 0;
      if (d >= 48 && d <= 57) {
        let e = 0;
        while (d >= 48 && d <= 57) {
          e = e * 10 + (d - 48);
          d = ++j < to ? s.charCodeAt(j) : 0;
        }
        scale += expNegative ? -e : e;
        i = j;
      }
    }
    this.end = i;
    let v: number;
    if (digits <= 15 && scale >= -22 && scale <= 22) v = scale < 0 ? m / POW10[-scale] : m * POW10[scale];
    else v = Number(s.slice(start, i));
    return negative ? -v : v;
  }
}

const scan = new NumberScanner();

/** The number filling s[from, to) apart from spaces around it, or undefined when anything else is there. */
export function wholeNumber(s: string, from: number, to: number): number | undefined {
  while (from < to && s.charCodeAt(from) === 32) from++;
  while (to > from && s.charCodeAt(to - 1) === 32) to--;
  const v = scan.number(s, from, to);
  return v !== undefined && scan.end === to ? v : undefined;
}

/**
 * The fields of a flat JSON object line (`{"step": 3, "loss": 0.5, "tag": "x"}`) into `keys` and
 * `values` (numbers; strings as their text; `NaN`/`Infinity` as Python's json writes them; other
 * literals as undefined), returning the count — or undefined when the line is anything else
 * (nested values, escapes, damage): the caller parses it in full. `keys` keeps the previous
 * line's names, reused without a new string when they repeat, as they do line after line.
 */
export function scanFlatObject(s: string, keys: string[], values: ScannedFields['values']): number | undefined {
  let i = skipSpace(s, 0);
  if (s.charCodeAt(i) !== 123) return undefined; // {
  i = skipSpace(s, i + 1);
  let n = 0;
  if (s.charCodeAt(i) === 125) return skipSpace(s, i + 1) === s.length ? 0 : undefined;
  for (;;) {
    if (s.charCodeAt(i) !== 34) return undefined; // "
    const known = keys[n];
    // the last line's key here again (the rule): its closing quote where it ends, and its text
    let close = known === undefined ? -1 : i + 1 + known.length;
    if (close < 0 || s.charCodeAt(close) !== 34 || !s.startsWith(known, i + 1)) {
      close = s.indexOf('"', i + 1);
      if (close < 0) return undefined;
      const key = s.slice(i + 1, close);
      if (key.includes('\\')) return undefined;
      keys[n] = key;
    }
    i = skipSpace(s, close + 1);
    if (s.charCodeAt(i) !== 58) return undefined; // :
    i = skipSpace(s, i + 1);
    const c = s.charCodeAt(i);
    if (c === 34) {
      const end = s.indexOf('"', i + 1);
      if (end < 0) return undefined;
      const text = s.slice(i + 1, end);
      if (text.includes('\\')) return undefined;
      values[n] = text;
      i = end + 1;
    } else if (c === 123 || c === 91) {
      return undefined; // nested: the general path flattens it
    } else {
      const v = scan.number(s, i);
      if (v !== undefined) {
        values[n] = v;
        i = scan.end;
      } else {
        const word = literal(s, i);
        if (word === undefined) return undefined;
        values[n] = word[0];
        i += word[1];
      }
    }
    n++;
    i = skipSpace(s, i);
    const sep = s.charCodeAt(i);
    if (sep === 125) return skipSpace(s, i + 1) === s.length ? n : undefined; // }
    if (sep !== 44) return undefined; // ,
    i = skipSpace(s, i + 1);
  }
}

const LITERALS: Array<[string, number | undefined]> = [
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
  ['true', undefined],
  ['false', undefined],
  ['null', undefined],
];

function literal(s: string, at: number): [number | undefined, number] | undefined {
  for (const [word, value] of LITERALS) if (s.startsWith(word, at)) return [value, word.length];
  return undefined;
}

function skipSpace(s: string, i: number): number {
  for (;;) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return i;
    i++;
  }
}
