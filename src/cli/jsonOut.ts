/**
 * `--json`'s writer: text and numbers go as UTF-8 straight into buffers of PIECE bytes, each
 * written to stdout when full, so millions of points never build one giant string, nor a string
 * a number where the number is an integer (steps, epochs, line numbers: half of every answer).
 */

/** Bytes handed to stdout at a time. */
const PIECE = 1 << 16;
/** Room past PIECE for one number (`String` of a double is at most 25 characters). */
const SLACK = 32;

const encoder = new TextEncoder();

/**
 * A number as `--json` writes it: JSON has no NaN or infinities (JSON.stringify would write null,
 * and 0 for -0), so they are the strings "NaN", "Infinity", "-Infinity"; -0 is the number `-0`.
 */
export function jsonNumber(v: number): string {
  if (Number.isNaN(v)) return '"NaN"';
  if (v === Infinity) return '"Infinity"';
  if (v === -Infinity) return '"-Infinity"';
  return Object.is(v, -0) ? '-0' : String(v);
}

export class JsonOut {
  private buf = new Uint8Array(PIECE + SLACK);
  private at = 0;

  /** `write`: where the pieces go; each gets a buffer of its own (stdout may write it later). */
  constructor(private readonly write: (bytes: Uint8Array) => void = (b) => void process.stdout.write(b)) {}

  add(text: string): void {
    if (this.at + text.length * 3 > PIECE) {
      this.flush();
      if (text.length * 3 > PIECE) return this.write(encoder.encode(text));
    }
    this.at += encoder.encodeInto(text, this.buf.subarray(this.at)).written;
  }

  /** `[a0,a1,…]`, each as `jsonNumber` writes it. */
  numbers(a: ArrayLike<number>): void {
    this.byte(91); // [
    for (let i = 0; i < a.length; i++) {
      if (i) this.byte(44); // ,
      this.number(a[i]);
    }
    this.byte(93); // ]
  }

  flush(): void {
    if (this.at) this.write(this.buf.subarray(0, this.at));
    this.buf = new Uint8Array(PIECE + SLACK);
    this.at = 0;
  }

  private byte(b: number): void {
    this.buf[this.at++] = b;
    if (this.at >= PIECE) this.flush();
  }

  private number(v: number): void {
    const buf = this.buf;
    let at = this.at;
    if ((v | 0) === v && (v !== 0 || 1 / v > 0)) {
      // an integer of 32 bits (not -0): its digits, as String writes them
      let n = v;
      if (n < 0) {
        buf[at++] = 45; // -
        n = -n; // 2^31 fits a double: no overflow
      }
      const from = at;
      do {
        const q = (n / 10) | 0;
        buf[at++] = 48 + n - q * 10;
        n = q;
      } while (n > 0);
      for (let i = from, j = at - 1; i < j; i++, j--) {
        const d = buf[i];
        buf[i] = buf[j];
        buf[j] = d;
      }
    } else {
      const s = v - v === 0 && (v !== 0 || 1 / v > 0) ? String(v) : jsonNumber(v);
      for (let i = 0; i < s.length; i++) buf[at++] = s.charCodeAt(i);
    }
    this.at = at;
    if (at >= PIECE) this.flush();
  }
}
