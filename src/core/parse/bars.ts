/**
 * Progress bars, scanned by hand. Keras: every redraw of a bar (` 12/32 ━━━ 1s 3ms/step - loss:
 * 0.4181`, `32/32 - 0s - loss: 0.41`, `  768/60000 [>....] - ETA: 48s - loss: 2.1636`) passes here,
 * and regexes with captures or an object per frame cost more than the rest of the line's work.
 * Rich (Lightning): `Epoch 1/11 ━━━━╸    34/45 0:00:00 • …`, where a regex backtracked on spaces.
 */
import { spelledNumber } from './number';
import { NumberScanner } from './scan';

const scan = new NumberScanner();

/**
 * The pairs of one frame, in buffers reused from frame to frame: a Keras bar is redrawn for every
 * batch, and a tuple per value and an array per frame cost more than the scan.
 */
export class Pairs {
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
export function kerasPairs(text: string, out: Pairs): number {
  for (let i = text.indexOf('- '); i >= 0; i = text.indexOf('- ', i + 1)) {
    if (i > 0 && !isSpace(text.charCodeAt(i - 1))) continue;
    let j = i + 2;
    if (!isNameStart(text.charCodeAt(j))) continue;
    while (isNameChar(text.charCodeAt(j))) j++;
    const nameEnd = j;
    if (text.charCodeAt(j) !== 58) continue; // :
    j++;
    while (isSpace(text.charCodeAt(j))) j++;
    let y = scan.number(text, j);
    let end = scan.end;
    if (y === undefined) {
      // `nan`, `inf`, `-inf`: the sign and the letters that follow, read as number.ts reads them
      end = text.charCodeAt(j) === 45 || text.charCodeAt(j) === 43 ? j + 1 : j;
      while (isNameStart(text.charCodeAt(end))) end++;
      y = spelledNumber(text, j, end);
      if (y === undefined) continue;
    }
    const next = text.charCodeAt(end);
    if (isNameChar(next) && next !== 45 && next !== 47) continue; // `1.5x`: not a value
    out.push(text, i + 2, nameEnd, y);
    i = end - 1;
  }
  return out.count;
}

/** A bar's counter (`34/45`) and where it ended: the caller's, filled in place (no object per frame). */
export interface Counter {
  done: number;
  total: number;
  end: number;
}

/**
 * Whether `text` starts with Keras' batch counter (` 12/32 ━━━`, `  768/60000 [>...]`,
 * `32/32 - 0s`), scanned by hand from `i`, its first non-space character; fills `out`'s done and
 * total.
 */
export function kerasBatch(text: string, i: number, out: Counter): boolean {
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
  if (isDigit(c)) {
    // a time (`1s`, `0.5ms`): not a clock (`01/13 15:44:36`, a date) nor a size (YOLOv5's `0/2  3.71G`)
    while (isDigit(text.charCodeAt(i)) || text.charCodeAt(i) === 46) i++;
    let u = text.charCodeAt(i);
    if (u === 109 || u === 117 || u === 0xb5) u = text.charCodeAt(++i); // m, u, µ
    if (u !== 115 || !(isSpace(text.charCodeAt(i + 1)) || i + 1 === text.length)) return false;
  }
  out.done = done;
  out.total = total;
  return true;
}

/** Whether a Rich bar (`━━━╸   `) and a counter `34/45` start at `i`; fills `out`. */
export function richBar(s: string, i: number, out: Counter): boolean {
  const a = i;
  for (let c = s.charCodeAt(i); c === 0x2501 || c === 0x2500 || c === 0x2578 || c === 0x257a || c === 32; c = s.charCodeAt(++i));
  if (i === a || s.charCodeAt(a) === 32) return false;
  let done = 0;
  const d = i;
  for (let c = s.charCodeAt(i); isDigit(c); c = s.charCodeAt(++i)) done = done * 10 + c - 48;
  if (i === d || s.charCodeAt(i++) !== 47) return false;
  let total = 0;
  const t = i;
  for (let c = s.charCodeAt(i); isDigit(c); c = s.charCodeAt(++i)) total = total * 10 + c - 48;
  if (i === t || (i < s.length && s.charCodeAt(i) !== 32)) return false;
  out.done = done;
  out.total = total;
  out.end = i;
  return true;
}
