/**
 * CSV with a header: Keras `CSVLogger`, Lightning `metrics.csv`, `nvidia-smi --query-gpu
 * --format=csv`, Ultralytics `results.csv` (names padded with spaces), SB3 `progress.csv` and
 * `monitor.csv` (after its `#{"t_start": …}` line). Tables without a header (YOLOv5 `results.txt`,
 * columns separated by runs of spaces) get their columns' names. Every numeric cell of a metric column is a point at the row's `step` (else
 * `epoch`, else its timestamp, else its row number). Empty, `NA` and `[N/A]` cells are absent
 * values, not zeros; units after a number (`69.6 W`, `0 %`, `512 MiB`) are dropped. Rows of a
 * multi-GPU query get a `gpu<N>/` prefix for every GPU but the first. Quoted fields are read as
 * RFC 4180 has them, line ends inside them included.
 */
import { CSV_HEADER } from '../exportCsv';
import { EPOCH_AFTER, numberOrNaN, readNumber } from './number';
import { MISSING, cellNumber, dateSeconds, numberSeconds, splitCells } from './csvCells';
import { wholeNumber } from './scan';
import { ByteNumberScanner, textOf } from './scanBytes';
import { LineParser, Row, type Emit, type EmitRow } from './types';
import type { XKind } from '../protocol/batch';

const TIME_COLUMNS = ['timestamp', 'time', 'wall_time', 'datetime'];
/** Columns that count steps: the x of every other column, not a chart. */
const STEP_COLUMNS = [
  'step',
  'global_step',
  'steps',
  'iteration',
  'iter',
  'trainer/global_step',
  'time/total_timesteps',
  'total_timesteps',
  'timesteps',
  'num_timesteps',
];
/** A cell of a table without a header: a number, one with a unit (`1.86G`), or a position (`0/99`). */
const NUMERIC = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?:[A-Za-z%]{1,3}|\/\d+)?$/;
const FRACTION = /^(\d+)\/\d+$/;
/**
 * YOLOv5 `train.py` (v1–v5) appends to `results.txt` per epoch `('%10s' * 2 + '%10.4g' * 6)` of
 * (`epoch/epochs-1`, GPU memory, box, obj, cls, total loss, labels, img size), then `'%10.4g' * 7`
 * of `results` (P, R, mAP@.5, mAP@.5:.95, val box, obj, cls): named as its TensorBoard tags.
 */
const YOLOV5 = [
  'epoch',
  'gpu_mem',
  'train/box_loss',
  'train/obj_loss',
  'train/cls_loss',
  'train/total_loss',
  'labels',
  'img_size',
  'metrics/precision',
  'metrics/recall',
  'metrics/mAP_0.5',
  'metrics/mAP_0.5:0.95',
  'val/box_loss',
  'val/obj_loss',
  'val/cls_loss',
];

/** A quoted field longer than this is taken for a stray quote. */
const MAX_OPEN_FIELD = 64 << 10;

function oddQuotes(line: string): boolean {
  let n = 0;
  for (let i = line.indexOf('"'); i >= 0; i = line.indexOf('"', i + 1)) n++;
  return n % 2 === 1;
}

function numberOrUndefined(cell: string): number | undefined {
  if (cell === '') return undefined;
  const f = FRACTION.exec(cell); // `3/99`: epoch 3 of 0..99
  return f ? Number(f[1]) : readNumber(cell);
}

