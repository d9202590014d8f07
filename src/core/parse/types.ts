import type { XKind } from '../protocol/batch';

/** One value of one metric, as a parser found it. */
export interface Point {
  name: string;
  xKind: XKind;
  x: number;
  y: number;
}

/** Receives each value a parser finds, without an object per value (the hot path). */
export type Emit = (name: string, xKind: XKind, x: number, y: number) => void;

/** A parser of text one line (or `\r` frame) at a time. */
export abstract class LineParser {
  /** Lines that should have held a record but did not (a CSV row of the wrong width…). */
  malformed = 0;

  abstract read(line: string, emit: Emit): void;

  /** The file was rewritten or replaced: positions and headers start over. */
  abstract reset(): void;

  /** The points of one line as objects, for tests and tools. */
  parse(line: string): Point[] {
    const out: Point[] = [];
    this.read(line, (name, xKind, x, y) => out.push({ name, xKind, x, y }));
    return out;
  }
}
