/**
 * A log pane. Text is only ever set as text (text nodes, `textContent`), never parsed as markup:
 * ANSI colours are read by `anser` into tokens, and each token becomes a text node or a span
 * styled through the CSSOM with the terminal colours of the VS Code theme. A `\r` redraw
 * (progress bars) rewrites the current line instead of adding one. The pane keeps the last
 * MAX_LINES lines; virtualised scrolling over the host's full log comes later.
 */
import Anser from 'anser';

const MAX_LINES = 5000;

/** Escape sequences that move the cursor or erase (not colours, which end in `m`), and backspaces: dropped. */
const NOT_COLOUR = /\x1b\[[0-?]*[ -/]*[@-ln-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]|[\b]/g;
const COLOUR = /\x1b\[([0-9;]*)m/g;
/** A sequence that ended a chunk before its last byte: held for the next chunk. */
const INCOMPLETE = /\x1b(?:\[[0-?]*[ -/]*|\][^\x07\x1b]*)?$/;

const NAMED = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'];

/** An anser colour class (`ansi-red`, `ansi-bright-blue`, `ansi-palette-208`) as CSS. */
function colour(name: string | null, truecolor: string | null): string | undefined {
  if (!name) return undefined;
  if (name === 'ansi-truecolor') return truecolor ? `rgb(${truecolor})` : undefined;
  const palette = /^ansi-palette-(\d+)$/.exec(name);
  if (palette) return xterm256(Number(palette[1]));
  const m = /^ansi-(bright-)?(\w+)$/.exec(name);
  if (!m || !NAMED.includes(m[2])) return undefined;
  const theme = `--vscode-terminal-ansi${m[1] ? 'Bright' : ''}${m[2][0].toUpperCase()}${m[2].slice(1)}`;
  return `var(${theme})`;
}

/** xterm's 256 colours: 16 themed ones, a 6×6×6 cube, 24 greys. */
function xterm256(n: number): string | undefined {
  if (n < 16) return colour(`ansi-${n >= 8 ? 'bright-' : ''}${NAMED[n % 8]}`, null);
  if (n < 232) {
    const c = n - 16;
    const level = (v: number) => (v === 0 ? 0 : 55 + v * 40);
    return `rgb(${level(Math.floor(c / 36))}, ${level(Math.floor(c / 6) % 6)}, ${level(c % 6)})`;
  }
  if (n < 256) {
    const g = 8 + (n - 232) * 10;
    return `rgb(${g}, ${g}, ${g})`;
  }
  return undefined;
}

function node(t: Anser.AnserJsonEntry): Node {
  const fg = colour(t.fg, t.fg_truecolor);
  const bg = colour(t.bg, t.bg_truecolor);
  if (!fg && !bg && !t.decorations.length) return document.createTextNode(t.content);
  const span = document.createElement('span');
  span.textContent = t.content;
  if (fg) span.style.color = fg;
  if (bg) span.style.backgroundColor = bg;
  for (const d of t.decorations) span.classList.add(`ansi-${d}`);
  return span;
}

export class LogPane {
  readonly element: HTMLElement;
  private readonly pre: HTMLPreElement;
  /** The line being written: a `\r` replaces its content, a `\n` closes it. */
  private current: HTMLElement | undefined;
  /** The next text replaces the current line (a `\r` was seen). */
  private overwrite = false;
  private lines = 0;
  /** The colour sequences in force (since the last reset): a colour set on one line lasts onto the next. */
  private sgr = '';
  /** An escape sequence cut by the end of the last chunk. */
  private held = '';

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
    this.sgr = '';
    this.held = '';
  }

  append(raw: string): void {
    const follow = this.element.scrollTop + this.element.clientHeight >= this.element.scrollHeight - 4;
    let text = this.held + raw;
    const cut = INCOMPLETE.exec(text);
    this.held = cut && cut[0].length < 256 ? cut[0] : '';
    if (this.held) text = text.slice(0, -this.held.length);
    for (const part of text.replace(NOT_COLOUR, '').split(/(\r\n|\n|\r)/)) {
      if (part === '\n' || part === '\r\n') {
        this.newLine();
      } else if (part === '\r') {
        this.overwrite = true;
      } else if (part) {
        if (!this.current) this.newLine();
        const nodes = Anser.ansiToJson(this.sgr + part, { use_classes: true, remove_empty: true }).map(node);
        if (this.overwrite) this.current!.replaceChildren(...nodes);
        else this.current!.append(...nodes);
        this.overwrite = false;
        this.remember(part);
      }
    }
    if (follow) this.element.scrollTop = this.element.scrollHeight;
  }

  get text(): string {
    return this.pre.textContent ?? '';
  }

  /** Keeps the colour sequences of `part` that are still in force after it. */
  private remember(part: string): void {
    for (const m of part.matchAll(COLOUR)) {
      if (m[1] === '' || m[1] === '0') this.sgr = '';
      else this.sgr += m[0];
    }
    // later sequences override earlier ones: a few are enough to carry the style on
    if (this.sgr.length > 256) this.sgr = (this.sgr.match(COLOUR) ?? []).slice(-4).join('');
  }

  private newLine(): void {
    if (this.current) this.current.append('\n');
    this.current = document.createElement('span');
    this.current.className = 'line';
    this.pre.append(this.current);
    this.overwrite = false;
    if (++this.lines > MAX_LINES) {
      this.pre.firstChild?.remove();
      this.lines--;
    }
  }
}
