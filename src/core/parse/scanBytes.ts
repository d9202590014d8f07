/**
 * scan.ts on the file's bytes, before any decoding: the JSON Lines and CSV hot path. Numbers and
 * punctuation are ASCII, and the keys of the last line are compared byte for byte, so a common
 * line becomes fields without a string; only new keys and string values are decoded. Anything
 * unusual returns undefined and the caller decodes the line for the string path, which reads it
 * the same way (the tests hold the two to the same answers).
 */

/** Exact powers of ten: a double holds 10^0…10^22 exactly. */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/** Decodes what is not ASCII; a U+FEFF inside a line is text, not a byte-order mark to drop. */
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** The text of `b[from, to)`, as TextDecoder gives it (ASCII without it: most keys and cells are short and ASCII). */
export function textOf(b: Uint8Array, from: number, to: number): string {
  if (to - from > 64) return utf8.decode(b.subarray(from, to));
  let s = '';
  for (let i = from; i < to; i++) {
    const c = b[i];
    if (c >= 128) return utf8.decode(b.subarray(from, to));
    s += String.fromCharCode(c);
  }
  return s;
}

/** NumberScanner (scan.ts) over bytes: the same digits give the same double. */
export class ByteNumberScanner {
  /** Where the last number found stopped. */
  end = 0;
  /**
   * The last number found: held here, not returned, so the hot path stores it without boxing it
   * (a double returned from a call that is not inlined is a fresh heap object, one a point).
   */
  value = 0;

  /** Whether a decimal number (`-1.5e-3`, `42`, `.5`) starts at `from`: then `value` is it, and `end` the first byte that cannot continue it. */
  number(b: Uint8Array, from: number, to: number): boolean {
    let i = from;
    let c = i < to ? b[i] : 0;
    const negative = c === 45; // -
    if (c === 45 || c === 43) c = ++i < to ? b[i] : 0;
    let m = 0;
    let digits = 0;
    let scale = 0;
    const start = i;
    while (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      digits++;
      c = ++i < to ? b[i] : 0;
    }
    if (c === 46) {
      c = ++i < to ? b[i] : 0;
      while (c >= 48 && c <= 57) {
        m = m * 10 + (c - 48);
        digits++;
        scale--;
        c = ++i < to ? b[i] : 0;
      }
    }
    if (digits === 0) return false;
    if (c === 101 || c === 69) {
      // e / E: only when digits follow, else the number ends before it (`3e` is 3 and a letter)
      let j = i + 1;
      let d = j < to ? b[j] : 0;
      const expNegative = d === 45;
      if (d === 45 || d === 43) d = ++j < to ? b[j] : 0;
      if (d >= 48 && d <= 57) {
        let e = 0;
        while (d >= 48 && d <= 57) {
          e = e * 10 + (d - 48);
          d = ++j < to ? b[j] : 0;
        }
        scale += expNegative ? -e : e;
        i = j;
      }
    }
    this.end = i;
    let v: number;
    if (digits <= 15 && scale >= -22 && scale <= 22) v = scale < 0 ? m / POW10[-scale] : m * POW10[scale];
    else v = Number(textOf(b, start, i));
    this.value = negative ? -v : v;
    return true;
  }

  /** Whether b[from, to) is one number apart from spaces around it (`wholeNumber` in scan.ts): then `value` is it. */
  whole(b: Uint8Array, from: number, to: number): boolean {
    while (from < to && b[from] === 32) from++;
    while (to > from && b[to - 1] === 32) to--;
    return this.number(b, from, to) && this.end === to;
  }
}

const scan = new ByteNumberScanner();

/** `wholeNumber` (scan.ts) over bytes: the number filling b[from, to) apart from spaces around it. */
export function wholeNumberBytes(b: Uint8Array, from: number, to: number): number | undefined {
  return scan.whole(b, from, to) ? scan.value : undefined;
}

function skipSpace(b: Uint8Array, i: number, to: number): number {
  while (i < to) {
    const c = b[i];
    if (c !== 32 && c !== 9 && c !== 13) return i;
    i++;
  }
  return i;
}

