/**
 * One linear reader for printed metric lines, whatever the framework: the line is cut into
 * tokens (words, numbers with their units, durations, separators, brackets) in one pass, then a
 * second pass over the tokens reads each field as `name value`, `name: value`, `name=value` or
 * `value name`. Fields are split by `|`, `,`, `;`, tabs, runs of 2+ spaces, ` - ` and `•`, but not
 * inside brackets, so `(1234.5 ms, 45000 tok/s)` stays one annotation. A field that is not made
 * only of pairs (prose, paths, lists) gives nothing: that is what keeps sentences out of the charts.
 * What the names mean (which is the step, which are config) is decided on top, in lineTables.ts.
 */
import { scanEnd, scanNumber } from './scan';

const WORD = 1;
const NUM = 2;
const DUR = 3;
const SEP = 4;
const BIND = 5; // `:` or `=`
const OPEN = 6; // `[`
const CLOSE = 7; // `]`
const POPEN = 8; // `(`
const PCLOSE = 9; // `)`
const OTHER = 10;

/** Tokens a line may hold; a longer line is read up to here (no metric line is that long). */
const MAX_TOKENS = 2048;

/** Pair flags. */
export const DURATION = 1;
/** `45000 tok/s`: the name came after the value (never a position). */
export const AFTER = 2;
/** The value was written in brackets (`Epoch [1]`, `Step [100/600]`). */
export const BRACKETED = 4;

const isDigit = (c: number) => c >= 48 && c <= 57;
const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isWordChar = (c: number) => isLetter(c) || isDigit(c) || c === 46 || c === 47 || c === 45;
const isSpace = (c: number) => c === 32 || c === 9;

/** `nan`, `inf`, `-inf`, `Infinity` as Python and C print them, or undefined (without a string per word). */
function spelledNumber(s: string, a: number, i: number): number | undefined {
  const c = s.charCodeAt(a);
  const sign = c === 45 ? -1 : c === 43 ? 1 : 0;
  const len = i - a - (sign ? 1 : 0);
  if (len !== 3 && len !== 8) return undefined;
  const f = s.charCodeAt(a + (sign ? 1 : 0)) | 32;
  if (f !== 110 && f !== 105) return undefined; // n, i
  const lower = s.slice(a, i).toLowerCase();
  if (lower.endsWith('nan') && len === 3) return NaN;
  if (lower.endsWith('inf') || lower.endsWith('infinity')) return sign < 0 ? -Infinity : Infinity;
  return undefined;
}

/** The pairs of one line, in arrays reused from line to line. */
export class LineFields {
  names: string[] = [];
  values: number[] = [];
  /** `100/1000`: the 1000, else NaN. */
  totals: number[] = [];
  /** An inner counter written after the value: `Epoch [1][50/7330]`, `Train Epoch: 1 [640/60000 (1%)]`. */
  inner: number[] = [];
  innerTotals: number[] = [];
  flags: number[] = [];
  count = 0;
  /** A counter standing alone (`[0/6]`, `100 / 1000`): value and total, NaN when none. */
  counter = NaN;
  counterTotal = NaN;
  /** `[100]` opening the line. */
  lead = NaN;
  /** `Test set: Average loss: …`: the label before the first name, or ''. */
  label = '';
  /** `valid on 'valid' subset` (fairseq): the word naming an evaluation, or ''. */
  evalWord = '';

  // tokens
  private kind = new Uint8Array(MAX_TOKENS + 4); // zeros after the last token: lookahead needs no bound check
  private start = new Int32Array(MAX_TOKENS);
  private end = new Int32Array(MAX_TOKENS);
  private num = new Float64Array(MAX_TOKENS);
  private den = new Float64Array(MAX_TOKENS);
  /** The number was spelled as a word (`nan`, `inf`): in `number of nan iterations` it is a word. */
  private spelled = new Uint8Array(MAX_TOKENS);
  private n = 0;
  private text = '';

  /** Reads `text[from, to)`; returns the number of pairs. */
  read(text: string, from = 0, to = text.length): number {
    this.text = text;
    this.count = 0;
    this.counter = this.counterTotal = this.lead = NaN;
    this.label = this.evalWord = '';
    this.tokenize(text, from, to);
    this.kind.fill(0, this.n, this.n + 4);
    this.pairs();
    return this.count;
  }

  private token(kind: number, start: number, end: number): void {
    if (this.n >= MAX_TOKENS) return;
    const k = this.n++;
    this.spelled[k] = 0;
    this.kind[k] = kind;
    this.start[k] = start;
    this.end[k] = end;
  }

