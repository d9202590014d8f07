/**
 * A log's newest lines as a terminal leaves them: a `\r` redraw (progress bars) rewrites the
 * current line instead of adding one; each line keeps the colour codes in force at its start, so
 * it renders alone (see logNodes.ts); an escape sequence cut by a chunk's end waits for the rest.
 * Bounded: the last `keep` lines, each up to `lineChars` characters.
 */
import { INCOMPLETE, NOT_COLOUR, sgrAfter } from './logNodes';

export class PaneText {
  /** The stream's number of `tail[0]`. */
  first = 0;
  /** The newest lines, each with the colour codes in force at its start. */
  tail: string[] = [];
  /** The last line has no `\n` yet. */
  open = false;
  /** The next text replaces the current line (a `\r` was seen). */
  private overwrite = false;
  /** Colour codes in force now, and at the start of the current line. */
  private sgr = '';
  private lineSgr = '';
  /** An escape sequence cut by the end of the last chunk. */
  private held = '';

  constructor(
    private readonly keep: number,
    private readonly lineChars: number,
  ) {}

  get total(): number {
    return this.first + this.tail.length;
  }

  /** Forgets everything; the next text is line `line` of the stream. */
  clear(line = 0): void {
    this.first = line;
    this.tail = [];
    this.open = this.overwrite = false;
    this.sgr = this.lineSgr = this.held = '';
  }

  append(raw: string): void {
    let text = this.held + raw;
    const cut = INCOMPLETE.exec(text);
    this.held = cut && cut[0].length < 256 ? cut[0] : '';
    if (this.held) text = text.slice(0, -this.held.length);
    for (const part of text.replace(NOT_COLOUR, '').split(/(\r\n|\n|\r)/)) {
      if (part === '\n' || part === '\r\n') {
        if (!this.open) this.tail.push(this.sgr);
        this.open = this.overwrite = false;
      } else if (part === '\r') {
        this.overwrite = true;
      } else if (part) {
        if (!this.open) {
          this.lineSgr = this.sgr;
          this.tail.push(this.sgr);
          this.open = true;
        }
        const last = this.tail.length - 1;
        if (this.overwrite) this.tail[last] = this.lineSgr + part;
        else if (this.tail[last].length < this.lineChars) this.tail[last] += part;
        this.overwrite = false;
        this.sgr = sgrAfter(this.sgr, part);
      }
    }
    if (this.tail.length > this.keep) {
      const drop = this.tail.length - this.keep;
      this.tail.splice(0, drop);
      this.first += drop;
    }
  }
}
