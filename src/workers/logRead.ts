/**
 * Reads lines of a log stream back from its files, found through the ingester's LogIndex: for a
 * webview scrolled up past the lines it holds, and for a search over the whole log. Runs in the
 * refine worker, or on the host for a run whose workers have ended (reads are asynchronous).
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { LogIndex } from '../core/logIndex';
import { lastRedraw, stripAnsi } from '../core/parse/ansi';
import type { LogStream } from '../core/protocol/batch';
import { alsoPath, type AlsoFollowed } from '../core/protocol/tail';

/** Longer lines come back cut: a line of megabytes would stall the webview that shows it. */
export const MAX_LINE_CHARS = 4096;
const CHUNK = 1 << 18;

/** Where a run's files lie: its root (a folder, or a single file), and what is followed besides. */
export interface LogFiles {
  root: string;
  also: AlsoFollowed[];
}

async function open({ root, also }: LogFiles, file: string): Promise<fs.FileHandle | undefined> {
  const st = await fs.stat(root).catch(() => undefined);
  const abs = alsoPath(also, file, path.sep) ?? (st?.isFile() ? root : path.join(root, ...file.split('/')));
  return fs.open(abs, 'r').catch(() => undefined);
}

/**
 * Hands each line of `stream` from line `from` on to `each` (number, raw text, `\r` and colour
 * codes included), the partial last line too, until `each` returns false.
 */
async function walk(files: LogFiles, index: LogIndex, stream: LogStream, from: number, each: (line: number, text: string) => boolean): Promise<void> {
  const place = index.locate(stream, from);
  if (!place) return;
  const segs = index.segments(stream);
  let n = place.line;
  let carry = '';
  const emit = (text: string) =>
    n >= from
      ? each(n++, text.length > MAX_LINE_CHARS ? text.slice(0, MAX_LINE_CHARS) + ` … (${text.length - MAX_LINE_CHARS} more characters)` : text)
      : (n++, true);
  for (let k = segs.indexOf(place.segment); k < segs.length; k++) {
    const seg = segs[k];
    const handle = seg.gone ? undefined : await open(files, seg.file);
    if (!handle) {
      // rewritten or deleted since: its lines are known by number only
      const end = segs[k + 1]?.line ?? index.lines(stream);
      carry = '';
      while (n < end) if (!emit(`(no longer in ${seg.file}: the file was rewritten or removed)`)) return;
      continue;
    }
    try {
      const decoder = new TextDecoder();
      const buf = new Uint8Array(CHUNK);
      for (let at = k === segs.indexOf(place.segment) ? place.offset : seg.from; at < seg.to;) {
        const { bytesRead } = await handle.read(buf, 0, Math.min(CHUNK, seg.to - at), at);
        if (bytesRead === 0) break;
        at += bytesRead;
        const parts = (carry + decoder.decode(buf.subarray(0, bytesRead), { stream: true })).split('\n');
        carry = parts.pop()!;
        if (carry.length > MAX_LINE_CHARS * 2) carry = carry.slice(0, MAX_LINE_CHARS * 2);
        for (const line of parts) if (!emit(line)) return;
      }
      carry += decoder.decode();
    } finally {
      await handle.close();
    }
  }
  if (carry) emit(carry);
}

/** Lines [from, from + count) of `stream` as written (fewer at its end). */
export async function readLines(files: LogFiles, index: LogIndex, stream: LogStream, from: number, count: number): Promise<string[]> {
  const out: string[] = [];
  await walk(files, index, stream, Math.max(0, from), (_, text) => out.push(text) < count);
  return out;
}

/** What a line shows: colour codes gone, and of `\r` redraws the last one. */
export function shownText(raw: string): string {
  return lastRedraw(stripAnsi(raw));
}

/** Numbers of the lines of `stream` whose shown text contains `query` (case-insensitive), at most `limit`. */
export async function searchLines(
  files: LogFiles,
  index: LogIndex,
  stream: LogStream,
  query: string,
  limit: number,
): Promise<{ lines: number[]; complete: boolean }> {
  const needle = query.toLowerCase();
  const lines: number[] = [];
  let complete = true;
  await walk(files, index, stream, 0, (line, text) => {
    if (!shownText(text).toLowerCase().includes(needle)) return true;
    if (lines.length === limit) return (complete = false);
    lines.push(line);
    return true;
  });
  return { lines, complete };
}
