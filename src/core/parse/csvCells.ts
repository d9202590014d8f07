/**
 * What a CSV cell's text says: the cells of a line, a missing value, a number with a unit, a time.
 */
import { epochSeconds, readNumber } from './number';

/** Cells that stand for no value: absent, not zero. */
export const MISSING = /^(?:|NA|N\/A|\[N\/A\]|\[Not Supported\]|None|null)$/i;
const WITH_UNIT = /^([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(?:%|[A-Za-z]{1,4}(?:\/s)?)$/;

/** Cells of a line; RFC 4180 quotes (`"a,b"`, `""` for a quote) only where the line has any. */
export function splitCells(line: string, delimiter: string): string[] {
  if (!line.includes('"')) return line.split(delimiter);
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c !== '"') cell += c;
      else if (line[i + 1] === '"') cell += line[++i];
      else quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}

/** A cell that is not a plain decimal number (those take `wholeNumber`): `nan`, `-infinity`, `69.6 W`. */
export function cellNumber(cell: string): number | undefined {
  const v = readNumber(cell);
  if (v !== undefined) return v;
  const m = WITH_UNIT.exec(cell);
  return m ? Number(m[1]) : undefined;
}

/** `2026/11/23 03:41:21.382`, `2026-11-23T03:41:21Z`, `2026-11-23 03:41:21+01:00` (no offset: local time). */
const DATE_TIME = /^(\d{4})[-/](\d\d)[-/](\d\d)[ T](\d\d):(\d\d):(\d\d(?:\.\d+)?)(Z|[+-]\d\d:?\d\d)?$/;

/** Seconds since the epoch from a number (seconds, milliseconds, microseconds or nanoseconds). */
export function numberSeconds(cell: string): number | undefined {
  const n = readNumber(cell);
  return n !== undefined && Number.isFinite(n) ? epochSeconds(n) : undefined;
}

/** Seconds since the epoch from a date and time. Strict: `Date.parse` would read a damaged cell (`23 03:41:29`) as another date. */
export function dateSeconds(cell: string): number | undefined {
  const m = DATE_TIME.exec(cell);
  if (!m) return undefined;
  const t = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${m[7] ?? ''}`);
  return Number.isFinite(t) ? t / 1000 : undefined;
}
