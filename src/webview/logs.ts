/**
 * A log pane. Text is only ever set as text (`textContent`, text nodes), never parsed as markup.
 * A `\r` redraw (progress bars) rewrites the current line instead of adding one. The slice keeps
 * the last MAX_LINES lines; virtualised scrolling over the host's full log comes later.
 */
import { stripAnsi } from '../core/parse/ansi';

const MAX_LINES = 5000;

export class LogPane {
  readonly element: HTMLElement;
  private readonly pre: HTMLPreElement;
  /** The line being written: a `\r` replaces its text, a `\n` closes it. */
  private current: Text | undefined;
  /** The next text replaces the current line (a `\r` was seen). */
  private overwrite = false;
  private lines = 0;

  constructor(readonly name: string) {
    this.element = document.createElement('div');
    this.element.className = 'log';
    this.element.setAttribute('role', 'log');
    this.element.setAttribute('aria-label', name);
    this.pre = document.createElement('pre');
    this.element.append(this.pre);
  }

  clear(): void {
    this.pre.textContent = '';
    this.current = undefined;
    this.overwrite = false;
    this.lines = 0;
  }

  append(raw: string): void {
    const follow = this.element.scrollTop + this.element.clientHeight >= this.element.scrollHeight - 4;
    const parts = stripAnsi(raw).split(/(\r\n|\n|\r)/);
    for (const part of parts) {
      if (part === '\n' || part === '\r\n') {
        this.newLine();
      } else if (part === '\r') {
        this.overwrite = true;
      } else if (part) {
        if (!this.current) this.newLine();
        if (this.overwrite) this.current!.data = part;
        else this.current!.data += part;
        this.overwrite = false;
      }
    }
    if (follow) this.element.scrollTop = this.element.scrollHeight;
  }

  get text(): string {
    return this.pre.textContent ?? '';
  }

  private newLine(): void {
    if (this.current) this.current.data += '\n';
    this.current = document.createTextNode('');
    this.pre.append(this.current);
    this.overwrite = false;
    if (++this.lines > MAX_LINES) {
      this.pre.firstChild?.remove();
      this.lines--;
    }
  }
}
