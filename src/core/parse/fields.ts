/**
 * One linear reader for printed metric lines, whatever the framework: the line is cut into
 * tokens in one pass (tokens.ts), then a second pass over the tokens reads each field as `name value`, `name: value`, `name=value` or
 * `value name`. Fields are split by `|`, `,`, `;`, tabs, runs of 2+ spaces, ` - ` and `•`, but not
 * inside brackets, so `(1234.5 ms, 45000 tok/s)` stays one annotation. A field that is not made
 * only of pairs (prose, paths, lists) gives nothing: that is what keeps sentences out of the charts;
 * only `name=value` pairs followed by words keep (`step=3 loss=0.5 saved checkpoint`).
 * What the names mean (which is the step, which are config) is decided on top, in lineTables.ts.
 */
import { BIND, CLOSE, DUR, NUM, OPEN, PCLOSE, POPEN, SEP, Tokens, WORD } from './tokens';

/** Whether `text[from, to)` starts and ends with `|` (a markdown or tabulate table row). */
function tableRow(text: string, from: number, to: number): boolean {
  while (from < to && text.charCodeAt(from) === 32) from++;
  while (to > from && (text.charCodeAt(to - 1) === 32 || text.charCodeAt(to - 1) === 9)) to--;
  return to - from > 1 && text.charCodeAt(from) === 124 && text.charCodeAt(to - 1) === 124;
}

/** Pair flags. */
export const DURATION = 1;
/** `45000 tok/s`: the name came after the value (never a position). */
export const AFTER = 2;
/** The value was written in brackets (`Epoch [1]`, `Step [100/600]`). */
export const BRACKETED = 4;
/** `name=value`: bound by `=`, which words after it do not undo (`step=3 loss=0.5 saved checkpoint`). */
export const EQ = 8;

/** The pairs of one line, in arrays reused from line to line. */
export class LineFields extends Tokens {
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
  /** Fields read as pairs, and fields that were not (prose, paths): `File "x.py", line 12, in f` is a traceback. */
  kept = 0;
  spoilt = 0;

  /** Reads `text[from, to)`; returns the number of pairs. */
  read(text: string, from = 0, to = text.length): number {
    this.count = 0;
    this.counter = this.counterTotal = this.lead = NaN;
    this.label = this.evalWord = '';
    this.kept = this.spoilt = 0;
    this.tokens(text, from, to);
    this.pairs(tableRow(text, from, to));
    return this.count;
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
  private pairs(row: boolean): void {
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
    let bind = 0; // the `:` or `=` between the pending name and its value

    while (k <= n) {
      const t = k < n ? kind[k] : SEP;
      if (t === SEP) {
        // in a table row (`| person | 52.442 | bicycle | 29.912 |`) a cell is not the name of the next
        const whole: boolean = !(row && this.pipe[k]) && nameFrom >= 0 && !bad && !carried && this.count === fieldStart && nameToken === field;
        if (bad || (nameFrom >= 0 && !whole)) {
          if (this.count > fieldStart || bad || nameToken >= field) this.spoilt++;
          // words after `name=value` pairs are a comment on them (`step=3 loss=0.5 (best so far)`); stray symbols spoil all
          if (bad) this.count = fieldStart;
          else this.keepBound(fieldStart);
        } else if (this.count > fieldStart) this.kept++;
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
          bind = 0;
          if (k === field && kind[k + 1] === WORD && this.text.startsWith('on', this.start[k + 1]) && this.end[k + 1] - this.start[k + 1] === 2) {
            this.evalWord = this.text.slice(nameFrom, nameTo); // fairseq's `valid on 'valid' subset`
          }
          k++;
          // more words, and a `(ms)` unit, belong to the name
          while (
            k < n &&
            (kind[k] === WORD ||
              (kind[k] === NUM && this.spelled[k] && kind[k + 1] === WORD) ||
              (kind[k] === POPEN && kind[k + 1] === WORD && kind[k + 2] === PCLOSE))
          ) {
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
          if (j === k + 1 && (j === n || kind[j] === SEP)) {
            k++; // a number alone in its field: no pair, and no prose either
            continue;
          }
        } else if (t === DUR) {
          k++; // `0:00:01` alone (Rich's elapsed time): neither
          continue;
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
        bind = this.text.charCodeAt(this.start[k]);
        k++;
        continue;
      }
      const how = bind === 61 ? EQ : 0;
      if (t === NUM) {
        this.add(nameFrom, nameTo, this.num[k], this.den[k], how);
        nameFrom = -1;
        k = this.afterValue(k + 1);
        continue;
      }
      if (t === DUR) {
        this.add(nameFrom, nameTo, NaN, NaN, DURATION | how);
        nameFrom = -1;
        k++;
        continue;
      }
      if (t === OPEN) {
        const j = this.bracket(k);
        if (j > 0) {
          this.add(nameFrom, nameTo, this.num[k + 1], this.den[k + 1], BRACKETED | how);
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

  /** A field that ends in words keeps only its `name=value` pairs, from `from` on. */
  private keepBound(from: number): void {
    let to = from;
    for (let k = from; k < this.count; k++) {
      if (!(this.flags[k] & EQ)) continue;
      if (k !== to) {
        this.names[to] = this.names[k];
        this.values[to] = this.values[k];
        this.totals[to] = this.totals[k];
        this.inner[to] = this.inner[k];
        this.innerTotals[to] = this.innerTotals[k];
        this.flags[to] = this.flags[k];
      }
      to++;
    }
    this.count = to;
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
