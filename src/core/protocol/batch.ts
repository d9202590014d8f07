/**
 * The data that flows refine worker → extension host → webview. The host forwards batches
 * untouched, so the refine and webview protocols share this shape.
 */

/** What a series' x values count. */
export type XKind = 'step' | 'epoch' | 'wall' | 'index';

/** What positions points along a chart: their x (of the series' kind) or their wall-clock time. */
export type Axis = 'x' | 'wall';

/**
 * New points of one series, x strictly ascending. The receiver first drops its own points whose x
 * is at or after the first x here: that replaces a point a progress bar redrew, and starts a
 * series over when a training restarted and its steps went back. `x` and `y` each own exactly
 * their buffer, so they transfer whole.
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
}

export type LogStream = 'stdout' | 'stderr';

/** Raw text appended to a log, `\r` and ANSI codes included (the view interprets them). */
export interface LogDelta {
  stream: LogStream;
  text: string;
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
  for (const s of b.series) out.push(s.x.buffer as ArrayBuffer, s.y.buffer as ArrayBuffer, s.wall.buffer as ArrayBuffer);
  return out;
}
