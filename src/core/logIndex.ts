/**
 * Where each line of a log stream lies in the files that fed it, so that lines long scrolled out
 * of the webview can be read again from disk. A stream is a list of segments (contiguous bytes of
 * one file; a stream fed by several files switches segment when the file does); each segment keeps
 * the byte offset of every EVERY-th line start. 1M lines cost about 4K numbers.
 * Lines are counted by `\n`, as the log panes count them.
 */
import type { LogStream } from './protocol/batch';

const EVERY = 256;

export interface LogSegment {
  file: string;
  /** Bytes [from, to) of `file`. */
  from: number;
  to: number;
  /** The stream's number of the line the segment's first byte belongs to (0-based). */
  line: number;
  /** Byte offsets of the starts of lines firstMark(line), firstMark + EVERY, … */
  marks: number[];
  /** The file shrank or was replaced: these bytes are gone from it. */
  gone: boolean;
}

/** Where to start reading for a line: the nearest known line start at or before it. */
export interface LogPlace {
  segment: LogSegment;
  /** Byte offset to read from, and the line that starts there (it may be the tail of `line`, at a segment start). */
  offset: number;
  line: number;
}

/** The index as data, to send between threads. */
export type LogIndexData = Array<[LogStream, { segments: LogSegment[]; lines: number }]>;

/** The first line number that gets a mark in a segment starting inside line `line`. */
const firstMark = (line: number) => (Math.floor(line / EVERY) + 1) * EVERY;

export class LogIndex {
  private streams = new Map<LogStream, { segments: LogSegment[]; lines: number }>();
  /** Bytes of each file seen so far: where its next bytes start. */
  private sizes = new Map<string, number>();

  static from(data: LogIndexData): LogIndex {
    const index = new LogIndex();
    for (const [stream, s] of data) index.streams.set(stream, s);
    return index;
  }

  data(): LogIndexData {
    return [...this.streams].map(([stream, s]) => [stream, { segments: s.segments.map((g) => ({ ...g, marks: [...g.marks] })), lines: s.lines }]);
  }

  /** Bytes appended to `file`, which feeds `stream`. */
  push(stream: LogStream, file: string, bytes: Uint8Array): void {
    let s = this.streams.get(stream);
    if (!s) this.streams.set(stream, (s = { segments: [], lines: 0 }));
    const offset = this.sizes.get(file) ?? 0;
    this.sizes.set(file, offset + bytes.length);
    let seg = s.segments[s.segments.length - 1];
    if (!seg || seg.file !== file || seg.to !== offset || seg.gone) {
      seg = { file, from: offset, to: offset, line: s.lines, marks: [], gone: false };
      s.segments.push(seg);
    }
    for (let i = bytes.indexOf(10); i >= 0; i = bytes.indexOf(10, i + 1)) {
      if (++s.lines % EVERY === 0) seg.marks.push(offset + i + 1);
    }
    seg.to = offset + bytes.length;
  }

  /** `file` shrank or was replaced: its bytes so far are gone, its next ones start at 0. */
  reset(file: string): void {
    this.sizes.set(file, 0);
    for (const s of this.streams.values()) for (const seg of s.segments) if (seg.file === file) seg.gone = true;
  }

  /** Lines ended by `\n` so far. */
  lines(stream: LogStream): number {
    return this.streams.get(stream)?.lines ?? 0;
  }

  /** The segments of `stream`, oldest first. */
  segments(stream: LogStream): readonly LogSegment[] {
    return this.streams.get(stream)?.segments ?? [];
  }

  /** Where to read from to reach `line` of `stream`. */
  locate(stream: LogStream, line: number): LogPlace | undefined {
    const segs = this.segments(stream);
    let k = segs.length - 1;
    while (k > 0 && segs[k].line > line) k--;
    const segment = segs[k];
    if (!segment) return undefined;
    const first = firstMark(segment.line);
    if (line < first || !segment.marks.length) return { segment, offset: segment.from, line: segment.line };
    const m = Math.min(segment.marks.length - 1, Math.floor((line - first) / EVERY));
    return { segment, offset: segment.marks[m], line: first + m * EVERY };
  }
}
