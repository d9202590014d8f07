/**
 * Turns the tail worker's raw bytes into chart data and log text: it parses (fileReaders.ts) and
 * stores (series.ts, logText.ts). Pure: the refine worker wraps it with timing and backpressure,
 * the CLI and tests drive it directly.
 */
import { emptyBatch, type Batch, type EventLevel, type MonitorEvent } from './protocol/batch';
import { atResolution } from './decimate';
import { eventsReader, notebookReader, textReader, trainerStateReader, type FileReader, type ReaderSink } from './fileReaders';
import { formatOf, logStream, type FileFormat } from './formats';
import { LogIndex } from './logIndex';
import { LogText } from './logText';
import { CsvParser } from './parse/csv';
import { PrintedParser } from './parse/printed';
import { JsonlParser } from './parse/records';
import type { Point, Row } from './parse/types';
import type { EventsPart } from './parse/tfevents';
import { MAX_SERIES, SeriesStore, type SeriesCount } from './series';

export { LOG_BATCH_CHARS } from './logText';

/** What the Events tab calls each format when it says which files are read. */
const FORMAT_NAMES: Record<FileFormat, string> = {
  output: 'printed output',
  csv: 'table',
  jsonl: 'JSON lines',
  tfevents: 'TensorBoard events',
  'trainer-state': 'Trainer state',
  notebook: 'notebook',
};
/** Files named one by one when reading starts; the rest are counted. */
const READING_SAID = 8;
/** Files named one by one as giving nothing plottable; the rest are counted. */
const SILENT_SAID = 10;

export class Ingester {
  readonly store = new SeriesStore();
  private files = new Map<string, FileReader | null>();
  private pendingEvents: MonitorEvent[] = [];
  private logs = new LogText();
  private events: MonitorEvent[] = [];
  /** When each file last reported a restart, so a burst of them is one message. */
  private restartSaid = new Map<string, number>();
  /** Where each line of the output streams lies in its file, to read scrolled-out lines back. */
  readonly logIndex = new LogIndex();
  /** Seconds since the epoch when the bytes being parsed were read (NaN: a backlog of unknown age). */
  private arrival = NaN;
  /** How readers report to this ingester. */
  private sink: ReaderSink = {
    // spelled out: a rest-and-spread of nine arguments may cost an array per point
    point: (file, name, xKind, x, y, wall, source, overlapping, multi) => this.addValue(file, name, xKind, x, y, wall, source, overlapping, multi),
    stepPoints: (file, names, c, from, to) => {
      if (from === to) return;
      this.gave(file);
      if (this.store.addPoints(file, names, 'step', c, from, to)) return;
      for (let i = from; i < to; i++) this.addValue(file, names[c.tagOf[i]], 'step', c.x[i], c.y[i], c.wall[i], file, false, true);
    },
    row: (file, row, wall) => this.addRow(file, row, wall),
    event: (level, text) => this.event(level, text),
    log: (stream, text) => this.logs.add(stream, text),
    logIndex: this.logIndex,
    arrival: () => this.arrival,
    silentSoFar: (file, reader) => this.saySilent(file, reader, ' so far'),
  };
  /** Files that gave a point, to tell the user of a file that gave none. */
  private gavePoints = new Set<string>();
  /** The file of the last point: points come in runs from one file, which needs no lookup. */
  private lastPointFile = '';
  /** Files already said to give nothing plottable. */
  private silentSaid = new Set<string>();
  /** Files whose reading started since the last batch, with their format, for one event. */
  private reading: string[] = [];
  /** Whether the series past MAX_SERIES were spoken of (once a run). */
  private droppedSaid = false;

  /**
   * Appended bytes of `file` (a path relative to the run directory), read at `time` (epoch ms),
   * which dates the lines that carry no time of their own; absent for bytes already there when
   * following began. `format`: what the file holds, when the tailer found out (else its name says).
   */
  chunk(file: string, bytes: Uint8Array, time?: number, format?: FileFormat): void {
    this.arrival = time === undefined ? NaN : time / 1000;
    this.reader(file, format)?.push(bytes);
  }

  /** A later part of event file `file`, parsed on another thread, as if its bytes had come; false when refused (read them instead). */
  absorbEvents(file: string, part: EventsPart): boolean {
    return this.files.get(file)?.absorb?.(part) ?? false;
  }

  /** `file` shrank or was replaced: its next bytes start from the beginning. */
  reset(file: string, reason: string): void {
    this.files.get(file)?.reset();
    this.logIndex.reset(file);
    this.event('warning', `${file}: ${reason}; reading it again from the start.`);
  }

  /** Every file is at its end and nothing more will come: parse the partial last lines. */
  end(): void {
    for (const reader of this.files.values()) reader?.end();
    this.tellSilent('', true);
    this.sayDropped();
  }

  /** What was there when an attached run's following began is read: say which files gave nothing so far. */
  caughtUp(): void {
    this.tellSilent(' so far', false);
  }

  /** Says which files read gave no point, and when none did, that the run gave none. */
  private tellSilent(soFar: string, final: boolean): void {
    const read = [...this.files].filter(([, r]) => r);
    const any = read.some(([file]) => this.gavePoints.has(file));
    const counted = this.silentSaid.size;
    for (const [file, reader] of read) {
      // a run's stderr without metrics is the rule, not news
      if (any && /^std(out|err)/.test(logStream(file)) && logStream(file) !== file) continue;
      this.saySilent(file, reader!, soFar);
    }
    const unsaid = this.silentSaid.size - Math.max(counted, SILENT_SAID);
    if (unsaid > 0) this.event('warning', `${unsaid} more file${unsaid > 1 ? 's' : ''} read gave no metrics${soFar}.`);
    // said of each file already, or of the run as a whole
    if (any || (read.length && read.every(([f]) => this.silentSaid.has(f)))) return;
    const names = read.map(([f]) => f);
    const list = names.slice(0, 6).join(', ') + (names.length > 6 ? ` and ${names.length - 6} more` : '');
    if (names.length) this.event('warning', `No metrics found${soFar} in the ${names.length} file${names.length > 1 ? 's' : ''} read (${list}).`);
    else if (final) this.event('warning', 'No files with data were found to read.');
  }

