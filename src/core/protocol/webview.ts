/** Messages between the extension host and the monitor webview. */
import type { Batch } from './batch';

/** `watching`: attached to files with no process known (it may be running elsewhere). */
export type RunState = 'idle' | 'running' | 'watching' | 'stopping' | 'finished' | 'failed' | 'stopped';

/** What the webview shows in its header. */
export interface RunInfo {
  name: string;
  state: RunState;
  /** The command line, as the user would type it. */
  command: string;
  /** Exit code or signal once ended. */
  exit?: string;
  /** Whether Stop can reach it (a process group, a notebook kernel). */
  canStop: boolean;
}

/** Host → webview. */
export type HostToWebview =
  /** Replace everything shown: sent after `ready` (the webview may have been destroyed). */
  | { type: 'snapshot'; run: RunInfo | undefined; batch: Batch }
  /** Append to what is shown. */
  | { type: 'batch'; batch: Batch }
  /** The run's state changed. */
  | { type: 'run'; run: RunInfo }
  /** Bring a log tab to the front (an alert's "Show Errors"). */
  | { type: 'tab'; tab: 'stdout' | 'stderr' | 'events' };

/** Webview → host. */
export type WebviewToHost =
  /** The page loaded (or reloaded) and wants a snapshot. */
  | { type: 'ready' }
  /** The user pressed Stop in the panel. */
  | { type: 'stop' }
  /** Save a chart's image (`png`: a `data:image/png;base64,…` URL) where the user chooses. */
  | { type: 'exportPng'; name: string; png: string }
  /** Save the shown run's every point as CSV where the user chooses. */
  | { type: 'exportCsv' };
