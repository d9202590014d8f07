/**
 * Metrics in printed output, one frame (a line or a `\r` redraw) at a time:
 *
 * - Keras: `Epoch 3/10` on its own line, then ` 12/32 ━━━ 1s 3ms/step - loss: 0.4181` (verbose 1,
 *   every redraw) or `32/32 - 0s - loss: 0.41` (verbose 2), and the older
 *   `  768/60000 [>....] - ETA: 48s - loss: 2.1636`; x is the global batch.
 * - tqdm: `Epoch 0:  12%|█▏ | 24/200 [00:01<00:09, loss=0.123, lr=0.01]`. Each postfix is a point
 *   in update order: tqdm redraws its counter at most every 0.1 s while `set_postfix` updates
 *   every step, so the shown counter would merge many updates into one position.
 * - Rich/Lightning: `Epoch 1/11 ━━━ 34/45 0:00:00 • 0:00:01` with the metrics on their own lines
 *   (`train_loss: 0.206`), which take the position of the last bar.
 * - Plain prints: `step 10 loss=0.5 acc=0.9`, `Epoch 3/10 - loss: 0.12`, `[100] loss: 1.2`.
 * - A printed dict or JSON object (see records.ts).
 *
 * One parser per stream: Keras prints the epoch on its own line before its bars.
 */
import { stripAnsi } from './ansi';
import { emitRecord, parseRecord } from './records';
import { scanEnd, scanNumber } from './scan';
import { LineParser, type Emit } from './types';
import type { XKind } from '../protocol/batch';