  /** Tells once that `file` gave no point, with what was read; past SILENT_SAID files, only counts them. */
  private saySilent(file: string, reader: FileReader, soFar: string): void {
    if (this.gavePoints.has(file) || this.silentSaid.has(file)) return;
    const what = reader.silent();
    if (what === undefined) return;
    this.silentSaid.add(file);
    if (what !== null && this.silentSaid.size <= SILENT_SAID) this.event('warning', `${file}: ${what}${soFar}.`);
  }

  event(level: EventLevel, text: string): void {
    this.pendingEvents.push({ time: Date.now(), level, text });
  }

  /** Once a run: the series not kept, by name (the first few) and number. */
  private sayDropped(): void {
    const dropped = this.store.dropped;
    if (this.droppedSaid || dropped.size === 0) return;
    this.droppedSaid = true;
    const names = [...dropped].slice(0, 5).map((n) => (n.length > 60 ? n.slice(0, 60) + '…' : n));
    const more =
      dropped.size > names.length ? ` and ${dropped.size >= 10_000 ? 'at least ' : ''}${(dropped.size - names.length).toLocaleString('en-US')} more` : '';
    this.event(
      'warning',
      `A run keeps at most ${MAX_SERIES.toLocaleString('en-US')} series: ${names.join(', ')}${more} were not kept (any that come later neither).`,
    );
  }

  /** What changed since the last batch. */
  takeBatch(): Batch {
    return this.take(() => this.store.takeDeltas());
  }

  /**
   * As `takeBatch`, with each series' count of points and last value instead of a copy of its
   * points: what a summary table needs (`parse` without --json), at no cost per point.
   */
  takeCounts(): Omit<Batch, 'series'> & { series: SeriesCount[] } {
    return this.take(() => this.store.takeCounts());
  }

  private take<S>(series: () => S[]): Omit<Batch, 'series'> & { series: S[] } {
    this.tellReading();
    this.sayDropped();
    const batch = { series: series(), logs: this.logs.take(), events: this.pendingEvents };
    this.events.push(...batch.events);
    if (this.events.length > 2000) this.events.splice(0, this.events.length - 1000);
    this.pendingEvents = [];
    return batch;
  }

  /**
   * Everything the batches so far carried, for a webview that starts empty: each series decimated
   * to `buckets` columns, or every point without `buckets`. It takes nothing pending: the next
   * batch, which every webview gets, continues it.
   */
  snapshot(buckets?: number): Batch {
    const batch = emptyBatch();
    batch.series = this.store.sentSoFar(buckets ? (d) => atResolution(d, buckets) : undefined);
    batch.logs = this.logs.snapshot();
    batch.events = [...this.events];
    return batch;
  }

  /** Stores a point of `file`, telling the user (at most every 10 s a file) when a series started over. */
  private addValue(
    file: string,
    name: string,
    xKind: Point['xKind'],
    x: number,
    y: number,
    wall: number,
    source = file,
    overlapping = false,
    multi = false,
  ): void {
    this.gave(file);
    if (this.store.add(source, name, xKind, x, y, wall, overlapping, multi) !== 'restarted') return;
    const now = Date.now();
    if (now - (this.restartSaid.get(file) ?? 0) < 10_000) return;
    this.restartSaid.set(file, now);
    this.event('warning', `${file}: ${name} went back to ${xKind} ${x} (a restarted training?); its points from there on were replaced.`);
  }

  private gave(file: string): void {
    if (file !== this.lastPointFile) {
      this.gavePoints.add(file);
      this.lastPointFile = file;
    }
  }

  /** A row's points: appended to their series at once while x moves on (the rule), else each as `addValue` stores it. */
  private addRow(file: string, row: Row, wall: number): void {
    const { names, ys, count, xKind, x } = row;
    if (count) this.gave(file);
    for (let i = 0; i < count; i++) {
      i = this.store.appendRow(file, names, ys, i, count, xKind, x, wall);
      if (i < count) this.addValue(file, names[i], xKind, x, ys[i], wall);
    }
  }

  private reader(file: string, format = formatOf(file)): FileReader | null {
    let r = this.files.get(file);
    if (r !== undefined) return r;
    const sink = this.sink;
    switch (format) {
      case 'output':
        r = textReader(sink, file, new PrintedParser(), 'metrics recognised', logStream(file));
        break;
      case 'csv':
        r = textReader(sink, file, new CsvParser(), 'numeric column found');
        break;
      case 'jsonl':
        r = textReader(sink, file, new JsonlParser(), 'numeric field found');
        break;
      case 'tfevents':
        r = eventsReader(sink, file);
        break;
      case 'trainer-state':
        r = trainerStateReader(sink, file);
        break;
      case 'notebook':
        r = notebookReader(sink, file);
        break;
      default:
        r = null;
    }
    this.files.set(file, r);
    if (r && format) this.reading.push(`${file} (${FORMAT_NAMES[format]})`);
    return r;
  }

  /** One event for the files newly read: `Reading nohup.out (printed output), metrics.csv (table).` */
  private tellReading(): void {
    const names = this.reading;
    if (!names.length) return;
    const more = names.length > READING_SAID ? ` and ${names.length - READING_SAID} more` : '';
    this.event('info', `Reading ${names.slice(0, READING_SAID).join(', ')}${more}.`);
    this.reading = [];
  }
}