/** Whether b[at…] spells the ASCII `word` within `to`. */
function spells(b: Uint8Array, at: number, to: number, word: string): boolean {
  if (at + word.length > to) return false;
  for (let k = 0; k < word.length; k++) if (b[at + k] !== word.charCodeAt(k)) return false;
  return true;
}

const LITERALS: Array<[string, number | undefined]> = [
  ['NaN', NaN],
  ['Infinity', Infinity],
  ['-Infinity', -Infinity],
  ['true', undefined],
  ['false', undefined],
  ['null', undefined],
];

/** The index of the next `"` in b[from, to), or -1 when none comes or a `\` comes first (an escape: the string path reads it). */
function closingQuote(b: Uint8Array, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    const c = b[i];
    if (c === 34) return i;
    if (c === 92) return -1;
  }
  return -1;
}

/**
 * The keys of the last lines, as bytes and as the strings handed on: a key at the same place
 * again is compared in place, and its string reused.
 */
export class KeyBytes {
  bytes: Uint8Array[] = [];
  names: string[] = [];
}

/** A field value read as a number from bytes: the number itself stands in `ScannedFields.nums`, unboxed. */
export const IN_NUMS = Symbol('number in nums');

/** The fields of a line read from bytes, reused from line to line. */
export interface ScannedFields {
  keys: string[];
  /** A string, undefined (a literal that is no number), or IN_NUMS: then `nums` holds the number at the same index. */
  values: Array<number | string | undefined | typeof IN_NUMS>;
  nums?: Float64Array;
}

/**
 * `scanFlatObject` (scan.ts) over the line b[from, to): its fields into `f`, and their count, or
 * undefined when the line is anything but a flat object without escapes.
 */
export function scanFlatObjectBytes(b: Uint8Array, from: number, to: number, known: KeyBytes, f: ScannedFields): number | undefined {
  const { keys, values } = f;
  let nums = (f.nums ??= new Float64Array(16));
  let i = skipSpace(b, from, to);
  if (i >= to || b[i] !== 123) return undefined; // {
  i = skipSpace(b, i + 1, to);
  let n = 0;
  if (i < to && b[i] === 125) return skipSpace(b, i + 1, to) === to ? 0 : undefined;
  for (;;) {
    if (i >= to || b[i] !== 34) return undefined; // "
    const was = known.bytes[n];
    let close = was === undefined ? -1 : i + 1 + was.length;
    if (close >= 0 && close < to && b[close] === 34) {
      for (let k = 0; k < was.length; k++) {
        if (b[i + 1 + k] !== was[k]) {
          close = -1;
          break;
        }
      }
    } else close = -1;
    if (close < 0) {
      close = closingQuote(b, i + 1, to);
      if (close < 0) return undefined;
      known.bytes[n] = b.slice(i + 1, close);
      known.names[n] = textOf(b, i + 1, close);
    }
    keys[n] = known.names[n];
    i = skipSpace(b, close + 1, to);
    if (i >= to || b[i] !== 58) return undefined; // :
    i = skipSpace(b, i + 1, to);
    const c = i < to ? b[i] : 0;
    if (c === 34) {
      const end = closingQuote(b, i + 1, to);
      if (end < 0) return undefined;
      values[n] = textOf(b, i + 1, end);
      i = end + 1;
    } else if (c === 123 || c === 91) {
      return undefined; // nested: the general path flattens it
    } else {
      if (scan.number(b, i, to)) {
        if (n === nums.length) {
          const grown = new Float64Array(n * 2);
          grown.set(nums);
          nums = f.nums = grown;
        }
        nums[n] = scan.value;
        values[n] = IN_NUMS;
        i = scan.end;
      } else {
        let k = 0;
        while (k < LITERALS.length && !spells(b, i, to, LITERALS[k][0])) k++;
        if (k === LITERALS.length) return undefined;
        values[n] = LITERALS[k][1];
        i += LITERALS[k][0].length;
      }
    }
    n++;
    i = skipSpace(b, i, to);
    const sep = i < to ? b[i] : 0;
    if (sep === 125) return skipSpace(b, i + 1, to) === to ? n : undefined; // }
    if (sep !== 44) return undefined; // ,
    i = skipSpace(b, i + 1, to);
  }
}
