/**
 * A running notebook cell's output, read as it grows: VS Code's `onDidChangeNotebookDocument`
 * hands over the cell's *whole* output on every change, stdout/stderr merged into one item per
 * stream (`compressOutputItemStreams`, which also applies `\r`/`\b` to the text, so text already
 * seen can shrink). Each output is read by position, only its new bytes decoded: linear in what the
 * cell prints, never quadratic. What comes out is text for the run folder's `stdout.log` (lines
 * as a terminal shows them, the open line's redraws as `\r` frames) and JSON Lines rows for HTML
 * progress tables, so the ordinary workers parse them.
 */
import { emitTrainingTable, htmlTables } from './parse/htmlTable';
import { PrintedParser } from './parse/printed';
import { eraseBackspaces, visibleLine } from './parse/terminal';

/** Bytes before the read position kept to find it again after VS Code rewrote the text before it. */
const FINGERPRINT = 64;
/** An open line's redraw longer than this is no progress bar: it shows once its line ends. */
const MAX_REDRAW = 1 << 16;

const NL = 10;
const CR = 13;
const decoder = new TextDecoder();

/** Whether `data` holds `fp` at `at`. */
function holdsAt(data: Uint8Array, fp: Uint8Array, at: number): boolean {
  if (at < 0 || at + fp.length > data.length) return false;
  for (let i = 0; i < fp.length; i++) if (data[at + i] !== fp[i]) return false;
  return true;
}

/** The last place at or before `from` where `data` holds `fp`, or -1. */
function lastIndexOf(data: Uint8Array, fp: Uint8Array, from: number): number {
  for (let at = Math.min(from, data.length - fp.length); at >= 0; at--) if (holdsAt(data, fp, at)) return at;
  return -1;
}

/**
 * A line as VS Code's `fixCarriageReturn` leaves it (notebookCommon.ts, after `fixBackspace`): each
 * `\r` redraw overwrites the start of what was there and keeps the rest. The log shows the last
 * redraw alone (terminal.ts); this form only finds lines again in text VS Code rewrote.
 */
function overwritten(raw: string): string {
  const parts = eraseBackspaces(raw).split('\r');
  let line = parts[0];
  for (let i = 1; i < parts.length; i++) if (parts[i]) line = parts[i] + line.slice(parts[i].length);
  return line;
}

const encoder = new TextEncoder();
const keepTail = (tail: string) => (tail.length > FINGERPRINT ? tail.slice(tail.length - FINGERPRINT) : tail);

/** What a cursor hands over for the log: text it made, or bytes of the output to write as they are. */
export type LogPiece = string | Uint8Array;

/** Updates a resumed cursor waits for an output behind its log to catch up (a stale saved notebook). */
const BEHIND_UPDATES = 50;
/** Bytes of the last lines read decoded for the fingerprint (a longer line is cut: only its end counts). */
const TAIL_BYTES = 256;

/**
 * One stream output (stdout or stderr) of a running cell. `update` takes the output's whole bytes
 * as they are now and returns what to append to the log: the open line's latest redraw as a `\r`
 * frame (a Keras bar, a tqdm meter: every redraw seen is a point), and whole lines as the output's
 * own bytes, which the workers read as they read a terminal's (`\r` frames; `\b` dropped). The
 * host thread only finds the last newline and copies: it never splits or decodes those lines.
 */
export class StreamCursor {
  /** Bytes of whole lines read. */
  private offset = 0;
  /** The bytes just before `offset`, as read: unchanged text before the read position has them there. */
  private fp = new Uint8Array(0);
  /** The last lines read as VS Code rewrites them, and as the log shows them: where reading resumes after a rewrite. */
  private tailVs = '';
  private tailShown = '';
  /** What the log shows of the open line ('' when it shows none). */
  private shown = '';
  /** Times the text before the read position was rewritten (found again by its last lines). */
  rewrites = 0;
  /** Times the output was replaced by other text (read again from its start). */
  restarts = 0;
  /** Set by `resume`: the next update finds the log's last lines in the output before reading on. */
  private resuming = false;
  /** Updates seen while the output was behind the resumed log. */
  private waited = 0;

  /**
   * Takes up a log an earlier window wrote (a window reload): `logEnd` is its last bytes, `whole`
   * when that is all of it. The next update finds its last lines again in the output, searching
   * from the end, and reads on after them: nothing the log holds is written twice.
   */
  resume(logEnd: string, whole: boolean): void {
    const lastNl = logEnd.lastIndexOf('\n');
    const open = logEnd.slice(lastNl + 1);
    this.shown = open ? visibleLine(open) : '';
    let lines = logEnd.slice(0, lastNl + 1);
    if (!whole) lines = lines.slice(lines.indexOf('\n') + 1); // its first line may be cut
    this.tailVs = this.tailShown = '';
    for (const raw of lines.split('\n').slice(0, -1)) this.keepLine(raw);
    this.resuming = true;
  }

