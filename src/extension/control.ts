/**
 * What the monitor needs of whatever runs a training: to know how it is named, when it ends and
 * how, and to stop it. Each backend (backends/*.ts) makes one: a local process group
 * (process.ts), a Slurm job (slurm.ts). The monitor, status bar and webviews never know which.
 */

export interface ExitInfo {
  code: number | null;
  /** The signal that ended it (`SIGKILL`), or, for a Slurm job, the number it reports. */
  signal: string | null;
  /** The scheduler's own word for the end (`COMPLETED`, `CANCELLED`, `TIMEOUT`), when there is one. */
  state?: string;
}

export interface RunControl {
  /** How messages name it: `pid 4242`, `Slurm job 17`. */
  readonly label: string;
  /** The local process id, when it is a local process. */
  readonly pid?: number;
  /** Settles when it has ended. */
  readonly exited: Promise<ExitInfo>;
  /**
   * Asks it to stop, gently first (the training can save), and resolves once it ended; undefined
   * when its end could not be confirmed within a bound (`step` said why): it is still watched.
   */
  stop(graceMs: number, step?: (text: string) => void): Promise<ExitInfo | undefined>;
  /**
   * What keeps it from running yet, as the backend says it (`PENDING (Resources)`), or '' once it
   * runs; called on each change. Backends that start at once never call it.
   */
  onWaiting?(listener: (why: string) => void): void;
  /** New output appeared while it looked queued: the backend may check its state now rather than at its next poll. */
  nudge?(): void;
  /** Trouble watching it that the user should hear of once (the scheduler does not answer). */
  onProblem?(listener: (text: string) => void): void;
}