  /** One pass over the characters: every branch moves `i` forward. */
  private tokenize(s: string, from: number, to: number): void {
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
  private sep(depth: number, i: number, j: number): void {
    if (depth > 0) {
      if (!isSpace(this.text.charCodeAt(i))) this.token(OTHER, i, j); // `(1.2 ms, 4 tok/s)` stays one annotation
    } else if (this.n === 0 || this.kind[this.n - 1] !== SEP) this.token(SEP, i, j);
  }

  /** Anything else, up to the next space or separator: one token that no pair accepts. */
  private other(s: string, i: number, to: number): number {
    const a = i++;
    while (i < to) {
      const c = s.charCodeAt(i);
      if (isSpace(c) || c === 124 || c === 44 || c === 59 || c === 91 || c === 93 || c === 40 || c === 41) break;
      i++;
    }
    this.token(OTHER, a, i);
    return i;
  }

  private word(s: string, i: number, to: number): number {
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
  private boundary(c: number): boolean {
    return isSpace(c) || c === 124 || c === 44 || c === 59 || c === 58 || c === 61 || c === 91 || c === 93 || c === 40 || c === 41 || c === 0x2022;
  }

  /** A number with its unit (`12.3ms`, `11811M`, `45%`, `2.5it/s`), a fraction, or a duration. */
  private number(s: string, i: number, to: number): number {
    const a = i;
    const y = scanNumber(s, i, to);
    if (y === undefined) return this.other(s, i, to);
    i = scanEnd;
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
      while (s.charCodeAt(j) === 32) j++;
      if (s.charCodeAt(j) === 47) {
        j++;
        while (s.charCodeAt(j) === 32) j++;
        if (isDigit(s.charCodeAt(j))) {
          const t = scanNumber(s, j, to);
          if (t !== undefined) {
            total = t;
            i = scanEnd;
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
  private duration(s: string, a: number, i: number, to: number): number {
    while (i < to && (isDigit(s.charCodeAt(i)) || s.charCodeAt(i) === 58 || s.charCodeAt(i) === 46)) i++;
    if (i < to && !this.boundary(s.charCodeAt(i)) && s.charCodeAt(i) !== 60) return this.other(s, a, to);
    this.token(DUR, a, i);
    return i;
  }

  private add(nameFrom: number, nameTo: number, value: number, total: number, flags: number): void {
    const k = this.count++;
    const prev = this.names[k];
    const s = this.text;
    if (prev === undefined || prev.length !== nameTo - nameFrom || !s.startsWith(prev, nameFrom)) this.names[k] = s.slice(nameFrom, nameTo);
    this.values[k] = value;
    this.totals[k] = total;
    this.inner[k] = NaN;
    this.innerTotals[k] = NaN;
    this.flags[k] = flags;
  }

  /** `[N]` or `[N/M]` at token `k`: the index after it, or -1. */
  private bracket(k: number): number {
    if (this.kind[k] !== OPEN || this.kind[k + 1] !== NUM || this.kind[k + 2] !== CLOSE || k + 2 >= this.n) return -1;
    return k + 3;
  }

  /** Skips a `(…)` annotation at `k` (to its close, or to the end of the field). */
  private skipParens(k: number): number {
    let depth = 0;
    for (; k < this.n; k++) {
      const t = this.kind[k];
      if (t === POPEN || t === OPEN) depth++;
      else if (t === PCLOSE || t === CLOSE) {
        if (--depth === 0) return k + 1;
      } else if (t === SEP) return k;
    }
    return k;
  }

  /**
   * The second pass: fields of pairs. A name alone in its field may take its value from the next
   * field (Megatron's `iteration      100/  500000`, a table's `| ep_len_mean | 22.4 |`).
   */
  private pairs(): void {
    const n = this.n;
    const kind = this.kind;
    let fieldStart = 0; // pairs of the current field start here
    let field = 0; // token index where the field began
    let k = 0;
    let nameFrom = -1;
    let nameTo = -1;
    let nameToken = -1;
    let carried = false; // the pending name is the whole of the previous field
    let bad = false;
    while (k <= n) {
      const t = k < n ? kind[k] : SEP;
      if (t === SEP) {
        const whole: boolean = nameFrom >= 0 && !bad && !carried && this.count === fieldStart && nameToken === field;
        if (bad || (nameFrom >= 0 && !whole)) this.count = fieldStart;
        if (!whole) nameFrom = -1;
        carried = whole;
        fieldStart = this.count;
        field = ++k;
        bad = false;
        continue;
      }
      if (carried && t !== NUM && t !== DUR && t !== OPEN && t !== BIND) nameFrom = -1;
      carried = false;
      if (nameFrom < 0) {
        // an item starts: a name, a counter, or `value name`
        if (t === WORD) {
          nameToken = k;
          nameFrom = this.start[k];
          nameTo = this.end[k];
          if (k === field && kind[k + 1] === WORD && this.text.startsWith('on', this.start[k + 1]) && this.end[k + 1] - this.start[k + 1] === 2) {
            this.evalWord = this.text.slice(nameFrom, nameTo); // fairseq's `valid on 'valid' subset`
          }
          k++;
          // more words, and a `(ms)` unit, belong to the name
          while (k < n && (kind[k] === WORD || (kind[k] === NUM && this.spelled[k] && kind[k + 1] === WORD) || (kind[k] === POPEN && kind[k + 1] === WORD && kind[k + 2] === PCLOSE))) {
            if (kind[k] === POPEN) k += 2;
            nameTo = this.end[k];
            k++;
          }
          if (kind[k] === BIND && kind[k + 1] === WORD && k + 1 < n && this.count === 0 && field === 0 && !this.label) {
            // `Test set: Average loss: 0.1`: a label for the names that follow
            this.label = this.text.slice(nameFrom, nameTo);
            nameFrom = -1;
            k++;
          }
          continue;
        }
        if (t === NUM) {
          if (!Number.isNaN(this.den[k]) && Number.isNaN(this.counter)) {
            // `100 / 1000 loss=…`: a counter of its own
            this.counter = this.num[k];
            this.counterTotal = this.den[k];
            k++;
            if (kind[k] === BIND) k++;
            continue;
          }
          // `45000 tok/s`: a value and a name that fill the field
          let j = k + 1;
          while (j < n && kind[j] === WORD) j++;
          if (j > k + 1 && (j === n || kind[j] === SEP || kind[j] === PCLOSE)) {
            this.add(this.start[k + 1], this.end[j - 1], this.num[k], NaN, AFTER);
            k = kind[j] === PCLOSE ? j + 1 : j;
            continue;
          }
        } else if (t === OPEN) {
          const j = this.bracket(k);
          if (j > 0) {
            if (k === 0 && Number.isNaN(this.den[k + 1])) this.lead = this.num[k + 1];
            else if (Number.isNaN(this.counter)) {
              this.counter = this.num[k + 1];
              this.counterTotal = this.den[k + 1];
            }
            k = j;
            if (kind[k] === BIND) k++;
            continue;
          }
          if (kind[k + 1] === WORD) {
            k++; // `[D loss: 0.5]`: brackets around pairs (PyTorch-GAN's prints)
            continue;
          }
        } else if (t === CLOSE) {
          k++;
          continue;
        } else if (t === POPEN && this.count > fieldStart) {
          k = this.skipParens(k); // `loss: 8.27 (8.30)`, `(+0.12z)`
          continue;
        }
        bad = true;
        k++;
        continue;
      }
      // a name is pending: its value
      if (t === BIND) {
        k++;
        continue;
      }
      if (t === NUM) {
        this.add(nameFrom, nameTo, this.num[k], this.den[k], 0);
        nameFrom = -1;
        k = this.afterValue(k + 1);
        continue;
      }
      if (t === DUR) {
        this.add(nameFrom, nameTo, NaN, NaN, DURATION);
        nameFrom = -1;
        k++;
        continue;
      }
      if (t === OPEN) {
        const j = this.bracket(k);
        if (j > 0) {
          this.add(nameFrom, nameTo, this.num[k + 1], this.den[k + 1], BRACKETED);
          nameFrom = -1;
          k = this.afterValue(j);
          continue;
        }
      }
      bad = true;
      nameFrom = -1;
      k++;
    }
  }

  /** After a value: an inner counter `[50/7330]`, an annotation `(…)`, a unit word, or a `:`. */
  private afterValue(k: number): number {
    const kind = this.kind;
    const last = this.count - 1;
    if (kind[k] === OPEN) {
      const j = this.bracket(k);
      if (j > 0) {
        this.inner[last] = this.num[k + 1];
        this.innerTotals[last] = this.den[k + 1];
        return j;
      }
      if (kind[k + 1] === NUM && !Number.isNaN(this.den[k + 1])) {
        // `[640/60000 (1%)]`
        this.inner[last] = this.num[k + 1];
        this.innerTotals[last] = this.den[k + 1];
        return this.skipParens(k);
      }
    }
    if (kind[k] === POPEN) return this.skipParens(k);
    if (kind[k] === BIND) return k + 1;
    // `0.0 GB` then the end of the field: a unit
    if (kind[k] === WORD && (k + 1 >= this.n || kind[k + 1] === SEP) && this.end[k] - this.start[k] <= 3) return k + 1;
    return k;
  }
}
