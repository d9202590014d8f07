/**
 * Turns the tail worker's raw bytes into chart data and log text. Pure: the refine worker wraps it
 * with timing and backpressure, the CLI and tests drive it directly.
 */
import { emptyBatch, type Batch, type EventLevel, type LogDelta, type LogStream, type MonitorEvent } from './protocol/batch';
import { atResolution } from './decimate';
import { formatOf, logStream, type FileFormat } from './formats';
import { FrameSplitter, MAX_FRAME_CHARS } from './frames';
import { LogIndex } from './logIndex';
import { CsvParser } from './parse/csv';
import { NotebookParser } from './parse/notebook';
import { ProgressParser } from './parse/progress';
import { JsonlParser, TrainerStateParser } from './parse/records';
import { TfEventsParser } from './parse/tfevents';
import type { Emit, LineParser, Point } from './parse/types';
import { MAX_SERIES, SeriesStore } from './series';

/** Log text kept per stream for a webview that (re)loads. */
const LOG_HISTORY_CHARS = 2_000_000;
/**
 * Log text one batch carries per stream at most: of a bigger backlog only the last lines go, the
 * earlier ones are read back from the files when the user scrolls to them.
 */
export const LOG_BATCH_CHARS = 256 * 1024;

/** How one file's bytes become points (and, for output streams, log text). */
interface FileReader {
  push(bytes: Uint8Array): void;
  /** Nothing more will come: use what is held. */
  end(): void;
  /** The file shrank or was replaced: forget what is held. */
  reset(): void;
  /**
   * Why nothing plottable came out of what was read; undefined when nothing was read; null when
   * the reader already said why in its own words.
   */
  silent(): string | null | undefined;
}

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

/** Lines of a file read without a point before the monitor says so, while it runs. */
const SILENT_LINES = 2000;
/** Files named one by one as giving nothing plottable; the rest are counted. */
const SILENT_SAID = 10;

