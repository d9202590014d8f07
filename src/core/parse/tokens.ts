/**
 * The first pass of the printed-line reader (fields.ts): a line cut into tokens in one pass over
 * its characters: words, numbers with their units (`12.3ms`, `11811M`, `45%`, `2.5it/s`) and
 * fractions (`100/ 1000`), durations (`8:33:03`, `1 day, 8:33:03`), separators, `:`/`=`, brackets.
 * Separators inside brackets do not separate, so `(1234.5 ms, 45000 tok/s)` stays one annotation.
 * Tokens live in typed arrays reused from line to line.
 */
import { spelledNumber } from './number';
import { NumberScanner } from './scan';

const scan = new NumberScanner();

export const WORD = 1;
export const NUM = 2;
export const DUR = 3;
export const SEP = 4;
export const BIND = 5; // `:` or `=`
export const OPEN = 6; // `[`
export const CLOSE = 7; // `]`
export const POPEN = 8; // `(`
export const PCLOSE = 9; // `)`
export const OTHER = 10;

/** Tokens a line may hold; a longer line is read up to here (no metric line is that long). */
export const MAX_TOKENS = 2048;

const isDigit = (c: number) => c >= 48 && c <= 57;
const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isWordChar = (c: number) => isLetter(c) || isDigit(c) || c === 46 || c === 47 || c === 45;
const isSpace = (c: number) => c === 32 || c === 9;

/** A line's tokens. */
export class Tokens {
  protected kind = new Uint8Array(MAX_TOKENS + 4); // zeros after the last token: lookahead needs no bound check
  protected start = new Int32Array(MAX_TOKENS);
  protected end = new Int32Array(MAX_TOKENS);
  protected num = new Float64Array(MAX_TOKENS);
  protected den = new Float64Array(MAX_TOKENS);
  /** The number was spelled as a word (`nan`, `inf`): in `number of nan iterations` it is a word. */
  protected spelled = new Uint8Array(MAX_TOKENS);
  /** The separator holds a `|`. */
  protected pipe = new Uint8Array(MAX_TOKENS);
  protected n = 0;
  protected text = '';

  /** Cuts `text[from, to)` into tokens. */
  protected tokens(text: string, from: number, to: number): void {
    this.text = text;
    this.tokenize(text, from, to);
    this.kind.fill(0, this.n, this.n + 4);
  }

  protected token(kind: number, start: number, end: number): void {
    if (this.n >= MAX_TOKENS) return;
    const k = this.n++;
    this.spelled[k] = 0;
    this.pipe[k] = 0;
    this.kind[k] = kind;
    this.start[k] = start;
    this.end[k] = end;
  }

  /** One pass over the characters: every branch moves `i` forward. */
  protected tokenize(s: string, from: number, to: number): void {
    this.n = 0;
    let depth = 0;
    let i = from;
    while (i < to && this.n < MAX_TOKENS) {
      const c = s.charCodeAt(i);
      if (isSpace(c)) {
        let j = i + 1;
        while (j < to && isSpace(s.charCodeAt(j))) j++;
        const run = j - i;
        if (s.charCodeAt(j) === 45 && j + 1 < to && isSpace(s.charCodeAt(j + 1))) {
          this.sep(depth, i, (j += 2)); // ` - `
        } else if (run >= 2 || c === 9 || s.charCodeAt(i + run - 1) === 9) this.sep(depth, i, j);
        i = j;
      } else if (c === 124 || c === 44 || c === 59 || c === 0x2022 || c === 0x2502) {
        this.sep(depth, i, ++i); // | , ; • │
      } else if (c === 58 || c === 61) {
        this.token(BIND, i, ++i);
      } else if (c === 91 || c === 40) {
        depth++;
        this.token(c === 91 ? OPEN : POPEN, i, ++i);
      } else if ((c === 93 || c === 41) && depth > 0) {
        depth--;
        this.token(c === 93 ? CLOSE : PCLOSE, i, ++i);
      } else if (isDigit(c) || ((c === 45 || c === 43 || c === 46) && (isDigit(s.charCodeAt(i + 1)) || s.charCodeAt(i + 1) === 46))) {
        i = this.number(s, i, to);
      } else if (isLetter(c) || ((c === 45 || c === 43) && isLetter(s.charCodeAt(i + 1)))) {
        i = this.word(s, i, to);
      } else {
        i = this.other(s, i, to);
      }
    }
  }

  /** A separator; inside brackets it only joins the bracket's content into one field. */
  protected sep(depth: number, i: number, j: number): void {
    if (depth > 0) {
      if (!isSpace(this.text.charCodeAt(i))) this.token(OTHER, i, j); // `(1.2 ms, 4 tok/s)` stays one annotation
      return;
    }
    if (this.n === 0 || this.kind[this.n - 1] !== SEP) this.token(SEP, i, j);
    if (this.text.charCodeAt(i) === 124) this.pipe[this.n - 1] = 1;
  }

