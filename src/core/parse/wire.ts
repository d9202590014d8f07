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
    const len = r.varint();
    const start = r.at;
    if (start + len > r.end) throw new RangeError('truncated tag');
    r.at = start + len;
    return this.at(r.buf, start, len);
  }

  /** The tag whose UTF-8 bytes are `buf[start, start + len)`. */
  at(buf: Uint8Array, start: number, len: number): string {
    const guess = this.last?.next;
    if (guess && guess.bytes.length === len && sameBytes(guess.bytes, buf, start)) {
      this.last = guess;
      return guess.tag;
    }
    let h = 0x811c9dc5; // FNV-1a
    for (let i = start; i < start + len; i++) h = Math.imul(h ^ buf[i], 0x01000193);
    const known = this.byHash.get(h);
    let found = known && sameTag(known, buf, start, len);
    if (!found) {
      found = { bytes: buf.slice(start, start + len), tag: decode(buf, start, len), next: undefined };
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

/**
 * The tag of `known` spelled `buf[start, start + len)`. A loop, not `find` with an arrow: an arrow
 * that captures the arguments makes every call of `at` allocate their context, the hits included.
 */
function sameTag(known: Tag[], buf: Uint8Array, start: number, len: number): Tag | undefined {
  for (const t of known) if (t.bytes.length === len && sameBytes(t.bytes, buf, start)) return t;
  return undefined;
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
    return decode(this.buf, start, len);
  }

  /** The cursor moved to `at`. */
  from(at: number): this {
    this.at = at;
    return this;
  }

  /** Skips a field of this wire type; returns where the cursor stands after it. */
  skip(wire: number): number {
    if (wire === 0) this.varint();
    else if (wire === 1) this.at += 8;
    else if (wire === 2) {
      const len = this.varint(); // read before adding: `this.at += this.varint()` would use the old offset
      this.at += len;
    } else if (wire === 5) this.at += 4;
    else throw new RangeError(`unsupported wire type ${wire}`);
    return this.at;
  }
}

/** UTF-8 text of `buf[start, start + len)`. */
function decode(buf: Uint8Array, start: number, len: number): string {
  // Tags are short and ASCII: building them directly beats a TextDecoder call per value.
  if (len <= 64) {
    let s = '';
    for (let i = start; i < start + len; i++) {
      const c = buf[i];
      if (c >= 0x80) return decoder.decode(buf.subarray(start, start + len));
      s += String.fromCharCode(c);
    }
    return s;
  }
  return decoder.decode(buf.subarray(start, start + len));
}
