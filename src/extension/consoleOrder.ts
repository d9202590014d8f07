/**
 * The Console tab's order across reloads. Live, the Console shows stdout and stderr in the order
 * their text arrived; the run folder keeps them in two files, so a snapshot (a webview reload) or
 * a new window (the files read again) would show all stdout, then all stderr. This keeps that
 * order as runs of lines (`o 12` then `e 3`: 12 stdout lines, then 3 stderr lines) in memory and
 * in the run folder's `console-order`, and rebuilds the Console's recent text from each stream's
 * recent text. Bounded: only the last MAX_LINES lines' runs are held; the file grows by one short
 * record each time the output switches stream. Free of `vscode`: tested in Node with real processes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONSOLE_STREAM, type Batch, type LogDelta } from '../core/protocol/batch';

export const CONSOLE_ORDER_FILE = 'console-order';
/** Lines whose order is held (the Console pane holds 5000). */
const MAX_LINES = 20_000;
const MAX_FILE_BYTES = 16 << 20;

type Stream = 'stdout' | 'stderr';
const CODE: Record<Stream, string> = { stdout: 'o', stderr: 'e' };

const newlines = (text: string) => {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
};

export class ConsoleOrder {
  /** Runs of lines, oldest first; the last one may still grow. */
  private runs: Array<{ stream: Stream; lines: number }> = [];
  private held = 0;
  /** Lines of each stream counted so far, and those the file already held when this began (read again after a reload). */
  private readonly counted = { stdout: 0, stderr: 0 };
  private readonly recorded = { stdout: 0, stderr: 0 };
  /** The stream of the newest text; the lines the file lacks yet (of one stream). */
  private last: Stream | undefined;
  private unwritten = { stream: 'stdout' as Stream, lines: 0 };

  /**
   * `runDir`: where the order is read back from (none: in memory only); `write`: and kept, for a
   * run this window launched or took over (not a past run opened, whose folder is only read).
   */
  constructor(
    private readonly runDir?: string,
    private readonly write = true,
  ) {
    if (!runDir) return;
    let text: string;
    try {
      const file = path.join(runDir, CONSOLE_ORDER_FILE);
      // bounded: a record per switch of stream; a file beyond reason is not ours to trust
      if (fs.statSync(file).size > MAX_FILE_BYTES) return;
      text = fs.readFileSync(file, 'utf8');
    } catch {
      return; // a new run
    }
    for (const record of text.split('\n')) {
      const m = /^([oe]) (\d{1,12})$/.exec(record);
      if (!m) continue; // a record cut by a crash: its lines come again as new ones
      const stream: Stream = m[1] === 'o' ? 'stdout' : 'stderr';
      this.recorded[stream] += Number(m[2]);
      this.push(stream, Number(m[2]));
    }
  }

  /** Takes the order of a batch's stdout and stderr text, as the Console shows it live. */
  note(batch: Batch): void {
    for (const d of batch.logs) {
      if (d.stream !== 'stdout' && d.stream !== 'stderr') continue;
      const stream = d.stream;
      const total = (d.line ?? this.counted[stream]) + newlines(d.text);
      // lines the file held already come again when the files are read again: counted once
      const fresh = total - Math.max(this.counted[stream], this.recorded[stream]);
      this.counted[stream] = Math.max(total, this.counted[stream]);
      if (fresh > 0) {
        if (this.unwritten.stream !== stream) this.flush();
        this.push(stream, fresh);
        this.unwritten = { stream, lines: this.unwritten.lines + fresh };
      }
      if (d.text) this.last = stream;
    }
  }

  /**
   * The Console's recent text for a snapshot, from its stdout and stderr deltas (each the
   * stream's recent text, up to its newest line): their lines in the order they came, back as
   * far as they hold them; each stream's unfinished line last, the newest stream's at the end.
   */
  rebuild(logs: LogDelta[]): LogDelta | undefined {
    const text = { stdout: '', stderr: '' };
    for (const d of logs) {
      if (d.stream === 'stdout' || d.stream === 'stderr') {
        text[d.stream] = d.text;
      }
    }
    if (!text.stdout && !text.stderr) return undefined;
    const lines = { stdout: splitLines(text.stdout), stderr: splitLines(text.stderr) };
    // each stream's lines from the end back; `end`: one past the next line to take
    const end = { stdout: lines.stdout.complete.length, stderr: lines.stderr.complete.length };
    const parts: string[] = [];
    for (let i = this.runs.length - 1; i >= 0; i--) {
      const { stream, lines: n } = this.runs[i];
      const from = Math.max(0, end[stream] - n);
      parts.push(lines[stream].complete.slice(from, end[stream]).join(''));
      end[stream] = from;
      if (from === 0 && end[stream === 'stdout' ? 'stderr' : 'stdout'] === 0) break;
    }
    // lines the order does not cover (a stream held more than its runs say): oldest, first
    const rest = (['stdout', 'stderr'] as const).map((s) => lines[s].complete.slice(0, end[s]).join(''));
    const open = this.last === 'stdout' ? [lines.stderr.open, lines.stdout.open] : [lines.stdout.open, lines.stderr.open];
    return { stream: CONSOLE_STREAM, text: [...rest, ...parts.reverse(), ...open].join(''), line: 0 };
  }

  /** Writes the finished run (the output switched stream) to the file. */
  private flush(): void {
    const { stream, lines } = this.unwritten;
    this.unwritten.lines = 0;
    if (!lines || !this.runDir || !this.write) return;
    try {
      fs.appendFileSync(path.join(this.runDir, CONSOLE_ORDER_FILE), `${CODE[stream]} ${lines}\n`);
    } catch {
      // a folder gone or read-only: the order is kept in memory for this window
    }
  }

  private push(stream: Stream, lines: number): void {
    const tail = this.runs[this.runs.length - 1];
    if (tail?.stream === stream) tail.lines += lines;
    else this.runs.push({ stream, lines });
    this.held += lines;
    while (this.held - this.runs[0].lines >= MAX_LINES) this.held -= this.runs.shift()!.lines;
  }
}

/** A text's complete lines (each with its `\n`) and its unfinished last line. */
function splitLines(text: string): { complete: string[]; open: string } {
  const complete: string[] = [];
  let at = 0;
  for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', at)) {
    complete.push(text.slice(at, nl + 1));
    at = nl + 1;
  }
  return { complete, open: text.slice(at) };
}