  /** Anything else, up to the next space or separator: one token that no pair accepts. */
  protected other(s: string, i: number, to: number): number {
    const a = i++;
    while (i < to) {
      const c = s.charCodeAt(i);
      if (isSpace(c) || c === 124 || c === 44 || c === 59 || c === 91 || c === 93 || c === 40 || c === 41) break;
      i++;
    }
    this.token(OTHER, a, i);
    return i;
  }

  protected word(s: string, i: number, to: number): number {
    const a = i;
    i++;
    while (i < to && isWordChar(s.charCodeAt(i))) i++;
    // `Epoch(train)`: a mode glued to its word
    if (s.charCodeAt(i) === 40) {
      let j = i + 1;
      while (j < to && isLetter(s.charCodeAt(j))) j++;
      if (j > i + 1 && s.charCodeAt(j) === 41) i = j + 1;
    }
    while (i > a + 1 && (s.charCodeAt(i - 1) === 46 || s.charCodeAt(i - 1) === 45)) i--; // `done.`
    if (i < to && !this.boundary(s.charCodeAt(i))) return this.other(s, a, to);
    const special = spelledNumber(s, a, i);
    if (special !== undefined) {
      this.token(NUM, a, i);
      this.num[this.n - 1] = special ?? NaN;
      this.den[this.n - 1] = NaN;
      this.spelled[this.n - 1] = 1;
    } else if (s.charCodeAt(a) === 45 || s.charCodeAt(a) === 43) {
      this.token(OTHER, a, i);
    } else this.token(WORD, a, i);
    return i;
  }

  /** What may follow a word or a number for it to be one. */
  protected boundary(c: number): boolean {
    return isSpace(c) || c === 124 || c === 44 || c === 59 || c === 58 || c === 61 || c === 91 || c === 93 || c === 40 || c === 41 || c === 0x2022;
  }

  /** A number with its unit (`12.3ms`, `11811M`, `45%`, `2.5it/s`), a fraction, or a duration. */
  protected number(s: string, i: number, to: number): number {
    const a = i;
    const y = scan.number(s, i, to);
    if (y === undefined) return this.other(s, i, to);
    i = scan.end;
    let c = s.charCodeAt(i);
    if (c === 58 && isDigit(s.charCodeAt(i + 1))) return this.duration(s, a, i, to);
    // `1 day, 8:33:03` (Python's timedelta)
    if (c === 32 && s.startsWith(' day', i)) {
      let j = i + 4;
      if (s.charCodeAt(j) === 115) j++;
      if (s.charCodeAt(j) === 44 && s.charCodeAt(j + 1) === 32 && isDigit(s.charCodeAt(j + 2))) {
        j += 2;
        while (j < to && (isDigit(s.charCodeAt(j)) || s.charCodeAt(j) === 58 || s.charCodeAt(j) === 46)) j++;
        this.token(DUR, a, j);
        return j;
      }
    }
    let total = NaN;
    let unit = false;
    while (i < to && (isLetter(c) || c === 37 || c === 0xb5)) {
      unit = true;
      c = s.charCodeAt(++i);
    }
    if (unit && c === 47 && isLetter(s.charCodeAt(i + 1))) {
      // `tok/s`, `ms/step`
      i++;
      while (i < to && isLetter(s.charCodeAt(i))) i++;
      c = s.charCodeAt(i);
    }
    if (!unit) {
      // `100/1000`, `100/ 1000`, `100 / 1000`
      let j = i;
      while (j < to && s.charCodeAt(j) === 32) j++;
      if (j < to && s.charCodeAt(j) === 47) {
        j++;
        while (j < to && s.charCodeAt(j) === 32) j++;
        if (isDigit(s.charCodeAt(j))) {
          const t = scan.number(s, j, to);
          if (t !== undefined) {
            total = t;
            i = scan.end;
            c = s.charCodeAt(i);
          }
        }
      }
    }
    if (i < to && !this.boundary(c)) {
      // `epoch=0/micro_step=10`: a slash before a name separates pairs
      if (c === 47 && isLetter(s.charCodeAt(i + 1))) {
        this.token(NUM, a, i);
        this.num[this.n - 1] = y;
        this.den[this.n - 1] = total;
        this.token(SEP, i, i + 1);
        return i + 1;
      }
      return this.other(s, a, to);
    }
    this.token(NUM, a, i);
    this.num[this.n - 1] = y;
    this.den[this.n - 1] = total;
    return i;
  }

  /** `8:33:03`, `00:01`, `0:00:01.5`. */
  protected duration(s: string, a: number, i: number, to: number): number {
    while (i < to && (isDigit(s.charCodeAt(i)) || s.charCodeAt(i) === 58 || s.charCodeAt(i) === 46)) i++;
    if (i < to && !this.boundary(s.charCodeAt(i)) && s.charCodeAt(i) !== 60) return this.other(s, a, to);
    this.token(DUR, a, i);
    return i;
  }
}