export class CsvParser extends LineParser {
  private header: string[] | undefined;
  private xColumn = -1;
  private xKind: XKind = 'index';
  /** A column of times (dates or epoch seconds), which gives each row's wall-clock time. */
  private timeColumn = -1;
  /** nvidia-smi's GPU index column, when the file is a GPU query. */
  private gpuColumn = -1;
  /** Per column: whether it positions rows rather than holding a metric. */
  private skip: boolean[] = [];
  private rows = 0;
  private delimiter = ',';
  /** A time column holds dates or numbers, as its first readable cell shows; a cell of the other form is damaged. */
  private wall: ((cell: string) => number | undefined) | undefined;
  /** Cell i spans line[start[i], end[i]) (reused from row to row: no array of strings a row). */
  private starts: number[] = [];
  /** A line that ended inside a quoted field, waiting for the rest. */
  private open: string | undefined;
  private ends: number[] = [];
  /** Cells separated by runs of spaces (a table printed with `%10s`), read as commas. */
  private spaces = false;
  /** SB3 `Monitor`'s first line: `#{"t_start": 1600000000.0, …}`; its `t` column counts from it. */
  private tStart = NaN;

  /** The text row, or the bytes of one, that `cells` reads (held during the call only). */
  private line = '';
  private bytes: Uint8Array | undefined;
  /** The points `cells` found. */
  private points = new Row();
  /** Reads the cells' numbers; its `value` carries each one to `points` unboxed. */
  private readonly scan = new ByteNumberScanner();

  /** Where the next quote is in `quoteText` (Infinity: none), so a frame's quote test never searches past it twice. */
  private quoteText = '';
  private quoteAt = Infinity;

  /** The common row (no quotes, nothing held, not blank) is read in place: no string a line. */
  readFrame(text: string, from: number, to: number, emit: Emit): void {
    if (this.note) return;
    if (text !== this.quoteText || this.quoteAt < from) {
      const q = text.indexOf('"', from);
      this.quoteText = text;
      this.quoteAt = q < 0 ? Infinity : q;
    }
    const c = text.charCodeAt(from);
    const plain = this.header && !this.spaces && this.open === undefined && this.quoteAt >= to && from < to && c !== 32 && c !== 9;
    if (!plain) return this.read(text.slice(from, to), emit);
    if (!this.row(text, from, to, emit)) this.malformed++;
  }

  /** One line of the file (without its line end). */
  read(line: string, emit: Emit): void {
    if (this.note) return;
    const open = this.open;
    this.open = undefined;
    // A quoted field may go on past a line end (RFC 4180 allows it). Its continuation has an odd
    // number of quotes; a line that is a whole row by itself ends it instead, so a stray quote
    // costs its own line only.
    if (open !== undefined) {
      if (!oddQuotes(line) && this.wholeRow(line)) this.malformed++;
      else if (this.take(`${open}\n${line}`, emit)) return;
      else this.malformed++;
    }
    if (!this.take(line, emit)) this.malformed++;
  }

  private wholeRow(line: string): boolean {
    return !this.header || splitCells(line, this.delimiter).length === this.header.length;
  }

  /** Reads a line (or lines joined inside a quoted field); false when it cannot be a row of this file. */
  private take(line: string, emit: Emit): boolean {
    if (line.trim() === '') return true;
    const quoted = line.includes('"');
    if (quoted && oddQuotes(line)) {
      if (line.length > MAX_OPEN_FIELD || (this.header && splitCells(line, this.delimiter).length > this.header.length)) return false;
      this.open = line;
      return true;
    }
    if (this.spaces) line = line.trim().split(/\s+/).join(',');
    else if (!this.header) return this.first(line, emit);
    // Quoted cells unquoted into a plain row, delimiters inside them blanked.
    if (quoted)
      line = splitCells(line, this.delimiter)
        .map((c) => c.replaceAll(this.delimiter, ' '))
        .join(this.delimiter);
    return this.row(line, 0, line.length, emit);
  }