  update(data: Uint8Array): LogPiece[] {
    const out: LogPiece[] = [];
    if (this.resuming && !this.findResumed(data)) return out;
    if (this.resuming) this.resuming = false;
    else if (!holdsAt(data, this.fp, this.offset - this.fp.length)) {
      const end = this.relocate(data);
      if (end) out.push(end);
    }
    const lastNl = data.lastIndexOf(NL);
    if (lastNl >= this.offset) {
      let from = this.offset;
      if (this.shown) {
        // the line the log shows a redraw of ends: its last redraw, unless the log shows it already
        const firstNl = data.indexOf(NL, from);
        const line = visibleLine(decoder.decode(data.subarray(from, firstNl)));
        out.push(line === this.shown ? '\n' : `\r${line}\n`);
        this.shown = '';
        from = firstNl + 1;
      }
      if (lastNl >= from) out.push(data.subarray(from, lastNl + 1));
      this.remember(data, lastNl);
      this.offset = lastNl + 1;
      this.fp = data.slice(Math.max(0, this.offset - FINGERPRINT), this.offset);
    }
    const redraw = this.openRedraw(data);
    if (redraw && redraw !== this.shown) {
      out.push((this.shown ? '\r' : '') + redraw);
      this.shown = redraw;
    }
    return out;
  }

  /** Keeps the end of the lines up to `lastNl` as VS Code would rewrite them and as the log shows them. */
  private remember(data: Uint8Array, lastNl: number): void {
    let start = Math.max(this.offset, lastNl - TAIL_BYTES);
    while (start < lastNl && (data[start] & 0xc0) === 0x80) start++; // not inside a character
    for (const raw of decoder.decode(data.subarray(start, lastNl)).split('\n')) this.keepLine(raw);
  }

  private keepLine(raw: string): void {
    const rewritten = raw.includes('\r') || raw.includes('\b');
    this.tailVs = keepTail(this.tailVs + (rewritten ? overwritten(raw) : raw) + '\n');
    this.tailShown = keepTail(this.tailShown + (rewritten ? visibleLine(raw) : raw) + '\n');
  }

  /**
   * Where a resumed log left off in `data`: after the last place its last lines are. An output that
   * is behind the log (a notebook saved before the log's last lines came, reopened) is waited for:
   * false, nothing read, for up to BEHIND_UPDATES updates. Not found otherwise (the text was
   * rewritten past recognition), reading starts at the open line: what was printed since may be
   * missed, but nothing is logged twice.
   */
  private findResumed(data: Uint8Array): boolean {
    let at = this.tailVs || this.tailShown ? -1 : 0;
    for (const tail of [this.tailVs, this.tailShown]) {
      if (!tail || at >= 0) continue;
      const fp = encoder.encode(tail);
      const found = lastIndexOf(data, fp, data.length - fp.length);
      if (found >= 0) at = found + fp.length;
    }
    if (at < 0 && this.behind(data) && ++this.waited <= BEHIND_UPDATES) return false;
    if (at < 0) {
      at = data.lastIndexOf(NL) + 1;
      this.restarts++;
    }
    this.offset = at;
    this.fp = data.slice(Math.max(0, at - FINGERPRINT), at);
    return true;
  }

  /** Whether `data` ends with lines the log holds (or holds no whole line): it has not caught up with the log. */
  private behind(data: Uint8Array): boolean {
    const lastNl = data.lastIndexOf(NL);
    if (lastNl < 0) return true;
    const prevNl = data.lastIndexOf(NL, lastNl - 1);
    const line = decoder.decode(data.subarray(prevNl + 1, lastNl + 1));
    return [this.tailVs, this.tailShown].some((tail) => tail.startsWith(line) || tail.includes('\n' + line));
  }

  /** The output will not grow again: its open line ends in the log. */
  end(): string {
    return this.endLine();
  }

  /**
   * The text before the read position changed: VS Code applied `\r`/`\b` to lines already read
   * (shorter now: found again by the last lines read, searched backwards from where they were), or
   * the output was replaced by other text (read from its start). Returns the log's line end, if any.
   */
  private relocate(data: Uint8Array): string {
    let at = -1;
    for (const tail of [this.tailVs, this.tailShown]) {
      if (!tail || at >= 0) continue;
      const fp = encoder.encode(tail);
      const found = lastIndexOf(data, fp, Math.min(this.offset, data.length) - fp.length);
      if (found >= 0) at = found + fp.length;
    }
    let out = '';
    if (at >= 0) {
      this.offset = at;
      this.rewrites++;
    } else {
      this.offset = 0;
      this.tailVs = this.tailShown = '';
      this.restarts++;
      out = this.endLine();
    }
    this.fp = data.slice(Math.max(0, this.offset - FINGERPRINT), this.offset);
    return out;
  }

  private endLine(): string {
    const had = this.shown !== '';
    this.shown = '';
    return had ? '\n' : '';
  }

