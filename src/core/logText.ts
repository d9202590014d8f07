/**
 * The log text of a run's output streams on its way to the webviews: what the next batch carries
 * (at most LOG_BATCH_CHARS a stream, from a line start) and what a webview that (re)loads gets
 * (the last LOG_HISTORY_CHARS), with the line numbers both begin at.
 */
import type { LogDelta, LogStream } from './protocol/batch';

/** Log text kept per stream for a webview that (re)loads. */
const LOG_HISTORY_CHARS = 2_000_000;
/**
 * Log text one batch carries per stream at most: of a bigger backlog only the last lines go, the
 * earlier ones are read back from the files when the user scrolls to them.
 */
export const LOG_BATCH_CHARS = 256 * 1024;

export class LogText {
  /** Text not yet sent per stream, and the lines left out before it (a backlog bigger than a batch). */
  private pending = new Map<LogStream, { text: string; skipped: number; cut: boolean }>();
  private history = new Map<LogStream, string>();
  /** Lines (`\n`) of each stream that batches carried so far. */
  private sentLines = new Map<LogStream, number>();

  /** Text for a log tab, of which a batch carries the last LOG_BATCH_CHARS (from a line start). */
  add(stream: LogStream, text: string): void {
    let p = this.pending.get(stream);
    if (!p) this.pending.set(stream, (p = { text: '', skipped: 0, cut: false }));
    p.text += text;
    if (p.text.length <= 2 * LOG_BATCH_CHARS) return;
    const nl = p.text.indexOf('\n', p.text.length - LOG_BATCH_CHARS);
    const from = nl < 0 ? p.text.length - LOG_BATCH_CHARS : nl + 1;
    p.skipped += newlines(p.text, from);
    p.cut = true;
    p.text = p.text.slice(from);
  }

  /** The text added since the last call, one delta a stream. */
  take(): LogDelta[] {
    const deltas: LogDelta[] = [];
    for (const [stream, { text, skipped, cut }] of this.pending) {
      const delta: LogDelta = { stream, text };
      if (cut) {
        // the receiver starts over at the line the text begins with, and reads earlier ones back
        this.history.set(stream, '');
        this.sentLines.set(stream, (this.sentLines.get(stream) ?? 0) + skipped);
        delta.line = this.sentLines.get(stream);
      }
      this.remember(stream, text);
      deltas.push(delta);
    }
    this.pending = new Map();
    return deltas;
  }

  /** The text kept of what was taken, each delta with the line it begins at. */
  snapshot(): LogDelta[] {
    const deltas: LogDelta[] = [];
    for (const [stream, text] of this.history) {
      if (text) deltas.push({ stream, text, line: (this.sentLines.get(stream) ?? 0) - newlines(text) });
    }
    return deltas;
  }

  /** Log text already sent, kept (the last LOG_HISTORY_CHARS) for snapshots. */
  private remember(stream: LogStream, text: string): void {
    this.sentLines.set(stream, (this.sentLines.get(stream) ?? 0) + newlines(text));
    // an array job's many task logs keep less each (older lines are read back from the files)
    const keep = stream === 'stdout' || stream === 'stderr' ? LOG_HISTORY_CHARS : LOG_HISTORY_CHARS / 8;
    let h = (this.history.get(stream) ?? '') + text;
    if (h.length > keep) {
      const cut = h.indexOf('\n', h.length - keep);
      h = h.slice(cut < 0 ? h.length - keep : cut + 1);
    }
    this.history.set(stream, h);
  }
}

/** `\n`s in `text` before `end`. */
function newlines(text: string, end = text.length): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
