import type { XKind } from '../protocol/batch';

/** One value of one metric, as a parser found it. */
export interface Point {
  name: string;
  xKind: XKind;
  x: number;
  y: number;
  /** Wall-clock seconds since the epoch, when the record says when it was written. */
  wall?: number;
}

/**
 * Receives each value a parser finds, without an object per value (the hot path). `wall`: when
 * the record says when it was written (seconds since the epoch); else the reader's arrival time counts.
 */
export type Emit = (name: string, xKind: XKind, x: number, y: number, wall?: number) => void;

/**
 * The points of one line, which share its x and time: `names[i]` is `ys[i]` for i < count. One
 * call a line instead of one a point, and no number boxed a point: the hot path of JSON Lines and
 * CSV. Reused from line to line; a receiver keeps nothing of it.
 */
export class Row {
  names: string[] = [];
  ys = new Float64Array(16);
  count = 0;
  xKind: XKind = 'index';
  x = 0;
  /** As Emit's `wall`. */
  wall: number | undefined;

  /** A new line's row, empty. */
  start(xKind: XKind, x: number, wall: number | undefined): void {
    this.count = 0;
    this.xKind = xKind;
    this.x = x;
    this.wall = wall;
  }

  put(name: string, y: number): void {
    if (this.count === this.ys.length) {
      const ys = new Float64Array(this.count * 2);
      ys.set(this.ys);
      this.ys = ys;
    }
    this.names[this.count] = name;
    this.ys[this.count++] = y;
  }

  /** Its points one by one. */
  emit(emit: Emit): void {
    for (let i = 0; i < this.count; i++) emit(this.names[i], this.xKind, this.x, this.ys[i], this.wall);
  }
}

export type EmitRow = (row: Row) => void;

/** A parser of text one line (or `\r` frame) at a time. */
export abstract class LineParser {
  /** Lines that should have held a record but did not (a CSV row of the wrong width…). */
  malformed = 0;
  /** Why the file gives no points, when the parser knows (it is the monitor's own export): said once as info. */
  note: string | undefined;

  abstract read(line: string, emit: Emit): void;

  /** The frame `text[from, to)`, as the reader hands it over; parsers that can scan in place override this. */
  readFrame(text: string, from: number, to: number, emit: Emit): void {
    this.read(text.slice(from, to), emit);
  }

  /**
   * The frame `bytes[from, to)`, undecoded, for parsers that read their common lines from bytes:
   * false when this line needs its text (the reader then decodes it and calls readFrame).
   */
  readBytes?(bytes: Uint8Array, from: number, to: number, row: EmitRow): boolean;

  /**
   * `readBytes` of a line whose end is not found yet, for parsers that find it in the pass that
   * reads the line: where the line ends (its `\n` or `\r`, before `limit`), or -1 when it read
   * nothing (the reader then finds the end and calls readBytes).
   */
  readLine?(bytes: Uint8Array, from: number, limit: number, row: EmitRow): number;

  /** The file was rewritten or replaced: positions and headers start over. */
  abstract reset(): void;

  /** The points of one line as objects, for tests and tools. */
  parse(line: string): Point[] {
    const out: Point[] = [];
    this.read(line, (name, xKind, x, y, wall) => out.push(wall === undefined ? { name, xKind, x, y } : { name, xKind, x, y, wall }));
    return out;
  }
}
