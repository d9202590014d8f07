/**
 * A log pane that stays fast at a million lines. It holds the last TAIL_MAX lines as strings and
 * renders only the rows in view (a spacer gives the scrollbar the whole log's height); rows above
 * what it holds are read back by the host from the log files, a block at a time, and a few blocks
 * are kept. A `\r` redraw (progress bars) rewrites the current line instead of adding one. Text is
 * only ever set as text (see ansi.ts). Find searches the whole log through the host; Follow keeps
 * the newest line in view; Copy takes the selection, or the lines in view.
 */
import { RequestError } from '../core/protocol/request';
import { COLOUR, INCOMPLETE, lineNodes, NOT_COLOUR, settled, sgrAfter } from './logNodes';
import { revealSideways } from './reveal';

const TAIL_MAX = 5000;
/** Lines read back per request, and how many such blocks are kept. */
const BLOCK = 200;
const BLOCKS_KEPT = 20;
/** Rows rendered above and below the view, so a small scroll shows no gap. */
const OVERSCAN = 20;
/** A line is shown up to this length (the rest is summarised). */
const MAX_LINE_CHARS = 4096;
/** Browsers cap an element's height (Chrome at ~33M px): beyond this the rows are spaced out in scroll terms. */
const MAX_SCROLL_PX = 15_000_000;

/** What a pane asks of the host; a pane without `lines` (Events) keeps only what it holds. */
export interface LogHost {
  copy(text: string): void;
  /** Lines [from, from + count) of the whole log (fewer past its end). */
  lines?(from: number, count: number): Promise<string[]>;
  /** The numbers of the lines of the whole log that contain `query`; `complete` is false when there were more. */
  search?(query: string): Promise<{ lines: number[]; complete: boolean }>;
  /** The user changed the Find text (kept with the run shown). */
  findChanged?(text: string): void;
}

export class LogPane {
  readonly element: HTMLElement;
  private readonly viewport: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly pre: HTMLPreElement;
  private readonly find: HTMLInputElement;
  private readonly count: HTMLElement;
  private readonly followButton: HTMLButtonElement;
  /** The stream's number of `tail[0]`. */
  private first = 0;
  /** The newest lines, each with the colour codes in force at its start. */
  private tail: string[] = [];
  /** The last line has no `\n` yet. */
  private open = false;
  /** The next text replaces the current line (a `\r` was seen). */
  private overwrite = false;
  /** Colour codes in force now, and at the start of the current line. */
  private sgr = '';
  private lineSgr = '';
  /** An escape sequence cut by the end of the last chunk. */
  private held = '';
  /** Older lines read back from the host, by block. */
  private blocks = new Map<number, string[]>();
  /** Blocks being read back now (each asked once). */
  private loading = new Set<number>();
  /** Counts `clear`s: an answer to a question asked before the last one is of other text, and dropped. */
  private epoch = 0;
  /** Counts searches: only the latest one's answer is shown. */
  private searches = 0;
  private follow = true;
  /** Matching line numbers of the last search, the one shown, and its text in lower case. */
  private matches: number[] = [];
  private current = -1;
  private needle = '';
  private frame = 0;
  private lineHeight = 0;
  /** A scroll this pane made itself (not the user's). */
  private scrolling = false;
  /** The match shown is to be scrolled into view sideways once its row is rendered. */
  private reveal = false;
  private readonly wrapButton: HTMLButtonElement;

  constructor(
    readonly name: string,
    private readonly host: LogHost,
  ) {
    this.element = document.createElement('div');
    this.element.className = 'log-pane';
    const tools = document.createElement('div');
    tools.className = 'log-tools';
    this.find = document.createElement('input');
    this.find.type = 'search';
    this.find.className = 'log-find';
    this.find.placeholder = `Find in ${name}`;
    this.find.setAttribute('aria-label', `Find in ${name}`);
    this.count = document.createElement('span');
    this.count.className = 'log-count';
    const prev = this.button('↑', 'Previous match (Shift+Enter)', () => this.step(-1));
    const next = this.button('↓', 'Next match (Enter)', () => this.step(1));
    this.followButton = this.button('Follow', 'Keep the newest line in view', () => this.setFollow(!this.follow));
    this.followButton.classList.add('log-follow');
    const copy = this.button('Copy', 'Copy the selected text, or the lines in view', () => this.copy());
    copy.classList.add('log-copy');
    this.wrapButton = this.button('Wrap', 'Wrap long lines instead of scrolling sideways', () => this.setWrap(!this.viewport.classList.contains('wrap')));
    this.wrapButton.classList.add('log-wrap');
    this.wrapButton.setAttribute('aria-pressed', 'false');
    tools.append(this.find, this.count, prev, next, this.followButton, this.wrapButton, copy);

    this.viewport = document.createElement('div');
    this.viewport.className = 'log';
    this.viewport.tabIndex = 0;
    this.viewport.setAttribute('role', 'log');
    this.viewport.setAttribute('aria-label', name);
    this.spacer = document.createElement('div');
    this.spacer.className = 'log-spacer';
    this.pre = document.createElement('pre');
    this.spacer.append(this.pre);
    this.viewport.append(this.spacer);
    this.element.append(tools, this.viewport);

    let typing: ReturnType<typeof setTimeout> | undefined;
    this.find.addEventListener('input', () => {
      this.host.findChanged?.(this.find.value);
      clearTimeout(typing);
      typing = setTimeout(() => this.search(this.find.value), 250);
    });
    this.find.addEventListener('keydown', (e) => {
      if (e.key !== 'Enter') return;
      clearTimeout(typing);
      if (this.find.value.toLowerCase() !== this.needle) this.search(this.find.value);
      else this.step(e.shiftKey ? -1 : 1);
    });
    this.element.addEventListener('keydown', (e) => {
      if ((e.ctrlKey || e.metaKey) && e.key === 'f') {
        e.preventDefault();
        this.find.focus();
      }
    });
    this.viewport.addEventListener('scroll', () => {
      if (this.scrolling) this.scrolling = false;
      else if (this.viewport.clientHeight) this.setFollow(this.atBottom(), false);
      this.schedule();
    });
    new ResizeObserver(() => this.schedule()).observe(this.viewport);
    this.setFollow(true, false);
  }

