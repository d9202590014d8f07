/**
 * One reading of a number's text and one rule for epoch times, for every parser: a value must
 * not chart in a CSV and vanish from a JSON line, nor a time be seconds in one format and
 * milliseconds in another. Allocation-free: these run once per cell or field.
 */
import { NumberScanner } from './scan';

const scan = new NumberScanner();

const isBlank = (c: number) => c === 32 || c === 9;

/** Whether `s[at, at + word.length)` spells the lower-case `word`, in any case. */
function spells(s: string, at: number, word: string): boolean {
  for (let k = 0; k < word.length; k++) if ((s.charCodeAt(at + k) | 32) !== word.charCodeAt(k)) return false;
  return true;
}

/**
 * `nan`, `inf` or `infinity` filling `s[from, to)`, in any case and with an optional sign, as
 * Python (`nan`, `inf`, json's `NaN`, `Infinity`) and C (`-nan`, `INF`) print them; else undefined.
 */
export function spelledNumber(s: string, from: number, to: number): number | undefined {
  const c = s.charCodeAt(from);
  const sign = c === 45 ? -1 : c === 43 ? 1 : 0;
  const at = sign ? from + 1 : from;
  const len = to - at;
  if (len === 3) {
    if (spells(s, at, 'nan')) return NaN;
    if (spells(s, at, 'inf')) return sign < 0 ? -Infinity : Infinity;
  } else if (len === 8 && spells(s, at, 'infinity')) return sign < 0 ? -Infinity : Infinity;
  return undefined;
}

/**
 * The number filling `s[from, to)` apart from spaces and tabs around it: a decimal with an
 * optional sign, point and exponent (`-1.5e-3`, `+5`, `.5`, `5.`), or a spelled `nan`/`inf`/
 * `infinity` (see spelledNumber). Anything else is no number: `0x10`, `1_000`, `1e`, ``.
 */
export function readNumber(s: string, from = 0, to = s.length): number | undefined {
  while (from < to && isBlank(s.charCodeAt(from))) from++;
  while (to > from && isBlank(s.charCodeAt(to - 1))) to--;
  const v = scan.number(s, from, to);
  if (v !== undefined) return scan.end === to ? v : undefined;
  return spelledNumber(s, from, to);
}

/** `readNumber`, NaN for what is not a number (a value that must be a number, as a column's). */
export function numberOrNaN(s: string): number {
  return readNumber(s) ?? NaN;
}

/**
 * Seconds since the Unix epoch from a time in seconds, milliseconds, microseconds or nanoseconds
 * (Python's `time.time()`, JavaScript's `Date.now()`, `time.time_ns() // 1000`, `time.time_ns()`),
 * told apart by size: each unit's range from 1973 to the year 5138 lies within one power of 1000.
 */
export function epochSeconds(t: number): number {
  const a = Math.abs(t);
  return a < 1e11 ? t : a < 1e14 ? t / 1e3 : a < 1e17 ? t / 1e6 : t / 1e9;
}

/** Seconds since the epoch past which a number in a time column is taken for a date (1973), not a duration. */
export const EPOCH_AFTER = 1e8;
