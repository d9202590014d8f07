/**
 * Log text to DOM, never through markup: `anser` reads ANSI colours into tokens, and each token
 * becomes a text node or a span styled through the CSSOM with the VS Code theme's terminal
 * colours. Cursor and erase codes are dropped; a sequence cut at a chunk's end is held.
 */
import Anser from 'anser';
import { lastRedraw } from '../core/parse/ansi';

/** Escape sequences that move the cursor or erase (not colours, which end in `m`), and backspaces: dropped. */
export const NOT_COLOUR = /\x1b\[[0-?]*[ -/]*[@-ln-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]|[\b]/g;
export const COLOUR = /\x1b\[([0-9;]*)m/g;
/** A sequence that ended a chunk before its last byte: held for the next chunk. */
export const INCOMPLETE = /\x1b(?:\[[0-?]*[ -/]*|\][^\x07\x1b]*)?$/;

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

/** `text` with each case-insensitive occurrence of `needle` in a `<mark>`. */
function marked(text: string, needle: string): Node[] {
  if (!needle) return [document.createTextNode(text)];
  const out: Node[] = [];
  const lower = text.toLowerCase();
  let at = 0;
  for (let i = lower.indexOf(needle); i >= 0; i = lower.indexOf(needle, i + needle.length)) {
    if (i > at) out.push(document.createTextNode(text.slice(at, i)));
    const mark = document.createElement('mark');
    mark.textContent = text.slice(i, i + needle.length);
    out.push(mark);
    at = i + needle.length;
  }
  if (at < text.length) out.push(document.createTextNode(text.slice(at)));
  return out;
}

/** One line (colour codes in force included) as nodes; `needle` (lower case) is marked where it occurs. */
export function lineNodes(line: string, needle = ''): Node[] {
  if (line.indexOf('\x1b') < 0) return marked(line, needle);
  return Anser.ansiToJson(line, { use_classes: true, remove_empty: true }).flatMap((t) => {
    const fg = colour(t.fg, t.fg_truecolor);
    const bg = colour(t.bg, t.bg_truecolor);
    if (!fg && !bg && !t.decorations.length) return marked(t.content, needle);
    const span = document.createElement('span');
    span.append(...marked(t.content, needle));
    if (fg) span.style.color = fg;
    if (bg) span.style.backgroundColor = bg;
    for (const d of t.decorations) span.classList.add(`ansi-${d}`);
    return [span];
  });
}

/** The colour sequences still in force after `part`, given those in force before it. */
export function sgrAfter(sgr: string, part: string): string {
  for (const m of part.matchAll(COLOUR)) {
    if (m[1] === '' || m[1] === '0') sgr = '';
    else sgr += m[0];
  }
  // later sequences override earlier ones: a few are enough to carry the style on
  return sgr.length > 256 ? (sgr.match(COLOUR) ?? []).slice(-4).join('') : sgr;
}

/** A line read back from a file, as a pane shows it: no cursor codes, and of `\r` redraws the last. */
export function settled(raw: string): string {
  return lastRedraw(raw.replace(NOT_COLOUR, ''));
}
