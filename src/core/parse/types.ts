import type { XKind } from '../protocol/batch';

/** One value of one metric, as a parser found it. */
export interface Point {
  name: string;
  xKind: XKind;
  x: number;
  y: number;
}