const NUM = String.raw`[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?(?:nan|NaN|inf|Inf)`;
const NAME = String.raw`[A-Za-z_][\w./-]*`;
/** A lone `Epoch 3/10` (Keras' header). */
const EPOCH_ONLY = /^\s*Epoch\s+(\d+)\s*\/\s*(\d+)\s*$/;
/** `Epoch 1/11 ━━━ 34/45 …` (Rich) — a counter on the same line as the epoch. */
const EPOCH_BAR = /^\s*Epoch\s+(\d+)\s*\/\s*\d+\b.*?\s(\d+)\s*\/\s*(\d+)(?:\s|$)/;
/** `Epoch 3/10 - loss: 0.12` (per-epoch summaries). */
const EPOCH_LINE = /^\s*Epoch\s+(\d+)\s*(?:\/\s*\d+)?\s*[-:|,]/;
/** tqdm: `Epoch 0:  12%|█▏  | 24/200 [` (the description is optional). */
const TQDM = /\d+%\|[^|]*\|\s*\d+\s*\/\s*\d+\s*\[/;
/** `step 10`, `Step 10:`, `iter 5`, `iteration 5`, `[100]` at the start of a line. */
const STEP_PREFIX = /^\s*(?:(?:global[_ ])?step|iter(?:ation)?|it)\s*[:=#]?\s*(\d+)\b|^\s*\[\s*(\d+)\s*\]/i;
const EQ_PAIR = new RegExp(String.raw`(?:^|[\s,\[(|])(${NAME})=(${NUM})(?=$|[\s,\])|])`, 'g');
const COLON_PAIR = new RegExp(String.raw`(?:^|[\s,|])(${NAME}):\s*(${NUM})(?=$|[\s,|])`, 'g');
/** A line made only of `name: value` pairs (Rich prints each of Lightning's metrics so). */
const ONLY_COLON_PAIRS = new RegExp(String.raw`^\s*(?:${NAME}:\s*(?:${NUM})\s*[,|]?\s*)+$`);
/** Position words, not metrics; `v_num` is Lightning's run version in its bar. */
const NOT_METRICS = new Set(['step', 'epoch', 'global_step', 'iteration', 'iter', 'batch', 'v_num', 'ETA']);

/** A number as Python or C print it, `nan` and `inf` included. Callers pass matched number text. */
export function parseNumber(s: string): number {
  const n = +s;
  if (n === n) return n; // the common case, without allocating
  const lower = s.toLowerCase();
  if (lower === 'inf' || lower === '+inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  return NaN;
}

/**
 * The pairs of one frame, in buffers reused from frame to frame: a Keras bar is redrawn for every
 * batch, and a tuple per value and an array per frame cost more than the scan.
 */
class Pairs {
  names: string[] = [];
  values: number[] = [];
  count = 0;

  /** Appends a pair, reusing the previous frame's name string at this position when it is the same name. */
  push(text: string, from: number, to: number, y: number): void {
    const k = this.count++;
    const prev = this.names[k];
    if (prev === undefined || !sameText(prev, text, from, to)) this.names[k] = text.slice(from, to);
    this.values[k] = y;
  }

  /** `name`/value pairs of `re` (a global regex whose groups are the name and the number). */
  match(text: string, re: RegExp): number {
    re.lastIndex = 0;
    for (let m = re.exec(text); m; m = re.exec(text)) {
      const k = this.count++;
      this.names[k] = m[1];
      this.values[k] = parseNumber(m[2]);
    }
    return this.count;
  }

  /** The value named `name` in this frame, or undefined. */
  get(name: string): number | undefined {
    for (let k = 0; k < this.count; k++) if (this.names[k] === name) return this.values[k];
    return undefined;
  }
}

/** Whether `text[from, to)` spells `name` (`startsWith` costs more on the short names here). */
function sameText(name: string, text: string, from: number, to: number): boolean {
  if (name.length !== to - from) return false;
  for (let k = 0; k < name.length; k++) if (name.charCodeAt(k) !== text.charCodeAt(from + k)) return false;
  return true;
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isNameStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isNameChar = (c: number) => isNameStart(c) || isDigit(c) || c === 46 || c === 47 || c === 45;
const isSpace = (c: number) => c === 32 || c === 9;

/**
 * Keras' ` - name: value` pairs (after a space or the line start; a value not followed by a letter,
 * digit, `_` or `.`), scanned by hand: every redraw of a bar passes here, and a regex with
 * captures cost more than the rest of the line's work.
 */
function kerasPairs(text: string, out: Pairs): number {
  for (let i = text.indexOf('- '); i >= 0; i = text.indexOf('- ', i + 1)) {
    if (i > 0 && !isSpace(text.charCodeAt(i - 1))) continue;
    let j = i + 2;
    if (!isNameStart(text.charCodeAt(j))) continue;
    while (isNameChar(text.charCodeAt(j))) j++;
    const nameEnd = j;
    if (text.charCodeAt(j) !== 58) continue; // :
    j++;
    while (isSpace(text.charCodeAt(j))) j++;
    let y = scanNumber(text, j);
    let end = scanEnd;
    if (y === undefined) {
      const word = /^[-+]?(?:nan|NaN|inf|Inf)/.exec(text.slice(j, j + 4));
      if (!word) continue;
      y = parseNumber(word[0]);
      end = j + word[0].length;
    }
    const next = text.charCodeAt(end);
    if (isNameChar(next) && next !== 45 && next !== 47) continue; // `1.5x`: not a value
    out.push(text, i + 2, nameEnd, y);
    i = end - 1;
  }
  return out.count;
}

/** Batch and batch count of the last counter `kerasBatch` accepted (no object per frame). */
let batchDone = 0;
let batchTotal = 0;

/**
 * Whether `text` starts with Keras' batch counter (` 12/32 ━━━`, `  768/60000 [>...]`,
 * `32/32 - 0s`), scanned by hand from `i`, its first non-space character; sets `batchDone` and
 * `batchTotal`.
 */
function kerasBatch(text: string, i: number): boolean {
  let done = 0;
  const a = i;
  for (let c = text.charCodeAt(i); isDigit(c); c = text.charCodeAt(++i)) done = done * 10 + (c - 48);
  if (i === a || i - a > 15) return false;
  while (isSpace(text.charCodeAt(i))) i++;
  if (text.charCodeAt(i++) !== 47) return false; // /
  while (isSpace(text.charCodeAt(i))) i++;
  let total = 0;
  const b = i;
  for (let c = text.charCodeAt(i); isDigit(c); c = text.charCodeAt(++i)) total = total * 10 + (c - 48);
  if (i === b || i - b > 15 || !isSpace(text.charCodeAt(i))) return false;
  while (isSpace(text.charCodeAt(i))) i++;
  const c = text.charCodeAt(i);
  // what follows the counter: a bar (`━`, `─`, `[=>.]`), ` - `, or a time (`1s`)
  if (!(c === 0x2501 || c === 0x2500 || c === 61 || c === 62 || c === 46 || c === 91 || c === 93 || c === 45 || isDigit(c) || i === text.length)) return false;
  batchDone = done;
  batchTotal = total;
  return true;
}

export class ProgressParser extends LineParser {
  /** Keras' current epoch (1-based), from its `Epoch 3/10` header. */
  private epoch = 0;
  /** The position of the last bar, for metrics printed on lines of their own. */
  private lastX = NaN;
  private lastKind: XKind = 'index';
  /** Records and pair lines with no position: numbered in order. */
  private index = 0;
  private readonly pairs = new Pairs();

  reset(): void {
    this.epoch = 0;
    this.lastX = NaN;
    this.index = 0;
  }

  read(frame: string, emit: Emit): void {
    if (frame.length > 10_000) return; // not a progress line; still shown in the log
    const text = stripAnsi(frame);
    let first = 0;
    while (isSpace(text.charCodeAt(first))) first++;
    const lead = text.charCodeAt(first);
    if (lead === 123) {
      // {
      const record = parseRecord(text);
      if (record) return emitRecord(record, ++this.index, emit);
    }
    const found = this.pairs;
    found.count = 0;
    // Keras first: its bars are most of the frames, and a tqdm line never starts with `12/32 `.
    if (isDigit(lead) && kerasBatch(text, first)) {
      kerasPairs(text, found);
      return this.emit('step', Math.max(0, this.epoch - 1) * batchTotal + batchDone, emit);
    }
    let m: RegExpExecArray | null;
    if (lead === 69 && (m = EPOCH_ONLY.exec(text))) {
      // E
      this.epoch = Number(m[1]);
      return;
    }
    if (TQDM.test(text)) {
      if (!found.match(text.slice(text.indexOf('[')), EQ_PAIR)) return;
      this.emit('index', ++this.index, emit);
    } else if ((m = EPOCH_BAR.exec(text))) {
      found.match(text, COLON_PAIR);
      this.emit('step', Number(m[1]) * Number(m[3]) + Number(m[2]), emit); // Lightning counts epochs from 0
    } else if ((m = EPOCH_LINE.exec(text))) {
      if (!kerasPairs(text, found) && !found.match(text, COLON_PAIR)) found.match(text, EQ_PAIR);
      this.emit('epoch', Number(m[1]), emit);
    } else if (ONLY_COLON_PAIRS.test(text)) {
      found.match(text, COLON_PAIR);
      // metrics on lines of their own take the position of the last bar, without becoming one
      if (this.lastX === this.lastX) this.send(this.lastKind, this.lastX, emit);
      else this.send('index', ++this.index, emit);
    } else {
      if (!kerasPairs(text, found)) found.match(text, EQ_PAIR);
      const prefix = STEP_PREFIX.exec(text);
      if (!found.count && prefix) found.match(text.slice(prefix[0].length), COLON_PAIR);
      if (!found.count) return;
      const explicit = found.get('step') ?? found.get('global_step') ?? found.get('iteration') ?? found.get('iter');
      if (explicit !== undefined && Number.isFinite(explicit)) this.emit('step', explicit, emit);
      else if (prefix) this.emit('step', Number(prefix[1] ?? prefix[2]), emit);
      else this.emit('index', ++this.index, emit);
    }
  }

  /** Sends this frame's pairs at (`xKind`, `x`), which becomes the last bar's position. */
  private emit(xKind: XKind, x: number, emit: Emit): void {
    this.lastKind = xKind;
    this.lastX = x;
    this.send(xKind, x, emit);
  }

  private send(xKind: XKind, x: number, emit: Emit): void {
    const { names, values, count } = this.pairs;
    for (let k = 0; k < count; k++) if (!NOT_METRICS.has(names[k])) emit(names[k], xKind, x, values[k]);
  }
}
