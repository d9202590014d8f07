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
  readBytes?(bytes: Uint8Array, from: number, to: number, emit: Emit): boolean;

  /** The file was rewritten or replaced: positions and headers start over. */
  abstract reset(): void;

  /** The points of one line as objects, for tests and tools. */
  parse(line: string): Point[] {
    const out: Point[] = [];
    this.read(line, (name, xKind, x, y, wall) => out.push(wall === undefined ? { name, xKind, x, y } : { name, xKind, x, y, wall }));
    return out;
  }
}
