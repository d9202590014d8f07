import type { Decimated } from '../decimate';

/**
 * The data that flows refine worker → extension host → webview. The host forwards batches
 * untouched, so the refine and webview protocols share this shape.
 */

/** What a series' x values count. */
export type XKind = 'step' | 'epoch' | 'wall' | 'index';

/** What positions points along a chart: their x (of the series' kind) or their wall-clock time. */
export type Axis = 'x' | 'wall';

/**
 * New points of one series, x ascending (strictly, unless `keepsSameX`). The receiver first drops
 * its own points whose x is at or after the first x here: that replaces a point a progress bar
 * redrew, and starts a series over when a training restarted and its steps went back. `x` and `y`
 * each own exactly their buffer, so they transfer whole.
 */
export interface SeriesDelta {
  /** Unique per run: `<source>:<name>`. */
  key: string;
  /** The metric's name as the training wrote it (`loss`, `val_accuracy`). */
  name: string;
  /** The file it came from, relative to the run directory (`stdout.log`, `metrics.csv`). */
  source: string;
  xKind: XKind;
  x: Float64Array;
  y: Float64Array;
  /** Each point's wall-clock time, seconds since the Unix epoch; NaN where it is not known. */
  wall: Float64Array;
  /**
   * Only in a snapshot at display resolution: the points were decimated (core/decimate.ts), and
   * each carries the lowest and highest value of the stretch it stands for.
   */
  lo?: Float64Array;
  hi?: Float64Array;
  /**
   * The series holds several points at one x (an event file logs a value many times at one step):
   * x only does not descend, and the receiver keeps its points at the first x here, dropping only
   * those after it. Absent when points the receiver holds were replaced (a restart).
   */
  keepsSameX?: boolean;
}

/**
 * A log: `stdout` or `stderr` of the run, or of task N of a Slurm array job (`stdout-3`,
 * `stderr-3`), each in a tab of its own.
 */
export type LogStream = string;
/** Only in a snapshot: the Console's text, stdout and stderr in the order they came (extension/consoleOrder.ts). */
export const CONSOLE_STREAM = 'console';

/** Raw text appended to a log, `\r` and ANSI codes included (the view interprets them). */
export interface LogDelta {
  stream: LogStream;
  text: string;
  /**
   * Only in a snapshot, which holds the recent text, and in a batch whose backlog was more than
   * it carries (it holds the last lines): the number (0-based, counted by `\n`) of the stream's
   * line the text starts with. The receiver starts over there; earlier lines can be asked of the host.
   */
  line?: number;
}

export type EventLevel = 'info' | 'warning' | 'error';

/** The monitor's own messages for the Events tab. */
export interface MonitorEvent {
  /** Epoch milliseconds. */
  time: number;
  level: EventLevel;
  text: string;
}

export interface Batch {
  series: SeriesDelta[];
  logs: LogDelta[];
  events: MonitorEvent[];
  /**
   * Batches are numbered per run (1, 2, …, by the host's Pipeline): a batch's own number, or in a
   * snapshot the number of the last batch it holds. Absent on the monitor's own events.
   */
  seq?: number;
  /** Only host → webview: the overlaid run the batch is of (its series keys' tag); absent for the shown run. */
  run?: string;
}

export function emptyBatch(): Batch {
  return { series: [], logs: [], events: [] };
}

export function isEmptyBatch(b: Batch): boolean {
  return b.series.length === 0 && b.logs.length === 0 && b.events.length === 0;
}

/** The typed arrays of a batch, for `postMessage(msg, transferList)`. */
export function transferables(b: Batch): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  for (const s of b.series) {
    for (const a of [s.x, s.y, s.wall, s.lo, s.hi]) if (a) out.push(a.buffer as ArrayBuffer);
  }
  return out;
}

/** One series of a window: `x` holds each point's position on the asked axis (x, or wall-clock seconds). */
export interface WindowSeries extends Decimated {
  key: string;
}

/** A window's typed arrays, for `postMessage(msg, transferList)`. */
export function windowTransferables(series: WindowSeries[]): ArrayBuffer[] {
  return series.flatMap((s) => [s.x, s.y, s.wall, s.lo, s.hi].filter((a) => a !== undefined).map((a) => a.buffer));
}