export class Refiner {
  readonly store = new SeriesStore();
  private files = new Map<string, FileReader | null>();
  /** Log text not yet sent per stream, and the lines left out before it (a backlog bigger than a batch). */
  private pendingLogs = new Map<LogStream, { text: string; skipped: number; cut: boolean }>();
  private pendingEvents: MonitorEvent[] = [];
  private history = new Map<LogStream, string>();
  private events: MonitorEvent[] = [];
  /** When each file last reported a restart, so a burst of them is one message. */
  private restartSaid = new Map<string, number>();
  /** Where each line of the output streams lies in its file, to read scrolled-out lines back. */
  readonly logIndex = new LogIndex();
  /** Lines (`\n`) of each stream that batches carried so far. */
  private sentLines = new Map<LogStream, number>();
  /** Seconds since the epoch when the bytes being parsed were read (NaN: a backlog of unknown age). */
  private arrival = NaN;
  /** Points stored per file, to tell the user of a file that gave none. */
  private pointsOf = new Map<string, number>();
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
    const any = read.some(([file]) => this.pointsOf.get(file));
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
    if (this.pointsOf.get(file) || this.silentSaid.has(file)) return;
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
    this.tellReading();
    this.sayDropped();
    const batch: Batch = { series: this.store.takeDeltas(), logs: [], events: this.pendingEvents };
    for (const [stream, { text, skipped, cut }] of this.pendingLogs) {
      const delta: LogDelta = { stream, text };
      if (cut) {
        // the receiver starts over at the line the text begins with, and reads earlier ones back
        this.history.set(stream, '');
        this.sentLines.set(stream, (this.sentLines.get(stream) ?? 0) + skipped);
        delta.line = this.sentLines.get(stream);
      }
      this.remember(stream, text);
      batch.logs.push(delta);
    }
    this.events.push(...batch.events);
    if (this.events.length > 2000) this.events.splice(0, this.events.length - 1000);
    this.pendingLogs = new Map();
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
    for (const [stream, text] of this.history) {
      if (text) batch.logs.push({ stream, text, line: (this.sentLines.get(stream) ?? 0) - newlines(text) });
    }
    batch.events = [...this.events];
    return batch;
  }

  /** Stores a point of `file`, telling the user (at most every 10 s a file) when a series started over. */
  private add(file: string, p: Point, source = file, overlapping = false): void {
    this.addValue(file, p.name, p.xKind, p.x, p.y, p.wall ?? NaN, source, overlapping);
  }

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
    this.pointsOf.set(file, (this.pointsOf.get(file) ?? 0) + 1);
    if (this.store.add(source, name, xKind, x, y, wall, overlapping, multi) !== 'restarted') return;
    const now = Date.now();
    if (now - (this.restartSaid.get(file) ?? 0) < 10_000) return;
    this.restartSaid.set(file, now);
    this.event('warning', `${file}: ${name} went back to ${xKind} ${x} (a restarted training?); its points from there on were replaced.`);
  }

  /** Text for a log tab, of which a batch carries the last LOG_BATCH_CHARS (from a line start). */
  private log(stream: LogStream, text: string): void {
    let p = this.pendingLogs.get(stream);
    if (!p) this.pendingLogs.set(stream, (p = { text: '', skipped: 0, cut: false }));
    p.text += text;
    if (p.text.length <= 2 * LOG_BATCH_CHARS) return;
    const nl = p.text.indexOf('\n', p.text.length - LOG_BATCH_CHARS);
    const from = nl < 0 ? p.text.length - LOG_BATCH_CHARS : nl + 1;
    p.skipped += newlines(p.text, from);
    p.cut = true;
    p.text = p.text.slice(from);
  }

  /** Log text already sent, kept (the last LOG_HISTORY_CHARS) for snapshots. */
  private remember(stream: LogStream, text: string): void {
    this.sentLines.set(stream, (this.sentLines.get(stream) ?? 0) + newlines(text));
    // an array job's many task logs keep less each (older lines are read back from the files)
    const keep = stream === 'stdout' || stream === 'stderr' ? LOG_HISTORY_CHARS : LOG_HISTORY_CHARS / 8;
    let h = (this.history.get(stream) ?? '') + text;
    if (h.length > keep) {
      const cut = h.indexOf('\n', h.length - keep);
      h = h.slice(cut < 0 ? h.length - keep : cut + 1);
    }
    this.history.set(stream, h);
  }

  private reader(file: string, format = formatOf(file)): FileReader | null {
    let r = this.files.get(file);
    if (r !== undefined) return r;
    switch (format) {
      case 'output':
        r = this.textReader(file, new ProgressParser(), 'metrics recognised', logStream(file));
        break;
      case 'csv':
        r = this.textReader(file, new CsvParser(), 'numeric column found');
        break;
      case 'jsonl':
        r = this.textReader(file, new JsonlParser(), 'numeric field found');
        break;
      case 'tfevents':
        r = this.eventsReader(file);
        break;
      case 'trainer-state':
        r = this.trainerStateReader(file);
        break;
      case 'notebook':
        r = this.notebookReader(file);
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

  /**
   * Text split into `\r`/`\n` frames, each parsed. Output streams also feed their log tab with the
   * text as decoded, a partial last line included (the view continues it when the rest comes).
   */
  private textReader(file: string, parser: LineParser, none: string, stream?: LogStream): FileReader {
    const splitter = new FrameSplitter();
    const emit: Emit = (name, xKind, x, y, wall) => this.addValue(file, name, xKind, x, y, wall ?? this.arrival);
    let frames = 0;
    const onFrame = (text: string, from: number, to: number) => {
      frames++;
      parser.readFrame(text, from, to, emit);
    };
    let reported = 0;
    let noted = false;
    const warnMalformed = () => {
      // Said once, then at 10, 100, 1000…: a clear message, never a storm.
      const bad = parser.malformed;
      if (bad > reported && (reported === 0 || bad >= reported * 10)) {
        this.event('warning', `${file}: ${bad} malformed line${bad > 1 ? 's' : ''} skipped so far; the other lines are read.`);
        reported = bad;
      }
    };
    const reader: FileReader = {
      push: (bytes) => {
        if (stream) this.logIndex.push(stream, file, bytes);
        const capped = splitter.capped;
        const text = splitter.pushTo(bytes, onFrame);
        if (stream && text) this.log(stream, text);
        warnMalformed();
        if (parser.note && !noted) {
          noted = true;
          this.event('info', `${file}: ${parser.note}.`);
        }
        // said once a file: an endless line is one warning, not one a chunk
        if (splitter.capped > 0 && capped === 0)
          this.event(
            'warning',
            `${file}: a line longer than ${MAX_FRAME_CHARS.toLocaleString('en-US')} characters was cut at that length; the rest of it, and of any later line as long, is skipped.`,
          );
        if (frames >= SILENT_LINES) this.saySilent(file, reader, ' so far');
      },
      end: () => {
        splitter.endTo(onFrame);
        warnMalformed();
      },
      reset: () => {
        splitter.reset();
        parser.reset();
      },
      silent: () => (noted ? null : frames ? `${frames.toLocaleString('en-US')} line${frames > 1 ? 's' : ''} read, no ${none}` : undefined),
    };
    return reader;
  }

  /**
   * Every `checkpoint-N/trainer_state.json` holds the whole history so far: all copies feed one set
   * of series (source `trainer_state.json`), so each entry is kept once, by step.
   */
  private trainerStateReader(file: string): FileReader {
    const parser = new TrainerStateParser();
    return {
      push: (bytes) => {
        for (const p of parser.push(bytes)) this.add(file, p, 'trainer_state.json', true);
      },
      end: () => {
        if (parser.incomplete) this.event('warning', `${file}: not valid JSON at the end of the run; its last state was not read.`);
      },
      reset: () => parser.reset(),
      silent: () => 'no training history (log_history) in it',
    };
  }

  /**
   * A saved Jupyter notebook, read whole each time it is saved: every save repeats the points
   * read before, kept once (by x, as for trainer_state.json); each note is said once.
   */
  private notebookReader(file: string): FileReader {
    const parser = new NotebookParser();
    const said = new Set<string>();
    // each series' last point sent: a save that repeats it sends nothing (the store would resend it)
    const last = new Map<string, { x: number; y: number }>();
    const emit: Emit = (name, xKind, x, y) => {
      const l = last.get(name);
      if (l && (x < l.x || (x === l.x && Object.is(y, l.y)))) return;
      last.set(name, { x, y });
      this.addValue(file, name, xKind, x, y, NaN, file, true);
    };
    const tell = (notes: Array<{ level: EventLevel; text: string }>) => {
      for (const n of notes) {
        if (said.has(n.text)) continue;
        said.add(n.text);
        this.event(n.level, `${file}: ${n.text}.`);
      }
    };
    return {
      push: (bytes) => tell(parser.push(bytes, emit)),
      end: () => tell(parser.end()),
      reset: () => parser.reset(),
      silent: () => (said.size ? null : undefined), // its own notes say what a notebook without curves holds
    };
  }

  /**
   * TensorBoard event files. Series are named by tag, prefixed with the file's folder below the
   * run directory, as `add_scalars` writes one folder per series (`multi_a/multi`).
   */
  private eventsReader(file: string): FileReader {
    const slash = file.lastIndexOf('/');
    const prefix = slash < 0 ? '' : file.slice(0, slash + 1);
    let parser = new TfEventsParser();
    let warned = 0;
    const names = new Map<string, string>();
    const named = (tag: string) => {
      let name = names.get(tag);
      if (name === undefined) names.set(tag, (name = prefix + tag));
      return name;
    };
    // every event is a point, several at one step included, as TensorBoard keeps them
    const emit: Emit = (tag, xKind, x, y, wall) => this.addValue(file, prefix ? named(tag) : tag, xKind, x, y, wall ?? NaN, file, false, true);
    return {
      push: (bytes) => {
        parser.read(bytes, emit);
        for (; warned < parser.warnings.length; warned++) this.event('warning', `${file}: ${parser.warnings[warned]}.`);
      },
      end: () => {
        if (parser.pendingBytes) this.event('warning', `${file}: ends with ${parser.pendingBytes} bytes of an incomplete record.`);
        const other = parser.stats.other;
        if (other) this.event('info', `${file}: ${other} histogram, image, audio or text value${other > 1 ? 's are' : ' is'} not plotted.`);
      },
      reset: () => {
        parser = new TfEventsParser();
        warned = 0;
      },
      silent: () => {
        const { records, other, corrupt } = parser.stats;
        if (!records && !corrupt && !parser.pendingBytes) return undefined;
        return `${records} event record${records === 1 ? '' : 's'} read${corrupt ? ` (${corrupt} damaged)` : ''}, no scalars${other ? ` (${other} histogram, image, audio or text values)` : ''}`;
      },
    };
  }
}

/** `\n`s in `text` before `end`. */
function newlines(text: string, end = text.length): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
