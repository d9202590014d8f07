/**
 * Turns the tail worker's raw bytes into chart data and log text. Pure: the refine worker wraps it
 * with timing and backpressure, the CLI and tests drive it directly.
 */
import { emptyBatch, type Batch, type EventLevel, type LogDelta, type LogStream, type MonitorEvent } from './protocol/batch';
import { formatOf } from './formats';
import { FrameSplitter, MAX_FRAME_CHARS } from './frames';
import { CsvParser } from './parse/csv';
import { ProgressParser } from './parse/progress';
import type { Point } from './parse/types';
import { SeriesStore } from './series';

/** Log text kept per stream for a webview that (re)loads. */
const LOG_HISTORY_CHARS = 2_000_000;

interface FileState {
  splitter: FrameSplitter;
  /** Set for the run's own output streams, whose text goes to a log tab. */
  stream?: LogStream;
  parse(line: string): Point[];
  reset(): void;
}

export class Refiner {
  readonly store = new SeriesStore();
  private files = new Map<string, FileState>();
  private pendingLogs: LogDelta[] = [];
  private pendingEvents: MonitorEvent[] = [];
  private history: Record<LogStream, string> = { stdout: '', stderr: '' };
  private events: MonitorEvent[] = [];

  /** Appended bytes of `file` (a path relative to the run directory). */
  chunk(file: string, bytes: Uint8Array): void {
    const state = this.state(file);
    if (!state) return;
    const capped = state.splitter.capped;
    const frames = state.splitter.push(bytes);
    if (state.splitter.capped > capped) {
      this.event('warning', `${file}: a line longer than ${MAX_FRAME_CHARS} characters was cut into pieces.`);
    }
    let text = '';
    for (const f of frames) {
      if (state.stream) text += f.text + f.end;
      for (const p of state.parse(f.text)) this.store.add(file, p);
    }
    if (state.stream && text) this.log(state.stream, text);
  }

  /** `file` shrank or was replaced: its next bytes start from the beginning. */
  reset(file: string, reason: string): void {
    const state = this.files.get(file);
    state?.splitter.reset();
    state?.reset();
    this.event('warning', `${file}: ${reason}; reading it again from the start.`);
  }

  /** Every file is at its end and nothing more will come: parse the partial last lines. */
  end(): void {
    for (const [file, state] of this.files) {
      for (const f of state.splitter.end()) {
        if (state.stream) this.log(state.stream, f.text + f.end);
        for (const p of state.parse(f.text)) this.store.add(file, p);
      }
    }
  }

  event(level: EventLevel, text: string): void {
    const e = { time: Date.now(), level, text };
    this.pendingEvents.push(e);
    this.events.push(e);
    if (this.events.length > 2000) this.events.splice(0, 1000);
  }

  /** What changed since the last batch or snapshot. */
  takeBatch(): Batch {
    const batch: Batch = { series: this.store.takeDeltas(), logs: this.pendingLogs, events: this.pendingEvents };
    this.pendingLogs = [];
    this.pendingEvents = [];
    return batch;
  }

  /** Everything, for a webview that starts empty; what was pending is part of it. */
  snapshot(): Batch {
    this.takeBatch();
    const batch = emptyBatch();
    batch.series = this.store.all();
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.history[stream]) batch.logs.push({ stream, text: this.history[stream] });
    }
    batch.events = [...this.events];
    return batch;
  }

  private log(stream: LogStream, text: string): void {
    const last = this.pendingLogs[this.pendingLogs.length - 1];
    if (last?.stream === stream) last.text += text;
    else this.pendingLogs.push({ stream, text });
    let h = this.history[stream] + text;
    if (h.length > LOG_HISTORY_CHARS) {
      const cut = h.indexOf('\n', h.length - LOG_HISTORY_CHARS);
      h = h.slice(cut < 0 ? h.length - LOG_HISTORY_CHARS : cut + 1);
    }
    this.history[stream] = h;
  }

  private state(file: string): FileState | undefined {
    let s = this.files.get(file);
    if (s) return s;
    const format = formatOf(file);
    if (format === 'output') {
      let p = new ProgressParser();
      s = {
        splitter: new FrameSplitter(),
        stream: file.endsWith('stderr.log') ? 'stderr' : 'stdout',
        parse: (line) => p.parse(line),
        reset: () => (p = new ProgressParser()),
      };
    } else if (format === 'csv') {
      const p = new CsvParser();
      s = { splitter: new FrameSplitter(), parse: (line) => p.parse(line), reset: () => p.reset() };
    } else {
      return undefined;
    }
    this.files.set(file, s);
    return s;
  }
}
