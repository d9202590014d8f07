/**
 * Text written for a terminal, as a notebook ends up showing it: each line (ended by `\n`) shows
 * its last `\r` redraw, and a backspace erases the character before it (as notebook front ends
 * render stream text; a redraw never leaves the tail of a longer one behind). Notebooks keep what the kernel
 * wrote, redraws included: Keras 3 (`Progbar.update`) writes `\b` × the last bar's width, then
 * `\r` and the new bar; tqdm writes `\r` and the new bar. Incremental, so text that arrives in
 * pieces (a live cell's output) gives the same lines as all of it at once.
 */
import { lastRedraw } from './ansi';

/** A line still open beyond this is shortened to what it shows (or, with no redraw to drop, cut). */
const MAX_PENDING_CHARS = 1 << 16;

/** Erases the character before each `\b` (a backspace at the line start erases nothing). */
export function eraseBackspaces(s: string): string {
  let b = s.indexOf('\b');
  if (b < 0) return s;
  const out: string[] = [];
  let from = 0;
  for (; b >= 0; b = s.indexOf('\b', from)) {
    if (b > from) out.push(s.slice(from, b));
    // drop one character: from the last piece, or the last piece if it is one character long
    const last = out.length - 1;
    if (last >= 0) {
      const piece = out[last];
      if (piece.length > 1) out[last] = piece.slice(0, -1);
      else out.pop();
    }
    from = b + 1;
  }
  if (from < s.length) out.push(s.slice(from));
  return out.join('');
}

/** What a terminal shows of one line's text (no `\n` in it): its last redraw, backspaces applied. */
export function visibleLine(raw: string): string {
  return eraseBackspaces(lastRedraw(raw));
}

/** Splits text that may arrive in pieces into the lines a terminal would show. */
export class TerminalLines {
  private pending = '';
  /** Lines cut because they grew past MAX_PENDING_CHARS without a redraw. */
  cut = 0;

  push(text: string, onLine: (line: string) => void): void {
    let from = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', from)) {
      const raw = this.pending ? this.pending + text.slice(from, nl) : text.slice(from, nl);
      this.pending = '';
      onLine(visibleLine(raw));
      from = nl + 1;
    }
    if (from < text.length) this.pending += text.slice(from);
    if (this.pending.length > MAX_PENDING_CHARS) {
      // A bar redrawn for hours without a newline: keep only what it shows now (the same lines result).
      const redrawNext = this.pending.endsWith('\r'); // the next text replaces what shows
      this.pending = visibleLine(this.pending) + (redrawNext ? '\r' : '');
      if (this.pending.length > MAX_PENDING_CHARS) {
        this.cut++;
        onLine(this.pending);
        this.pending = '';
      }
    }
  }

  /** The text ended: its unfinished last line counts as shown. */
  end(onLine: (line: string) => void): void {
    if (this.pending) onLine(visibleLine(this.pending));
    this.pending = '';
  }

  /** The line not yet ended by `\n`, as it shows now (a live view's last line). */
  get current(): string {
    return visibleLine(this.pending);
  }

  reset(): void {
    this.pending = '';
    this.cut = 0;
  }
}
