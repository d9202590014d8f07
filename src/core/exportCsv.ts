/**
 * A run's points as one CSV table, at full fidelity: a row per point with its series, position
 * and wall-clock time, so pandas or a spreadsheet can pivot it any way.
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

export function seriesToCsv(series: SeriesDelta[]): string {
  const rows = [CSV_HEADER];
  for (const s of series) {
    const head = `${field(s.source)},${field(s.name)},${s.xKind},`;
    for (let i = 0; i < s.x.length; i++) {
      const wall = s.wall[i];
      rows.push(`${head}${num(s.x[i])},${Number.isFinite(wall) ? new Date(wall * 1000).toISOString() : ''},${num(s.y[i])}`);
    }
  }
  return rows.join('\n') + '\n';
}
