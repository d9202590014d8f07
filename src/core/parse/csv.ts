/**
 * CSV with a header: Keras `CSVLogger`, Lightning `metrics.csv`, `nvidia-smi --query-gpu
 * --format=csv`. Every numeric cell of a metric column is a point at the row's `step` (else
 * `epoch`, else its timestamp, else its row number). Empty, `NA` and `[N/A]` cells are absent
 * values, not zeros; units after a number (`69.6 W`, `0 %`, `512 MiB`) are dropped. Rows of a
 * multi-GPU query get a `gpu<N>/` prefix for every GPU but the first. Quoted fields are read as
 * RFC 4180 has them, within a line.
 */
import { parseNumber } from './progress';
import { LineParser, type Emit } from './types';
import type { XKind } from '../protocol/batch';

const MISSING = /^(?:|NA|N\/A|\[N\/A\]|\[Not Supported\]|None|null)$/i;
const WITH_UNIT = /^([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(?:%|[A-Za-z]{1,4}(?:\/s)?)$/;
const PLAIN = /^(?:[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[-+]?(?:nan|inf|infinity))$/i;
const TIME_COLUMNS = ['timestamp', 'time', 'wall_time', 'datetime'];

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

function cellNumber(cell: string): number | undefined {
  // Fast path: `+cell` without a regex, except for what `+` reads that a CSV number is not (0x1f, 0b1, 0o7).
  const n = +cell;
  if (n === n && cell !== '' && !(cell.length > 1 && cell.charCodeAt(0) === 48 && /[xXbBoO]/.test(cell[1]))) return n;
  if (PLAIN.test(cell)) return parseNumber(cell);
  const m = WITH_UNIT.exec(cell);
  return m ? Number(m[1]) : undefined;
}

/** `2026/11/23 03:41:21.382`, `2026-11-23T03:41:21Z`, `2026-11-23 03:41:21+01:00` (no offset: local time). */
const DATE_TIME = /^(\d{4})[-/](\d\d)[-/](\d\d)[ T](\d\d):(\d\d):(\d\d(?:\.\d+)?)(Z|[+-]\d\d:?\d\d)?$/;

/** Seconds since the epoch from a number (seconds or milliseconds). */
function numberSeconds(cell: string): number | undefined {
  const n = Number(cell);
  return cell !== '' && Number.isFinite(n) ? (n > 1e11 ? n / 1000 : n) : undefined;
}

/** Seconds since the epoch from a date and time. Strict: `Date.parse` would read a damaged cell (`23 03:41:29`) as another date. */
function dateSeconds(cell: string): number | undefined {
  const m = DATE_TIME.exec(cell);
  if (!m) return undefined;
  const t = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${m[7] ?? ''}`);
  return Number.isFinite(t) ? t / 1000 : undefined;
}

export class CsvParser extends LineParser {
  private header: string[] | undefined;
  private xColumn = -1;
  private xKind: XKind = 'index';
  /** A column of times (dates or epoch seconds), which gives each row's wall-clock time. */
  private timeColumn = -1;
  /** nvidia-smi's GPU index column, when the file is a GPU query. */
  private gpuColumn = -1;
  private skip = new Set<number>();
  private row = 0;
  private delimiter = ',';
  /** A time column holds dates or numbers, as its first readable cell shows; a cell of the other form is damaged. */
  private wall: ((cell: string) => number | undefined) | undefined;
  /** One line of the file (without its line end). */
  read(line: string, emit: Emit): void {
    if (line.trim() === '') return;
    if (!this.header) {
      this.delimiter = line.includes('\t') && !line.includes(',') ? '\t' : ',';
      this.setHeader(splitCells(line, this.delimiter).map((c) => c.trim()));
      return;
    }
    const cells = splitCells(line, this.delimiter);
    if (cells.length !== this.header.length) {
      this.malformed++;
      return;
    }
    for (let i = 0; i < cells.length; i++) cells[i] = cells[i].trim();
    this.row++;
    let x: number | undefined = this.row;
    if (this.xColumn >= 0) {
      const cell = cells[this.xColumn];
      x = this.xKind === 'wall' ? this.wallSeconds(cell) : cell === '' ? undefined : Number(cell);
      if (x === undefined || !Number.isFinite(x)) return;
    }
    const wall = this.timeColumn < 0 ? undefined : this.timeColumn === this.xColumn ? x : this.wallSeconds(cells[this.timeColumn]) ?? NaN;
    const gpu = this.gpuColumn >= 0 ? cells[this.gpuColumn] : '0';
    const prefix = gpu === '0' || gpu === '' ? '' : `gpu${gpu}/`;
    for (let i = 0; i < cells.length; i++) {
      if (this.skip.has(i) || cells[i] === '' || MISSING.test(cells[i])) continue;
      const y = cellNumber(cells[i]);
      if (y !== undefined) emit(prefix ? prefix + this.header[i] : this.header[i], this.xKind, x, y, wall);
    }
  }

  /** The file was rewritten (Lightning rewrites it whole when a metric appears): expect a header. */
  reset(): void {
    this.header = undefined;
    this.row = 0;
    this.wall = undefined;
  }

  /** Only a date, or a number plausible as an epoch time (after 1973), decides the column's form. */
  private wallSeconds(cell: string): number | undefined {
    if (this.wall) return this.wall(cell);
    const d = dateSeconds(cell);
    if (d !== undefined) {
      this.wall = dateSeconds;
      return d;
    }
    const n = numberSeconds(cell);
    if (n !== undefined && n > 1e8) this.wall = numberSeconds;
    return n;
  }

  private setHeader(cells: string[]): void {
    this.header = cells;
    const lower = cells.map((c) => c.toLowerCase());
    const find = (names: string[]) => lower.findIndex((c) => names.includes(c));
    const step = find(['step', 'global_step']);
    const epoch = find(['epoch']);
    const time = find(TIME_COLUMNS);
    this.timeColumn = time;
    [this.xColumn, this.xKind] = step >= 0 ? [step, 'step'] : epoch >= 0 ? [epoch, 'epoch'] : time >= 0 ? [time, 'wall'] : [-1, 'index'];
    const isGpuQuery = lower.some((c) => c.startsWith('utilization.') || c.startsWith('memory.used'));
    this.gpuColumn = isGpuQuery ? find(['index']) : -1;
    // Position columns are not metrics (an epoch column still is, when steps position the rows).
    this.skip = new Set([this.xColumn, this.gpuColumn, step, time].filter((i) => i >= 0));
  }
}