  /** The Find text (another run's, restored): searched again. */
  setFind(text: string): void {
    if (text === this.find.value) return;
    this.find.value = text;
    this.search(text);
  }

  /** Long lines wrap (on) or scroll sideways. */
  setWrap(on: boolean): void {
    this.viewport.classList.toggle('wrap', on);
    this.wrapButton.setAttribute('aria-pressed', String(on));
    this.wrapButton.classList.toggle('on', on);
    this.schedule();
  }

  /** Forgets everything; the next text is line `line` of the stream. */
  clear(line = 0): void {
    this.epoch++;
    this.searches++;
    this.first = line;
    this.tail = [];
    this.open = this.overwrite = false;
    this.sgr = this.lineSgr = this.held = '';
    this.blocks.clear();
    this.loading.clear();
    this.matches = [];
    this.current = -1;
    this.count.textContent = '';
    this.schedule();
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
        else if (this.tail[last].length < MAX_LINE_CHARS * 2) this.tail[last] += part;
        this.overwrite = false;
        this.sgr = sgrAfter(this.sgr, part);
      }
    }
    if (this.tail.length > TAIL_MAX) {
      const drop = this.tail.length - TAIL_MAX;
      this.tail.splice(0, drop);
      this.first += drop;
    }
    this.schedule();
  }

  /** Asks the host for block `b`: kept once it comes; an error shows in its rows; no answer (a timeout) asks again. */
  private ask(b: number): void {
    this.loading.add(b);
    const epoch = this.epoch;
    this.host.lines!(b * BLOCK, BLOCK).then(
      (lines) => epoch === this.epoch && this.keep(b, lines.map(settled)),
      (err: unknown) => {
        if (epoch !== this.epoch) return;
        if (err instanceof RequestError && err.failure === 'error') this.keep(b, Array<string>(BLOCK).fill(`(could not read this line back: ${err.message})`));
        else {
          this.loading.delete(b);
          this.schedule(); // rendering asks again
        }
      },
    );
  }

  private keep(b: number, lines: string[]): void {
    this.loading.delete(b);
    this.blocks.set(b, lines);
    for (const k of this.blocks.keys()) if (this.blocks.size > BLOCKS_KEPT) this.blocks.delete(k);
    this.schedule();
  }

  /** The matches of a search. */
  private found(lines: number[], complete: boolean): void {
    this.count.title = '';
    this.matches = lines;
    this.count.dataset.complete = String(complete);
    // following, the newest match is the one wanted; else the first from the top of the view on
    const top = this.topLine();
    const after = lines.findIndex((l) => l >= top);
    this.current = lines.length === 0 ? -1 : this.follow || after < 0 ? lines.length - 1 : after;
    this.showMatch();
  }

  private button(label: string, title: string, onClick: () => void): HTMLButtonElement {
    const b = document.createElement('button');
    b.textContent = label;
    b.title = title;
    b.addEventListener('click', onClick);
    return b;
  }

  /** Lines the pane can show: all of the stream's with a host to read them back, else the held ones. */
  private get top(): number {
    return this.host.lines ? 0 : this.first;
  }

  private get total(): number {
    return this.first + this.tail.length;
  }

  private search(query: string): void {
    const search = ++this.searches;
    this.needle = query.toLowerCase();
    if (!query) {
      this.matches = [];
      this.current = -1;
      this.count.textContent = '';
      this.schedule();
      return;
    }
    this.count.textContent = '…';
    if (this.host.search) {
      this.host.search(query).then(
        (r) => search === this.searches && this.found(r.lines, r.complete),
        (err: unknown) => {
          if (search !== this.searches) return;
          // the search ends either way: Find does not show "…" for ever
          this.matches = [];
          this.current = -1;
          this.count.textContent = 'Search failed';
          this.count.title = err instanceof Error ? err.message : String(err);
          this.schedule();
        },
      );
      return;
    }
    const lines: number[] = [];
    this.tail.forEach((l, i) => settled(l.replace(COLOUR, '')).toLowerCase().includes(this.needle) && lines.push(this.first + i));
    this.found(lines, true);
  }

  private step(by: number): void {
    if (!this.matches.length) return;
    this.current = (this.current + by + this.matches.length) % this.matches.length;
    this.showMatch();
  }

  private showMatch(): void {
    const n = this.matches.length;
    const more = this.count.dataset.complete === 'false' ? '+' : '';
    this.count.textContent = n ? `${this.current + 1} of ${n}${more}` : 'No results';
    if (n) {
      this.setFollow(false);
      const scale = this.scale();
      this.scrollTo((this.matches[this.current] - this.top) * this.rowHeight() * scale - this.viewport.clientHeight / 3);
      this.reveal = true;
    }
    this.schedule();
  }

  private setFollow(on: boolean, scroll = true): void {
    this.follow = on;
    this.followButton.setAttribute('aria-pressed', String(on));
    this.followButton.classList.toggle('on', on);
    if (on && scroll) this.schedule();
  }

  private copy(): void {
    const selection = document.getSelection();
    const inPane = selection && !selection.isCollapsed && this.viewport.contains(selection.anchorNode);
    const text = inPane ? selection.toString() : this.visibleText();
    if (text) this.host.copy(text);
  }

  /** The lines in view, as shown (no colour codes). */
  private visibleText(): string {
    const rows = Array.from(this.pre.children) as HTMLElement[];
    const box = this.viewport.getBoundingClientRect();
    return rows
      .filter((r) => {
        const b = r.getBoundingClientRect();
        return b.bottom > box.top && b.top < box.bottom;
      })
      .map((r) => r.textContent ?? '')
      .join('');
  }

  private atBottom(): boolean {
    const v = this.viewport;
    return v.scrollTop + v.clientHeight >= v.scrollHeight - this.rowHeight();
  }

  private rowHeight(): number {
    if (!this.lineHeight) this.lineHeight = parseFloat(getComputedStyle(this.pre).lineHeight) || 18;
    return this.lineHeight;
  }

  /** Scroll pixels per row pixel: below 1 only for logs taller than MAX_SCROLL_PX. */
  private scale(): number {
    return Math.min(1, MAX_SCROLL_PX / Math.max(1, (this.total - this.top) * this.rowHeight()));
  }

  private topLine(): number {
    return this.top + Math.floor(this.viewport.scrollTop / (this.rowHeight() * this.scale()));
  }

  private scrollTo(px: number): void {
    this.scrolling = true;
    this.viewport.scrollTop = Math.max(0, px);
  }

  private schedule(): void {
    if (!this.frame) this.frame = requestAnimationFrame(() => this.render());
  }

  private render(): void {
    this.frame = 0;
    const rows = this.total - this.top;
    const h = this.rowHeight();
    const scale = this.scale();
    this.spacer.style.height = `${rows * h * scale}px`;
    const v = this.viewport;
    if (!v.clientHeight) return; // a hidden tab: rendered when it shows (the ResizeObserver)
    if (this.follow && v.scrollTop + v.clientHeight < v.scrollHeight) this.scrollTo(v.scrollHeight);
    const start = Math.max(0, Math.floor(v.scrollTop / (h * scale)) - OVERSCAN);
    const end = Math.min(rows, Math.ceil((v.scrollTop + v.clientHeight) / (h * scale)) + OVERSCAN);
    // rows sit at their place in the scrolled space: with scale < 1, the first one in view is placed exactly
    this.pre.style.transform = `translateY(${Math.round(v.scrollTop - (v.scrollTop / (h * scale) - start) * h)}px)`;
    const shown = this.matches[this.current];
    const nodes: HTMLElement[] = [];
    for (let k = start; k < end; k++) {
      const n = this.top + k;
      const row = document.createElement('span');
      row.className = n === shown ? 'line current-match' : 'line';
      const text = this.line(n);
      if (text === undefined) {
        row.classList.add('loading');
        row.textContent = '…';
      } else {
        row.append(...lineNodes(text.length > MAX_LINE_CHARS ? text.slice(0, MAX_LINE_CHARS) + ' …' : text, this.needle));
      }
      if (n < this.total - 1 || !this.open) row.append('\n');
      nodes.push(row);
    }
    this.pre.replaceChildren(...nodes);
    // a match far along a long line: scrolled to sideways too, once its row holds its text
    const mark = this.reveal ? this.pre.querySelector<HTMLElement>('.current-match mark') : null;
    if (mark) {
      this.reveal = false;
      revealSideways(v, mark);
    }
  }

  /** Line `n` of the stream, or undefined while the host reads it back. */
  private line(n: number): string | undefined {
    if (n >= this.first) return this.tail[n - this.first];
    const b = Math.floor(n / BLOCK);
    const block = this.blocks.get(b);
    if (block) return block[n - b * BLOCK] ?? '';
    if (!this.loading.has(b) && this.host.lines) this.ask(b);
    return undefined;
  }
}