  /** What the open line (after the last newline) shows now: its last non-empty redraw, backspaces applied. */
  private openRedraw(data: Uint8Array): string {
    let end = data.length;
    while (end > this.offset && data[end - 1] === CR) end--;
    let start = end;
    while (start > this.offset && data[start - 1] !== CR) {
      if (end - start > MAX_REDRAW) return '';
      start--;
    }
    return start === end ? '' : eraseBackspaces(decoder.decode(data.subarray(start, end)));
  }
}

/**
 * One HTML output of a running cell (updated in place through `update_display_data`): each update
 * holds the whole table, so rows are compared with what was written and only new or changed ones
 * come out, as JSON Lines records (`{"step": 10, "Training Loss": 0.69, …}`) the JSON Lines
 * reader positions by `step` or `epoch`.
 */
export class TableCursor {
  /** Each row written, by its x: the record's text (rows of a progress table stay few). */
  private readonly written = new Map<string, string>();
  /** Whether any table of this output was a training table. */
  training = false;

  /** Takes up the rows an earlier window wrote (`table.jsonl`'s text): they are not written again. */
  resume(jsonl: string): void {
    for (const line of jsonl.split('\n')) {
      let row: unknown;
      try {
        row = JSON.parse(line);
      } catch {
        continue; // a line cut by the reload, or none
      }
      if (typeof row !== 'object' || row === null) continue;
      const xKind = Object.keys(row)[0];
      if (xKind) this.written.set(`${xKind}:${(row as Record<string, unknown>)[xKind]}`, line);
    }
  }

  update(html: string): string {
    if (!html.includes('<table') && !html.includes('<TABLE')) return '';
    const rows = new Map<string, Record<string, number | string>>();
    for (const table of htmlTables(html)) {
      emitTrainingTable(table, (name, xKind, x, y) => {
        const key = `${xKind}:${x}`;
        let row = rows.get(key);
        if (!row) rows.set(key, (row = { [xKind]: x }));
        // JSON has no NaN or infinities: the JSON Lines reader takes them as these strings
        row[name] = Number.isFinite(y) ? y : Number.isNaN(y) ? 'NaN' : y > 0 ? 'Infinity' : '-Infinity';
      });
    }
    let out = '';
    for (const [key, row] of rows) {
      this.training = true;
      const text = JSON.stringify(row);
      if (this.written.get(key) === text) continue;
      this.written.set(key, text);
      out += text + '\n';
    }
    return out;
  }
}

/** Text a cell may print before its training output shows; beyond it the cell is taken for no training. */
export const PROBE_LIMIT = 1 << 20;

/**
 * Whether a cell's output holds training curves, from the text about to be logged: the
 * printed-output reader sees a point. Reads at most PROBE_LIMIT characters, then gives up.
 */
export class TrainingProbe {
  private readonly parser = new PrintedParser();
  private read = 0;
  found = false;

  /** Feeds logged text (frames split by `\r` and `\n`); true once a point was seen. */
  saw(piece: LogPiece): boolean {
    if (this.found || this.exhausted) return this.found;
    const text = typeof piece === 'string' ? piece : decoder.decode(piece);
    this.read += text.length;
    let from = 0;
    for (let i = 0; i <= text.length && !this.found; i++) {
      const c = text.charCodeAt(i);
      if (i === text.length || c === NL || c === CR) {
        if (i > from) this.parser.read(text.slice(from, i), () => (this.found = true));
        from = i + 1;
      }
    }
    return this.found;
  }

  get exhausted(): boolean {
    return this.read > PROBE_LIMIT;
  }
}

/**
 * Whether a widget output may be a progress bar: its plain-text stand-in says so (ipywidgets ≥ 7
 * `IntProgress(value=3, max=10)`, tqdm's `3/10 [00:01<…, 2.9it/s]`), or it has none (ipywidgets 6
 * sends only the model id), as the saved-notebook reader judges them (notebook.ts `mayBeProgress`).
 */
export function widgetIsProgress(plain: string | undefined): boolean {
  return !plain || plain.includes('Progress') || plain.includes('%|') || plain.includes('it/s');
}

/**
 * The run of one cell execution, named as the saved-notebook reader names series: by its
 * execution count (`In [3]` → `cell3`), else by its place (`cell#5`, the fifth cell).
 */
export function cellRunName(notebookFile: string, executionOrder: number | undefined, index: number): { name: string; folder: string } {
  const base = notebookFile.split(/[\\/]/).pop() ?? notebookFile;
  const cell = executionOrder !== undefined ? `cell${executionOrder}` : `cell#${index + 1}`;
  return { name: `${base} ${cell}`, folder: `${base.replace(/\.ipynb$/i, '')}-${cell}` };
}

/** How a cell's execution ended, in the terms of a run's exit (see control.ts `ExitInfo`). */
export function cellExit(success: boolean | undefined, errorName: string | undefined): { code: number | null; signal: string | null; state?: string } {
  if (success === true) return { code: 0, signal: null };
  if (errorName === 'KeyboardInterrupt') return { code: null, signal: 'SIGINT', state: 'CANCELLED' };
  if (success === false) return { code: null, signal: null, state: errorName || 'error' };
  return { code: null, signal: null };
}