  /** The first line that is not a comment: a header, or the first row of a table without one. */
  private first(line: string, emit: Emit): boolean {
    if (line.startsWith('#')) {
      const m = /"t_start":\s*([\d.eE+-]+)/.exec(line);
      if (m) this.tStart = Number(m[1]);
      return true;
    }
    const comma = line.includes(',');
    this.delimiter = line.includes('\t') && !comma ? '\t' : ',';
    this.spaces = !comma && !line.includes('\t');
    const cells = this.spaces ? line.trim().split(/\s+/) : splitCells(line, this.delimiter).map((c) => c.trim());
    if (line === CSV_HEADER) {
      // a table this monitor exported, saved where it reads: its points are the run's own, never new ones
      this.note = 'an export of Training Monitor, not read as data';
      return true;
    }
    if (!cells.every((c) => NUMERIC.test(c))) {
      this.setHeader(cells);
      return true;
    }
    const yolo = cells.length === YOLOV5.length && FRACTION.test(cells[0]);
    this.setHeader(yolo ? YOLOV5 : cells.map((_, i) => `column ${i + 1}`));
    if (yolo) [this.xColumn, this.xKind] = [0, 'epoch'];
    else if (FRACTION.test(cells[0])) [this.xColumn, this.xKind] = [0, 'step'];
    this.skip = cells.map((_, i) => i === this.xColumn || (yolo && YOLOV5[i] === 'img_size'));
    return this.take(line, emit);
  }

  /** The row in `line[from, to)`; false when its width is not the header's. */
  private row(line: string, from: number, to: number, emit: Emit): boolean {
    const { starts, ends } = this;
    const width = this.header!.length;
    let n = 0;
    let at = from;
    for (;;) {
      let next = line.indexOf(this.delimiter, at);
      if (next >= to) next = -1;
      starts[n] = at;
      ends[n++] = next < 0 ? to : next;
      if (next < 0 || n > width) break;
      at = next + 1;
    }
    if (n !== width) return false;
    this.line = line;
    this.cells();
    this.line = '';
    this.points.emit(emit);
    return true;
  }

  /** `readFrame`'s plain row read from its bytes, decoding only cells that are no plain number; false for other lines (decoded, read as text). */
  readBytes(bytes: Uint8Array, from: number, to: number, emit: EmitRow): boolean {
    if (this.note) return true;
    if (!this.plainAt(bytes, from, to) || this.cellsIn(bytes, from, to, true) < 0) return false;
    this.emitCells(bytes, emit);
    return true;
  }

  /** `readBytes` of the line at `from`, its end found with its cells (LineParser.readLine); -1 for a `\r` at `limit - 1` too (the splitter's). */
  readLine(bytes: Uint8Array, from: number, limit: number, emit: EmitRow): number {
    if (this.note || !this.plainAt(bytes, from, limit)) return -1;
    const end = this.cellsIn(bytes, from, limit, false);
    if (end < 0 || (bytes[end] === 13 && end + 1 === limit)) return -1;
    this.emitCells(bytes, emit);
    return end;
  }

  /** Whether a common row may start at `from`: the header read, nothing held, not blank. */
  private plainAt(bytes: Uint8Array, from: number, to: number): boolean {
    const c = bytes[from];
    return !!this.header && !this.spaces && this.open === undefined && from < to && c !== 32 && c !== 9 && c !== 10 && c !== 13;
  }

  /** The cells from `from` to the line end (`to` when `whole`): where it ends; -1 for another width, a quote (unquoted as text) or no end. */
  private cellsIn(bytes: Uint8Array, from: number, to: number, whole: boolean): number {
    const { starts, ends } = this;
    const width = this.header!.length;
    const delimiter = this.delimiter.charCodeAt(0);
    let n = 0;
    starts[0] = from;
    let i = from;
    for (; i < to; i++) {
      const b = bytes[i];
      if (b === delimiter) {
        ends[n++] = i;
        if (n === width) return -1;
        starts[n] = i + 1;
      } else if (b === 34) return -1;
      else if (b === 10 || b === 13) break;
    }
    if (i === to && !whole) return -1;
    ends[n++] = i;
    return n === width ? i : -1;
  }

  private emitCells(bytes: Uint8Array, emit: EmitRow): void {
    this.bytes = bytes;
    this.cells();
    this.bytes = undefined;
    if (this.points.count) emit(this.points);
  }

