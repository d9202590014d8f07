/**
 * A run's points as one CSV table, at full fidelity: a row per point with its series, position
 * and wall-clock time, so pandas or a spreadsheet can pivot it any way.
 */
import type { SeriesDelta } from './protocol/batch';

/** A field as RFC 4180 wants it: quoted when it holds a comma, quote or line end. */
function field(text: string): string {
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
