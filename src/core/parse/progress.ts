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
/** Keras' batch counter at the start of a frame: ` 12/32 ━━━`, `  768/60000 [>...]`, `32/32 - 0s`. */
const KERAS_BATCH = /^\s*(\d+)\s*\/\s*(\d+)\s+(?:[━─=>.\[\]\s-]|\d)/;
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

/** `name`/value pairs of `re` (a global regex) in `text`; `exec` in a loop, as `matchAll` copies the regex each call. */
function pairs(text: string, re: RegExp): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push([m[1], parseNumber(m[2])]);
  return out;
}

const isNameStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isNameChar = (c: number) => isNameStart(c) || (c >= 48 && c <= 57) || c === 46 || c === 47 || c === 45;
const isSpace = (c: number) => c === 32 || c === 9;

/**
 * Keras' ` - name: value` pairs (after a space or the line start; a value not followed by a letter,
 * digit, `_` or `.`), scanned by hand: every redraw of a bar passes here, and a regex with
 * captures cost more than the rest of the line's work.
 */
function kerasPairs(text: string, known: string[]): Array<[string, number]> {
  const out: Array<[string, number]> = [];
  for (let i = text.indexOf('- '); i >= 0; i = text.indexOf('- ', i + 1)) {
    if (i > 0 && !isSpace(text.charCodeAt(i - 1))) continue;
    let j = i + 2;
    if (!isNameStart(text.charCodeAt(j))) continue;
    while (isNameChar(text.charCodeAt(j))) j++;
    if (text.charCodeAt(j) !== 58) continue; // :
    // The names of the last bar repeat on every redraw: reuse their strings.
    const prev = known[out.length];
    const name = prev !== undefined && prev.length === j - i - 2 && text.startsWith(prev, i + 2) ? prev : (known[out.length] = text.slice(i + 2, j));
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
    out.push([name, y]);
    i = end - 1;
  }
  return out;
}

export class ProgressParser extends LineParser {
  /** Keras' current epoch (1-based), from its `Epoch 3/10` header. */
  private epoch = 0;
  /** The position of the last bar, for metrics printed on lines of their own. */
  private last: { x: number; xKind: XKind } | undefined;
  /** Records and pair lines with no position: numbered in order. */
  private index = 0;
  /** Metric names of the last Keras line, in order. */
  private names: string[] = [];

  reset(): void {
    this.epoch = 0;
    this.last = undefined;
    this.index = 0;
  }

  read(frame: string, emit: Emit): void {
    if (frame.length > 10_000) return; // not a progress line; still shown in the log
    const text = stripAnsi(frame);
    if (text.charCodeAt(0) === 123 || (text.charCodeAt(0) === 32 && text.trimStart().startsWith('{'))) {
      const record = parseRecord(text);
      if (record) return emitRecord(record, ++this.index, emit);
    }
    const epochOnly = EPOCH_ONLY.exec(text);
    if (epochOnly) {
      this.epoch = Number(epochOnly[1]);
      return;
    }

    let at: { x: number; xKind: XKind } | undefined;
    let m: RegExpExecArray | null;
    let found: Array<[string, number]>;
    // Keras first: its bars are most of the frames, and a tqdm line never starts with `12/32 `.
    if ((m = KERAS_BATCH.exec(text))) {
      at = { x: Math.max(0, this.epoch - 1) * Number(m[2]) + Number(m[1]), xKind: 'step' };
      found = kerasPairs(text, this.names);
    } else if (TQDM.test(text)) {
      found = pairs(text.slice(text.indexOf('[')), EQ_PAIR);
      if (!found.length) return;
      at = { x: ++this.index, xKind: 'index' };
    } else if ((m = EPOCH_BAR.exec(text))) {
      at = { x: Number(m[1]) * Number(m[3]) + Number(m[2]), xKind: 'step' }; // Lightning counts epochs from 0
      found = pairs(text, COLON_PAIR);
    } else if ((m = EPOCH_LINE.exec(text))) {
      at = { x: Number(m[1]), xKind: 'epoch' };
      found = kerasPairs(text, this.names);
      if (!found.length) found = pairs(text, COLON_PAIR);
      if (!found.length) found = pairs(text, EQ_PAIR);
    } else if (ONLY_COLON_PAIRS.test(text)) {
      found = pairs(text, COLON_PAIR);
      at = this.last ?? { x: ++this.index, xKind: 'index' };
      return this.emit(found, at, emit);
    } else {
      found = kerasPairs(text, this.names);
      if (!found.length) found = pairs(text, EQ_PAIR);
      const prefix = STEP_PREFIX.exec(text);
      if (!found.length && prefix) found = pairs(text.slice(prefix[0].length), COLON_PAIR);
      if (!found.length) return;
      const named = new Map(found);
      const explicit = named.get('step') ?? named.get('global_step') ?? named.get('iteration') ?? named.get('iter');
      if (explicit !== undefined && Number.isFinite(explicit)) at = { x: explicit, xKind: 'step' };
      else if (prefix) at = { x: Number(prefix[1] ?? prefix[2]), xKind: 'step' };
      else at = { x: ++this.index, xKind: 'index' };
    }
    this.last = at;
    this.emit(found, at, emit);
  }

  private emit(found: Array<[string, number]>, at: { x: number; xKind: XKind }, emit: Emit): void {
    for (const [name, y] of found) if (!NOT_METRICS.has(name)) emit(name, at.xKind, at.x, y);
  }
}
