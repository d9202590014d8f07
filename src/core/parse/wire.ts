/**
 * Protobuf wire format as event files need it: a cursor over a buffer, and tag strings found by
 * their bytes.
 */
const decoder = new TextDecoder();

/**
 * Tag strings by their bytes: a run logs the same few tags millions of times, and building a
 * string for each value was most of the garbage.
 */
export class Tags {
  private byHash = new Map<number, Tag[]>();
  /** The tag read last: runs log their tags in the same order every step, so its `next` is the likely one. */
  private last: Tag | undefined;

  read(r: Reader): string {
    const lenAt = r.at;
    const len = r.varint();
    const start = r.at;
    if (start + len > r.end) throw new RangeError('truncated tag');
    const guess = this.last?.next;
    if (guess && guess.bytes.length === len && sameBytes(guess.bytes, r.buf, start)) {
      r.at = start + len;
      this.last = guess;
      return guess.tag;
    }
    let h = 0x811c9dc5; // FNV-1a
    for (let i = start; i < start + len; i++) h = Math.imul(h ^ r.buf[i], 0x01000193);
    const known = this.byHash.get(h);
    let found = known?.find((t) => t.bytes.length === len && sameBytes(t.bytes, r.buf, start));
    if (found) r.at = start + len;
    else {
      r.at = lenAt;
      found = { bytes: r.buf.slice(start, start + len), tag: r.string(), next: undefined };
      if (this.byHash.size >= 10_000) return found.tag;
      if (known) known.push(found);
      else this.byHash.set(h, [found]);
    }
    if (this.last) this.last.next = found;
    this.last = found;
    return found.tag;
  }
}

interface Tag {
  bytes: Uint8Array;
  tag: string;
  next: Tag | undefined;
}

function sameBytes(a: Uint8Array, buf: Uint8Array, at: number): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== buf[at + i]) return false;
  return true;
}

/** A cursor over protobuf wire format. */
export class Reader {
  constructor(
    public buf: Uint8Array,
    public view: DataView,
    public at: number,
    public end: number,
  ) {}

  /** The cursor moved to `buf[at, end)`. */
  over(buf: Uint8Array, view: DataView, at: number, end: number): this {
    this.buf = buf;
    this.view = view;
    this.at = at;
    this.end = end;
    return this;
  }

  /** Varints up to 2^53 (steps, lengths); wider ones lose precision, never throw. */
  varint(): number {
    let result = 0;
    let shift = 1;
    for (;;) {
      if (this.at >= this.end) throw new RangeError('truncated varint');
      const b = this.buf[this.at++];
      result += (b & 0x7f) * shift;
      if (b < 0x80) return result;
      shift *= 128;
    }
  }

  string(): string {
    const len = this.varint();
    const start = this.at;
    this.at += len;
    // Tags are short and ASCII: building them directly beats a TextDecoder call per value.
    if (len <= 64) {
      let s = '';
      for (let i = start; i < start + len; i++) {
        const c = this.buf[i];
        if (c >= 0x80) return decoder.decode(this.buf.subarray(start, start + len));
        s += String.fromCharCode(c);
      }
      return s;
    }
    return decoder.decode(this.buf.subarray(start, start + len));
  }

  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.at += 8;
    else if (wire === 2) {
      const len = this.varint(); // read before adding: `this.at += this.varint()` would use the old offset
      this.at += len;
    } else if (wire === 5) this.at += 4;
    else throw new RangeError(`unsupported wire type ${wire}`);
  }
}
