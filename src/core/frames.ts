/**
 * Splits a byte stream into frames: text ended by `\n` (or `\r\n`) or by a bare `\r`, the way a
 * terminal redraws a progress bar. Every `\r` frame is an update worth parsing. Bytes may arrive
 * cut anywhere, even inside a UTF-8 character or between `\r` and `\n`.
 */

export interface Frame {
  text: string;
  /** `'\n'` ends a line; `'\r'` ends a redraw of the same line; `''` is a partial line flushed at the end. */
  end: '\n' | '\r' | '';
}

/**
 * Receives each frame as `text[from, to)` (the hot path: no object, and no string per frame
 * unless the receiver slices one; numbers scan faster in the chunk's flat text than in slices).
 */
export type OnFrame = (text: string, from: number, to: number, end: Frame['end']) => void;

/**
 * A line longer than this is cut there: its first MAX_FRAME_CHARS characters are a frame, the rest
 * up to its end is dropped (so a newline-free file cannot exhaust memory, nor fill the log tab).
 */
export const MAX_FRAME_CHARS = 1 << 20;

export class FrameSplitter {
  private decoder: InstanceType<typeof TextDecoder>;
  private pending = '';
  /** A `\r` that ended the last chunk: it may be the first half of `\r\n`. */
  private pendingCR = false;
  /** How many lines were cut at MAX_FRAME_CHARS. */
  capped = 0;
  /** Inside the dropped rest of a cut line, until its end. */
  private skipping = false;

  /** `ignoreBOM`: the bytes continue a stream (byteFrames.ts), so a leading U+FEFF is text, not a mark to drop. */
  constructor(private readonly ignoreBOM = false) {
    this.decoder = new TextDecoder('utf-8', { ignoreBOM });
  }

  /** Decodes `bytes`, hands each completed frame to `onFrame`, and returns the decoded text (less what was dropped of a cut line). */
  pushTo(bytes: Uint8Array, onFrame: OnFrame): string {
    let text = this.decoder.decode(bytes, { stream: true });
    if (this.skipping) {
      const lf = text.indexOf('\n');
      const cr = text.indexOf('\r');
      const end = lf < 0 ? cr : cr < 0 ? lf : Math.min(lf, cr);
      if (end < 0) return '';
      this.skipping = false;
      text = text.slice(end); // its end ends an empty frame: the cut line was handed on already
    }
    const over = this.split(text, onFrame);
    return over ? text.slice(0, text.length - over) : text;
  }

  /** The stream ended: whatever is held becomes the last frame. */
  endTo(onFrame: OnFrame): void {
    this.split(this.decoder.decode(), onFrame);
    if (this.pendingCR) this.flush('\r', onFrame);
    else if (this.pending) this.flush('', onFrame);
    this.pendingCR = false;
  }

  /** The frames of `bytes` as objects, for tests and tools. */
  push(bytes: Uint8Array): Frame[] {
    const frames: Frame[] = [];
    this.pushTo(bytes, (text, from, to, end) => frames.push({ text: text.slice(from, to), end }));
    return frames;
  }

  end(): Frame[] {
    const frames: Frame[] = [];
    this.endTo((text, from, to, end) => frames.push({ text: text.slice(from, to), end }));
    return frames;
  }

  /** Forget everything held (the file was truncated or replaced). */
  reset(): void {
    this.decoder = new TextDecoder('utf-8', { ignoreBOM: this.ignoreBOM });
    this.pending = '';
    this.pendingCR = false;
    this.skipping = false;
  }

  /** The held text becomes a frame. */
  private flush(end: Frame['end'], onFrame: OnFrame): void {
    const t = this.pending;
    this.pending = '';
    onFrame(t, 0, t.length, end);
  }

  /** `text[from, to)` as a frame, after any held text it continues. */
  private frame(text: string, from: number, to: number, end: Frame['end'], onFrame: OnFrame): void {
    if (!this.pending) return onFrame(text, from, to, end);
    const t = this.pending + text.slice(from, to);
    this.pending = '';
    onFrame(t, 0, t.length, end);
  }

  /** Hands on the frames of `text`; returns how many of its last characters were dropped (a cut line). */
  private split(text: string, onFrame: OnFrame): number {
    let start = 0;
    if (this.pendingCR && text.length > 0) {
      this.pendingCR = false;
      if (text.charCodeAt(0) === 10) {
        this.flush('\n', onFrame);
        start = 1;
      } else {
        this.flush('\r', onFrame);
      }
    }
    // Native searches for the next \n and \r: most text has no \r, and then one search a line.
    let lf = text.indexOf('\n', start);
    let cr = text.indexOf('\r', start);
    while (lf >= 0 || cr >= 0) {
      const i = cr < 0 || (lf >= 0 && lf < cr) ? lf : cr;
      const from = start;
      start = i + 1;
      if (i === lf) {
        this.frame(text, from, i, '\n', onFrame);
      } else if (i + 1 < text.length) {
        if (text.charCodeAt(i + 1) === 10) {
          this.frame(text, from, i, '\n', onFrame);
          start = i + 2;
        } else {
          this.frame(text, from, i, '\r', onFrame);
        }
      } else {
        this.pending += text.slice(from, i);
        this.pendingCR = true;
        break;
      }
      if (lf >= 0 && lf < start) lf = text.indexOf('\n', start);
      if (cr >= 0 && cr < start) cr = text.indexOf('\r', start);
    }
    if (this.pendingCR) return 0;
    const held = this.pending.length + text.length - start;
    if (held <= MAX_FRAME_CHARS) {
      this.pending += text.slice(start);
      return 0;
    }
    const t = this.pending + text.slice(start, start + MAX_FRAME_CHARS - this.pending.length);
    this.pending = '';
    this.capped++;
    this.skipping = true;
    onFrame(t, 0, t.length, '');
    return held - MAX_FRAME_CHARS;
  }
}
