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

/** Receives each frame (the hot path: no object per frame). */
export type OnFrame = (text: string, end: Frame['end']) => void;

/** A line longer than this is cut into pieces of this size (so a newline-free file cannot exhaust memory). */
export const MAX_FRAME_CHARS = 1 << 20;

export class FrameSplitter {
  private decoder = new TextDecoder('utf-8');
  private pending = '';
  /** A `\r` that ended the last chunk: it may be the first half of `\r\n`. */
  private pendingCR = false;
  /** How many times a frame was cut at MAX_FRAME_CHARS. */
  capped = 0;

  /** Decodes `bytes`, hands each completed frame to `onFrame`, and returns the decoded text. */
  pushTo(bytes: Uint8Array, onFrame: OnFrame): string {
    const text = this.decoder.decode(bytes, { stream: true });
    this.split(text, onFrame);
    return text;
  }

  /** The stream ended: whatever is held becomes the last frame. */
  endTo(onFrame: OnFrame): void {
    this.split(this.decoder.decode(), onFrame);
    if (this.pendingCR) onFrame(this.take(), '\r');
    else if (this.pending) onFrame(this.take(), '');
    this.pendingCR = false;
  }

  /** The frames of `bytes` as objects, for tests and tools. */
  push(bytes: Uint8Array): Frame[] {
    const frames: Frame[] = [];
    this.pushTo(bytes, (text, end) => frames.push({ text, end }));
    return frames;
  }

  end(): Frame[] {
    const frames: Frame[] = [];
    this.endTo((text, end) => frames.push({ text, end }));
    return frames;
  }

  /** Forget everything held (the file was truncated or replaced). */
  reset(): void {
    this.decoder = new TextDecoder('utf-8');
    this.pending = '';
    this.pendingCR = false;
  }

  private take(): string {
    const t = this.pending;
    this.pending = '';
    return t;
  }

  private split(text: string, onFrame: OnFrame): void {
    let start = 0;
    if (this.pendingCR && text.length > 0) {
      this.pendingCR = false;
      if (text.charCodeAt(0) === 10) {
        onFrame(this.take(), '\n');
        start = 1;
      } else {
        onFrame(this.take(), '\r');
      }
    }
    // Native searches for the next \n and \r: most text has no \r, and then one search a line.
    let lf = text.indexOf('\n', start);
    let cr = text.indexOf('\r', start);
    while (lf >= 0 || cr >= 0) {
      const i = cr < 0 || (lf >= 0 && lf < cr) ? lf : cr;
      const piece = this.pending ? this.pending + text.slice(start, i) : text.slice(start, i);
      this.pending = '';
      start = i + 1;
      if (i === lf) {
        onFrame(piece, '\n');
      } else if (i + 1 < text.length) {
        if (text.charCodeAt(i + 1) === 10) {
          onFrame(piece, '\n');
          start = i + 2;
        } else {
          onFrame(piece, '\r');
        }
      } else {
        this.pending = piece;
        this.pendingCR = true;
        break;
      }
      if (lf >= 0 && lf < start) lf = text.indexOf('\n', start);
      if (cr >= 0 && cr < start) cr = text.indexOf('\r', start);
    }
    if (!this.pendingCR) {
      this.pending += text.slice(start);
      while (this.pending.length > MAX_FRAME_CHARS) {
        onFrame(this.pending.slice(0, MAX_FRAME_CHARS), '');
        this.pending = this.pending.slice(MAX_FRAME_CHARS);
        this.capped++;
      }
    }
  }
}
