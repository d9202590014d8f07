/**
 * The frames FrameSplitter gives (`\n`, `\r\n` or a bare `\r` ends one; a byte-order mark opening
 * the stream is dropped, as TextDecoder drops it), found in the bytes without decoding them: for
 * parsers that read their lines from bytes (JSON Lines, CSV), where decoding every byte cost more
 * than the parsing. Line ends are ASCII and never inside a UTF-8 character, so a frame's bytes
 * decode to the frame's text. A frame is a view of the chunk, valid during the call only.
 *
 * A line still open past MAX_FRAME_CHARS bytes hands the stream to a FrameSplitter until that
 * line ends: its cap counts characters, which only the decoded text knows. The bytes after the
 * line's `\n` are read as bytes again.
 */
import { FrameSplitter, MAX_FRAME_CHARS, type OnFrame } from './frames';

/** Receives each frame as `bytes[from, to)`. */
export type OnBytes = (bytes: Uint8Array, from: number, to: number) => void;
/** Reads the line starting at `from` if it can, finding its end on the way (before `limit`): that end, or -1 when it read nothing. */
export type OnLine = (bytes: Uint8Array, from: number, limit: number) => number;

const BOM = new Uint8Array([0xef, 0xbb, 0xbf]);
/** A held line's buffer above this size is given back once the line is handed on. */
const KEEP_HELD = 1 << 16;

export class ByteFrameSplitter {
  /** The start of a line not ended yet: `held[0, heldLength)`. */
  private held = new Uint8Array(256);
  private heldLength = 0;
  /** The last chunk ended with a `\r`: the held frame it ended waits for the next byte, which may be the `\n` of a `\r\n` (as in FrameSplitter). */
  private afterCR = false;
  /** Bytes of a byte-order mark matched at the stream's start so far; -1 once decided. */
  private bom = 0;
  /** During a long line: the splitter of the decoded text, up to the line's `\n`. */
  private text: FrameSplitter | undefined;
  /** Lines cut by text splitters that handed the stream back. */
  private cappedBefore = 0;

  /** `onLine`: tried first at each line start, so that a line is scanned once (CSV rows). */
  constructor(
    private readonly onBytes: OnBytes,
    private readonly onLine?: OnLine,
  ) {}

  /** Lines cut at MAX_FRAME_CHARS. */
  get capped(): number {
    return this.cappedBefore + (this.text?.capped ?? 0);
  }

  /** Hands each frame completed by `bytes` to the constructor's `onBytes`, or, past a long line, as text to `onFrame`. */
  pushTo(bytes: Uint8Array, onFrame: OnFrame): void {
    if (this.text) {
      const lf = bytes.indexOf(10);
      if (lf < 0) return void this.text.pushTo(bytes, onFrame);
      // The long line ends here. A `\n` ends all the text splitter holds (the line or its dropped
      // rest, a `\r` before it, a partial UTF-8 character): nothing of it is left when the bytes go on.
      this.text.pushTo(bytes.subarray(0, lf + 1), onFrame);
      this.cappedBefore += this.text.capped;
      this.text = undefined;
      bytes = bytes.subarray(lf + 1);
    }
    const n = bytes.length;
    let start = this.bom < 0 ? 0 : this.skipBom(bytes);
    if (this.bom >= 0) return; // every byte so far may be the mark
    if (this.afterCR && start < n) {
      this.afterCR = false;
      if (bytes[start] === 10) start++;
      this.handHeld();
    }
    // native searches for the next \n and \r (-2: not searched yet, -1: none in this chunk): most
    // files have no \r, and then one search a line, unless onLine found the line's end itself
    let lf = -2;
    let cr = -2;
    const onLine = this.onLine;
    while (start < n) {
      if (onLine && !this.heldLength) {
        const end = onLine(bytes, start, n);
        if (end >= 0) {
          start = end + 1;
          if (bytes[end] === 13 && bytes[start] === 10) start++;
          continue;
        }
      }
      if (lf < start && lf !== -1) lf = bytes.indexOf(10, start);
      if (cr < start && cr !== -1) cr = bytes.indexOf(13, start);
      if (lf < 0 && cr < 0) break;
      const e = cr < 0 || (lf >= 0 && lf < cr) ? lf : cr;
      if (e === cr && e + 1 === n) {
        this.hold(bytes, start, e);
        this.afterCR = true;
        return;
      }
      this.frame(bytes, start, e);
      start = e + 1;
      if (e === cr && bytes[start] === 10) start++;
    }
    this.hold(bytes, start, n);
    if (this.heldLength > MAX_FRAME_CHARS) {
      // may be past the cap in characters: the decoded text decides, as it would have from the start
      this.text = new FrameSplitter(true);
      const held = this.held.subarray(0, this.heldLength);
      this.release();
      this.text.pushTo(held, onFrame);
    }
  }

  /** The stream ended: what is held becomes the last frame. */
  endTo(onFrame: OnFrame): void {
    if (this.text) return this.text.endTo(onFrame);
    if (this.bom > 0) this.hold(BOM, 0, this.bom); // the stream was the start of a mark, no mark
    this.bom = -1;
    if (this.heldLength || this.afterCR) this.handHeld();
    this.afterCR = false;
  }

  /** Forget everything held (the file was truncated or replaced). */
  reset(): void {
    this.release();
    this.afterCR = false;
    this.bom = 0;
    this.cappedBefore = this.capped;
    this.text = undefined;
  }

  /** `bytes[from, to)`, after the held start of its line, is a frame. */
  private frame(bytes: Uint8Array, from: number, to: number): void {
    if (!this.heldLength) return this.onBytes(bytes, from, to);
    this.hold(bytes, from, to);
    this.handHeld();
  }

  private handHeld(): void {
    const held = this.held;
    const length = this.heldLength;
    this.release();
    this.onBytes(held, 0, length);
  }

  private hold(bytes: Uint8Array, from: number, to: number): void {
    const need = this.heldLength + to - from;
    if (need > this.held.length) {
      const grown = new Uint8Array(Math.max(need, this.held.length * 2));
      grown.set(this.held.subarray(0, this.heldLength));
      this.held = grown;
    }
    this.held.set(bytes.subarray(from, to), this.heldLength);
    this.heldLength = need;
  }

  /** Nothing held; a buffer grown for a long line is not kept. */
  private release(): void {
    this.heldLength = 0;
    if (this.held.length > KEEP_HELD) this.held = new Uint8Array(256);
  }

  /** Drops a byte-order mark opening the stream; returns where the text starts in `bytes`. */
  private skipBom(bytes: Uint8Array): number {
    let i = 0;
    for (; this.bom < BOM.length && i < bytes.length; i++, this.bom++) {
      if (bytes[i] === BOM[this.bom]) continue;
      this.hold(BOM, 0, this.bom); // the bytes taken for its start are text
      this.bom = -1;
      return i;
    }
    if (this.bom === BOM.length) this.bom = -1;
    return i;
  }
}
