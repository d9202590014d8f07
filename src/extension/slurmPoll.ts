/**
 * The state of watched Slurm jobs: one `squeue` call polls every watched job at once, less and
 * less often while nothing changes (a scheduler is shared: never hammer it).
 */
import { checkId, FINAL, GONE, slurm, WAITING } from './slurmCommands';

export interface Seen {
  state: string;
  reason: string;
}

/** A watched job's listener: its state when seen, and trouble polling (said once per distinct message). */
interface Watcher {
  seen(s: Seen): void;
  problem?(text: string): void;
}

/**
 * Polls the state of every watched job in one `squeue` call: every `minMs` while something
 * changes, then 1.5× longer after each quiet poll up to `maxMs`, and twice as long after a failure
 * (reported once per distinct message).
 */
export class JobPoller {
  private watched = new Map<string, Set<Watcher>>();
  private last = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private delay: number;
  private polling = false;
  private lastPoll = 0;
  private lastError = '';
  /** squeue calls made (tests check the poll is shared). */
  calls = 0;

  constructor(
    private readonly minMs = 1000,
    private readonly maxMs = 15_000,
  ) {
    this.delay = minMs;
  }

  /**
   * Tells `listener` each state of job `id` seen (an array job's id stands for all its tasks);
   * returns what stops watching it.
   */
  watch(id: string, listener: Watcher): () => void {
    checkId(id);
    let set = this.watched.get(id);
    if (!set) this.watched.set(id, (set = new Set()));
    set.add(listener);
    this.hurry();
    return () => {
      set.delete(listener);
      if (!set.size) {
        this.watched.delete(id);
        this.last.delete(id);
      }
    };
  }

  /** Polls soon (never twice within `minMs`), and often again: a job was submitted, asked to stop, or printed while queued. */
  hurry(): void {
    this.delay = this.minMs;
    if (!this.polling) this.schedule(Math.max(0, this.lastPoll + this.minMs - Date.now()));
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    if (!this.watched.size) return;
    this.timer = setTimeout(() => void this.poll(), ms);
    this.timer.unref?.();
  }

  private async poll(): Promise<void> {
    const ids = [...this.watched.keys()];
    if (!ids.length) return;
    this.polling = true;
    this.lastPoll = Date.now();
    let changed = false;
    try {
      this.calls++;
      const states = await queueStates(ids);
      this.lastError = '';
      for (const id of ids) {
        const s = states.get(id)!;
        if (this.last.get(id) !== `${s.state}|${s.reason}`) changed = true;
        this.last.set(id, `${s.state}|${s.reason}`);
        for (const w of [...(this.watched.get(id) ?? [])]) w.seen(s);
      }
      this.delay = changed ? this.minMs : Math.min(this.maxMs, this.delay * 1.5);
    } catch (err) {
      const text = (err as Error).message;
      if (text !== this.lastError)
        for (const set of this.watched.values()) for (const w of set) w.problem?.(`Could not ask Slurm about the job: ${text} Asking again less often.`);
      this.lastError = text;
      this.delay = Math.min(this.maxMs * 2, this.delay * 2);
    } finally {
      this.polling = false;
      this.schedule(this.delay);
    }
  }
}

/** The state of each of `ids` in one `squeue` call (an array job's id: its tasks' combined; GONE: forgotten). */
export async function queueStates(ids: string[]): Promise<Map<string, Seen>> {
  const lines: Array<[string, Seen]> = [];
  try {
    const out = await slurm('squeue', [`--jobs=${ids.join(',')}`, '--states=all', '--noheader', '--format=%i|%T|%r']);
    for (const line of out.split('\n')) {
      const [id, state, reason] = line.trim().split('|');
      if (id && state) lines.push([id, { state, reason: reason ?? '' }]);
    }
  } catch (err) {
    // squeue fails when it knows none of the ids: they have all ended long enough ago
    if (!/invalid job id/i.test((err as Error).message)) throw err;
  }
  return new Map(ids.map((id) => [id, combined(lines.filter(([l]) => l === id || l.startsWith(`${id}_`)).map(([, seen]) => seen))]));
}

/**
 * One state for a job and its array tasks: running while any task runs, waiting while any waits
 * (and none runs), else the first unsuccessful end, else COMPLETED. No line at all: GONE.
 */
function combined(tasks: Seen[]): Seen {
  if (!tasks.length) return { state: GONE, reason: '' };
  if (tasks.length === 1) return tasks[0];
  const live = tasks.filter((t) => !FINAL.has(t.state));
  if (live.length) return live.find((t) => !WAITING.has(t.state)) ?? live[0];
  return tasks.find((t) => t.state !== 'COMPLETED') ?? tasks[0];
}

/** The poll shared by every job of this extension host: every second while jobs change, every 15 s at most while they run quietly. */
export const jobPoller = new JobPoller();
