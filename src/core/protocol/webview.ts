/** Messages between the extension host and the monitor webview. */
import type { Batch } from './batch';

export type RunState = 'idle' | 'running' | 'stopping' | 'finished' | 'failed' | 'stopped';

/** What the webview shows in its header. */
export interface RunInfo {
  name: string;
  state: RunState;
  /** The command line, as the user would type it. */
  command: string;
  /** Exit code or signal once ended. */
  exit?: string;
}

/** Host → webview. */
export type HostToWebview =
  /** Replace everything shown: sent after `ready` (the webview may have been destroyed). */
  | { type: 'snapshot'; run: RunInfo | undefined; batch: Batch }
  /** Append to what is shown. */
  | { type: 'batch'; batch: Batch }
  /** The run's state changed. */
  | { type: 'run'; run: RunInfo };

/** Webview → host. */
export type WebviewToHost =
  /** The page loaded (or reloaded) and wants a snapshot. */
  | { type: 'ready' }
  /** The user pressed Stop in the panel. */
  | { type: 'stop' };
