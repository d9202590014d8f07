/**
 * How one file's bytes become points (and, for output streams, log text), one reader per format.
 * Readers hand what they find to the ingester through a `ReaderSink`.
 */
import type { EventLevel, LogStream } from './protocol/batch';
import { ByteFrameSplitter } from './byteFrames';
import { FrameSplitter, MAX_FRAME_CHARS } from './frames';
import type { LogIndex } from './logIndex';
import { NotebookParser } from './parse/notebook';
import { TrainerStateParser } from './parse/records';
import { textOf } from './parse/scanBytes';
import { ScalarColumns } from './parse/scalarColumns';
import { TfEventsParser, type EventsPart } from './parse/tfevents';
import type { Emit, EmitRow, LineParser, Point, Row } from './parse/types';
import type { PointColumns } from './series';

export interface FileReader {
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
  /** Event files: a later part parsed elsewhere (see `TfEventsParser.absorb`); false when refused. */
  absorb?(part: EventsPart): boolean;
}

/** What readers report to. */
export interface ReaderSink {
  /**
   * A point of `file`, stored under `source` (another name when several files feed one set of
   * series). `overlapping`: the file repeats points already read; `multi`: several at one x are kept.
   */
  point(file: string, name: string, xKind: Point['xKind'], x: number, y: number, wall: number, source?: string, overlapping?: boolean, multi?: boolean): void;
  /**
   * Points `[from, to)` of `columns`, in file order, at steps, named `names[columns.tagOf[i]]`,
   * several at one step kept (event files): as `point` for each, in fewer calls.
   */
  stepPoints(file: string, names: readonly string[], columns: PointColumns, from: number, to: number): void;
  /** The points of a line of `file`, as `point` would take them one by one (`wall` given for the row's undefined one). */
  row(file: string, row: Row, wall: number): void;
  event(level: EventLevel, text: string): void;
  log(stream: LogStream, text: string): void;
  readonly logIndex: LogIndex;
  /** Seconds since the epoch when the bytes being parsed were read (NaN: a backlog of unknown age). */
  arrival(): number;
  /** A text file read for a while without a point: the sink may say so, once. */
  silentSoFar(file: string, reader: FileReader): void;
}

/** Lines of a file read without a point before the monitor says so, while it runs. */
const SILENT_LINES = 2000;

/**
 * Text split into `\r`/`\n` frames, each parsed. Output streams also feed their log tab with the
 * text as decoded, a partial last line included (the view continues it when the rest comes).
 * Parsers that read bytes get their frames undecoded, and decoded only when they ask.
 */