  /** Whether cell i is a plain number (spaces around it allowed): then `scan.value` holds it, unboxed (one a point on the hot path). */
  private plainNumber(i: number): boolean {
    const b = this.bytes;
    if (b) return this.scan.whole(b, this.starts[i], this.ends[i]);
    const v = wholeNumber(this.line, this.starts[i], this.ends[i]);
    if (v === undefined) return false;
    this.scan.value = v;
    return true;
  }

  /** Cell i's text, trimmed. */
  private cellText(i: number): string {
    const b = this.bytes;
    return (b ? textOf(b, this.starts[i], this.ends[i]) : this.line.slice(this.starts[i], this.ends[i])).trim();
  }

  /** The points of a row of the header's width, its cells found, into `points`. */
  private cells(): void {
    const header = this.header!;
    const { skip, starts, ends, points } = this;
    points.count = 0;
    this.rows++;
    let x: number | undefined = this.rows;
    if (this.xColumn >= 0) {
      const i = this.xColumn;
      x = this.xKind === 'wall' ? this.wallSeconds(this.cellText(i)) : this.plainNumber(i) ? this.scan.value : numberOrUndefined(this.cellText(i));
      if (x === undefined || !Number.isFinite(x)) return;
    }
    const t = this.timeColumn;
    const tCell = t < 0 ? '' : this.cellText(t);
    const wall = t < 0 ? undefined : t === this.xColumn ? x : this.tStart === this.tStart ? this.tStart + numberOrNaN(tCell) : (this.wallSeconds(tCell) ?? NaN);
    const gpu = this.gpuColumn >= 0 ? this.cellText(this.gpuColumn) : '0';
    const prefix = gpu === '0' || gpu === '' ? '' : `gpu${gpu}/`;
    points.start(this.xKind, x, wall);
    for (let i = 0; i < header.length; i++) {
      if (skip[i]) continue;
      const name = prefix ? prefix + header[i] : header[i];
      if (this.plainNumber(i)) {
        points.put(name, this.scan.value);
        continue;
      }
      if (starts[i] === ends[i]) continue; // empty: absent
      const cell = this.cellText(i);
      if (MISSING.test(cell)) continue;
      const y = cellNumber(cell);
      if (y !== undefined) points.put(name, y);
    }
  }

  /** The file was rewritten (Lightning rewrites it whole when a metric appears): expect a header. */
  reset(): void {
    this.note = undefined;
    this.header = undefined;
    this.rows = 0;
    this.open = undefined;
    this.wall = undefined;
    this.spaces = false;
    this.tStart = NaN;
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
    if (n !== undefined && n > EPOCH_AFTER) this.wall = numberSeconds;
    return n;
  }

  private setHeader(cells: string[]): void {
    this.header = cells;
    const lower = cells.map((c) => c.toLowerCase());
    const find = (names: string[]) => lower.findIndex((c) => names.includes(c));
    const step = find(STEP_COLUMNS);
    const epoch = find(['epoch']);
    // SB3 Monitor: `t` is seconds after the `t_start` of its first line
    const time = this.tStart === this.tStart ? find(['t']) : find(TIME_COLUMNS);
    this.timeColumn = time;
    [this.xColumn, this.xKind] =
      step >= 0 ? [step, 'step'] : epoch >= 0 ? [epoch, 'epoch'] : time >= 0 && this.tStart !== this.tStart ? [time, 'wall'] : [-1, 'index'];
    const isGpuQuery = lower.some((c) => c.startsWith('utilization.') || c.startsWith('memory.used'));
    this.gpuColumn = isGpuQuery ? find(['index']) : -1;
    // Position columns are axes, not metrics: an epoch column too, when steps position the rows.
    const positions = [this.xColumn, this.gpuColumn, step, epoch, time];
    this.skip = cells.map((_, i) => positions.includes(i));
  }
}
