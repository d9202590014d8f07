/**
 * Scalars of an event file in file order, as columns: the parser writes each value here instead of
 * calling out with it (a double passed to a call that is not inlined is a heap object, and an
 * event file is millions of them), and the store takes a read's columns at once.
 */
import type { PointColumns } from '../series';

export class ScalarColumns implements PointColumns {
  /** The tags of the points held, in the order met; `tagOf[i]` indexes them. */
  readonly tags: string[] = [];
  private readonly tagIndex = new Map<string, number>();
  /** Values run in the same few tags: the last one's index without a lookup. */
  private lastTag = '';
  private lastIndex = -1;
  /** Points held: `[0, n)` of each column. */
  n = 0;
  tagOf = new Uint32Array(1024);
  x = new Float64Array(1024);
  y = new Float64Array(1024);
  wall = new Float64Array(1024);

  push(tag: string, x: number, y: number, wall: number): void {
    const n = this.n;
    if (n === this.x.length) this.reserve(2 * n);
    if (tag !== this.lastTag) {
      let t = this.tagIndex.get(tag);
      if (t === undefined) this.tagIndex.set(tag, (t = this.tags.push(tag) - 1));
      this.lastTag = tag;
      this.lastIndex = t;
    }
    this.tagOf[n] = this.lastIndex;
    this.x[n] = x;
    this.y[n] = y;
    this.wall[n] = wall;
    this.n = n + 1;
  }

  /** Room for `points` in all, kept points included (so millions are not copied while growing). */
  reserve(points: number): void {
    if (points <= this.x.length) return;
    const grown = <T extends Uint32Array | Float64Array>(a: T, b: T) => (b.set(a.subarray(0, this.n)), b);
    this.tagOf = grown(this.tagOf, new Uint32Array(points));
    this.x = grown(this.x, new Float64Array(points));
    this.y = grown(this.y, new Float64Array(points));
    this.wall = grown(this.wall, new Float64Array(points));
  }

  /** Forgets the points and their tags, keeping the room. */
  clear(): void {
    this.n = 0;
    this.tags.length = 0;
    this.tagIndex.clear();
    this.lastTag = '';
    this.lastIndex = -1;
  }
}