export function textReader(sink: ReaderSink, file: string, parser: LineParser, none: string, stream?: LogStream): FileReader {
  const emit: Emit = (name, xKind, x, y, wall) => sink.point(file, name, xKind, x, y, wall ?? sink.arrival());
  let frames = 0;
  const onFrame = (text: string, from: number, to: number) => {
    frames++;
    parser.readFrame(text, from, to, emit);
  };
  const emitRow: EmitRow = (row) => sink.row(file, row, row.wall ?? sink.arrival());
  const onBytes = (bytes: Uint8Array, from: number, to: number) => {
    frames++;
    if (parser.readBytes!(bytes, from, to, emitRow)) return;
    const text = textOf(bytes, from, to);
    parser.readFrame(text, 0, text.length, emit);
  };
  const onLine = (bytes: Uint8Array, from: number, limit: number) => {
    const end = parser.readLine!(bytes, from, limit, emitRow);
    if (end >= 0) frames++;
    return end;
  };
  const splitter = parser.readBytes && !stream ? new ByteFrameSplitter(onBytes, parser.readLine && onLine) : new FrameSplitter();
  let reported = 0;
  let noted = false;
  const warnMalformed = () => {
    // Said once, then at 10, 100, 1000…: a clear message, never a storm.
    const bad = parser.malformed;
    if (bad > reported && (reported === 0 || bad >= reported * 10)) {
      sink.event('warning', `${file}: ${bad} malformed line${bad > 1 ? 's' : ''} skipped so far; the other lines are read.`);
      reported = bad;
    }
  };
  const reader: FileReader = {
    push: (bytes) => {
      if (stream) sink.logIndex.push(stream, file, bytes);
      const capped = splitter.capped;
      const text = splitter.pushTo(bytes, onFrame);
      if (stream && text) sink.log(stream, text);
      warnMalformed();
      if (parser.note && !noted) {
        noted = true;
        sink.event('info', `${file}: ${parser.note}.`);
      }
      // said once a file: an endless line is one warning, not one a chunk
      if (splitter.capped > 0 && capped === 0)
        sink.event(
          'warning',
          `${file}: a line longer than ${MAX_FRAME_CHARS.toLocaleString('en-US')} characters was cut at that length; the rest of it, and of any later line as long, is skipped.`,
        );
      if (frames >= SILENT_LINES) sink.silentSoFar(file, reader);
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
export function trainerStateReader(sink: ReaderSink, file: string): FileReader {
  const parser = new TrainerStateParser();
  return {
    push: (bytes) => {
      for (const p of parser.push(bytes)) sink.point(file, p.name, p.xKind, p.x, p.y, p.wall ?? NaN, 'trainer_state.json', true);
    },
    end: () => {
      if (parser.incomplete) sink.event('warning', `${file}: not valid JSON at the end of the run; its last state was not read.`);
    },
    reset: () => parser.reset(),
    silent: () => 'no training history (log_history) in it',
  };
}

/**
 * A saved Jupyter notebook, read whole each time it is saved: every save repeats the points
 * read before, kept once (by x, as for trainer_state.json); each note is said once.
 */
export function notebookReader(sink: ReaderSink, file: string): FileReader {
  const parser = new NotebookParser();
  const said = new Set<string>();
  // each series' last point sent: a save that repeats it sends nothing (the store would resend it)
  const last = new Map<string, { x: number; y: number }>();
  const emit: Emit = (name, xKind, x, y) => {
    const l = last.get(name);
    if (l && (x < l.x || (x === l.x && Object.is(y, l.y)))) return;
    last.set(name, { x, y });
    sink.point(file, name, xKind, x, y, NaN, file, true);
  };
  const tell = (notes: Array<{ level: EventLevel; text: string }>) => {
    for (const n of notes) {
      if (said.has(n.text)) continue;
      said.add(n.text);
      sink.event(n.level, `${file}: ${n.text}.`);
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
 * A read's scalars, on their way from an event file's parser to the store: one buffer for every
 * event file of this thread (each read's are stored before its push returns), so a run of
 * thousands of files holds the room of one read, not one each.
 */
const scalars = new ScalarColumns();

/**
 * TensorBoard event files. Series are named by tag, prefixed with the file's folder below the
 * run directory, as `add_scalars` writes one folder per series (`multi_a/multi`).
 */
export function eventsReader(sink: ReaderSink, file: string): FileReader {
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
  const emit: Emit = (tag, xKind, x, y, wall) => sink.point(file, prefix ? named(tag) : tag, xKind, x, y, wall ?? NaN, file, false, true);
  const tell = () => {
    for (; warned < parser.warnings.length; warned++) sink.event('warning', `${file}: ${parser.warnings[warned]}.`);
  };
  return {
    push: (bytes) => {
      scalars.clear();
      parser.readInto(bytes, scalars);
      sink.stepPoints(file, scalars.tags.map(named), scalars, 0, scalars.n);
      tell();
    },
    absorb: (part) => {
      const partNames = part.tags.map(named);
      return parser.absorb(part, emit, tell, (_tags, c, from, to) => sink.stepPoints(file, partNames, c, from, to));
    },
    end: () => {
      if (parser.pendingBytes) sink.event('warning', `${file}: ends with ${parser.pendingBytes} bytes of an incomplete record.`);
      const other = parser.stats.other;
      if (other) sink.event('info', `${file}: ${other} histogram, image, audio or text value${other > 1 ? 's are' : ' is'} not plotted.`);
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
