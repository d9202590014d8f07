/**
 * A run's points as one CSV table, at full fidelity: a row per point with its series, position
 * and wall-clock time, so pandas or a spreadsheet can pivot it any way. Made in pieces, so a
 * table of any size streams to its file.
 */
import type { SeriesDelta } from './protocol/batch';

/** A plain number (`-1.5`, `+3`, `2e-5`): a spreadsheet reads it as one, never as a formula. */
const PLAIN_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A text field (a source or metric name, from the logs) as RFC 4180 wants it: quoted when it holds
 * a comma, quote or line end. One that a spreadsheet would take for a formula (it starts with
 * `= + - @`, a tab or a carriage return) gets a leading `'` (OWASP, CSV injection); plain numbers
 * stay numbers.
 */
export function field(text: string): string {
  if (/^[=+\-@\t\r]/.test(text) && !PLAIN_NUMBER.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** `NaN`, `inf` and `-inf` as pandas reads them; other numbers in the shortest form that reads back exactly. */
function num(v: number): string {
  if (Number.isNaN(v)) return '';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return String(v);
}

export const CSV_HEADER = 'source,metric,x_kind,x,wall_time,value';

/** Characters per piece of `csvChunks`: big enough to write efficiently, small enough to hold many. */
const CHUNK_CHARS = 1 << 16;

/**
 * The table in pieces of about `chunkChars` characters, made as they are read: a run's table can
 * be larger than one string may be (V8: about 2^29 characters), so it is streamed to its file.
 */
export function* csvChunks(series: SeriesDelta[], chunkChars = CHUNK_CHARS): Generator<string> {
  let rows: string[] = [CSV_HEADER];
  let size = CSV_HEADER.length;
  for (const s of series) {
    const head = `${field(s.source)},${field(s.name)},${s.xKind},`;
    for (let i = 0; i < s.x.length; i++) {
      const wall = s.wall[i];
      const row = `${head}${num(s.x[i])},${Number.isFinite(wall) ? new Date(wall * 1000).toISOString() : ''},${num(s.y[i])}`;
      rows.push(row);
      size += row.length + 1;
      if (size >= chunkChars) {
        yield rows.join('\n') + '\n';
        rows = [];
        size = 0;
      }
    }
  }
  if (rows.length) yield rows.join('\n') + '\n';
}

/** The whole table as one string: for small tables only (`csvChunks` for a file). */
export function seriesToCsv(series: SeriesDelta[]): string {
  return [...csvChunks(series)].join('');
}
