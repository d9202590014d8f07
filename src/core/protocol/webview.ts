/** Messages between the extension host and the monitor webview. */
import type { Axis, Batch, LogStream, WindowSeries } from './batch';
import type { ErrorReply } from './request';

/** `watching`: attached to files with no process known (it may be running elsewhere). */
/** `pending`: queued by a scheduler, not running yet (`RunInfo.detail` says why). */
export type RunState = 'idle' | 'pending' | 'running' | 'watching' | 'stopping' | 'finished' | 'failed' | 'stopped';

/** What the webview shows in its header. */
export interface RunInfo {
  name: string;
  state: RunState;
  /** The command line, as the user would type it. */
  command: string;
  /** Exit code or signal once ended. */
  exit?: string;
  /** While pending: what it waits for, as the scheduler says (`PENDING (Resources)`). */
  detail?: string;
  /** Whether Stop can reach it (a process group, a notebook kernel). */
  canStop: boolean;
}

/** A run the toolbar's run selector offers: one this window follows, or a past run of the workspace. */
export interface RunChoice {
  /** Its folder (or the file followed). */
  id: string;
  /** Its name and start time, as the selector and overlaid legends show it. */
  label: string;
  /** Its name, and when it started and ended (ISO), where known: the selector says how long it ran. */
  name?: string;
  start?: string;
  end?: string;
  state: RunState | 'past';
  /** The run the webview shows, and the runs drawn over it for comparison. */
  shown: boolean;
  overlaid: boolean;
}

/** Host → webview. */
export type HostToWebview =
  /** Replace everything shown: sent after `ready` (the webview may have been destroyed). */
  | {
      type: 'snapshot';
      run: RunInfo | undefined;
      batch: Batch;
      runs?: RunChoice[];
      /** Per run ('' the shown one, else an overlay's tag), the number of its last batch held here (order.ts). */
      seqs?: Record<string, number>;
    }
  /** Append to what is shown (unless the last snapshot holds it already: `batch.seq`). */
  | { type: 'batch'; batch: Batch }
  /** The run's state changed. */
  | { type: 'run'; run: RunInfo }
  /** The runs to choose from changed (a run started, ended, was shown or overlaid). */
  | { type: 'runs'; runs: RunChoice[] }
  /** Bring a log tab to the front (an alert's "Show Errors"). */
  | { type: 'tab'; tab: 'stdout' | 'stderr' | 'events' }
  /** The answer to `window` `id` (empty when the data is gone: the run's workers restarted). */
  | { type: 'window'; id: number; series: WindowSeries[] }
  /** The answer to `logLines` `id`: the lines from `from` on, as written (fewer past the end). */
  | { type: 'logLines'; id: number; from: number; lines: string[] }
  /** The answer to `logSearch` `id`: matching line numbers; `complete` is false when there were more. */
  | { type: 'logSearch'; id: number; lines: number[]; complete: boolean }
  /** Answering question `id` failed (a log file could not be read back, no run is shown). */
  | ErrorReply;

/** Webview → host. */
export type WebviewToHost =
  /** The page loaded (or reloaded) and wants a snapshot. */
  | { type: 'ready' }
  /** The user pressed Stop in the panel. */
  | { type: 'stop' }
  /** Save a chart's image (`png`: a `data:image/png;base64,…` URL) where the user chooses. */
  | { type: 'exportPng'; name: string; png: string }
  /** Save the shown run's every point as CSV where the user chooses. */
  | { type: 'exportCsv' }
  /**
   * A zoomed chart wants series `keys` in [x0, x1] (by x, or by wall-clock seconds) at full
   * fidelity, decimated to `buckets` pixel columns.
   */
  | { type: 'window'; id: number; keys: string[]; x0: number; x1: number; buckets: number; axis: Axis }
  /** A log pane scrolled to lines it no longer holds. */
  | { type: 'logLines'; id: number; stream: LogStream; from: number; count: number }
  /** Find `query` (case-insensitive) in a whole log. */
  | { type: 'logSearch'; id: number; stream: LogStream; query: string }
  /** Put `text` on the clipboard (log lines the user copied). */
  | { type: 'copy'; text: string }
  /** Show run `id` instead (the run selector). */
  | { type: 'showRun'; id: string }
  /** Draw run `id`'s series over the shown run's, or stop drawing them. */
  | { type: 'overlay'; id: string; on: boolean };

/** What a webview asks about the run's data, each answered by a message of the same type. */
export type WebviewQuestion = Extract<WebviewToHost, { type: 'window' | 'logLines' | 'logSearch' }>;
/** The host's answers to them (request.ts matches each to its question). */
export type WebviewAnswer = Extract<HostToWebview, { type: WebviewQuestion['type'] }>;
