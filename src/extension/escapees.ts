/**
 * After a stop: a process that left the training's process group (`setsid`, a daemonised helper)
 * is out of the signals' reach and may keep writing the run's files. Stop cannot end it safely
 * (nothing ties it to the run but an open file), so the user is told which file grows and, where
 * /proc says, which process writes it. Free of `vscode`: tested in Node with real processes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Files of a run folder the monitor or its launch wrapper write themselves. */
const OWN = new Set(['events.jsonl', 'run.json', 'exit-code', 'gpu.csv', 'console-order']);

/** Sizes of the regular files at the top of `dir` a training writes. */
export function fileSizes(dir: string): Map<string, number> {
  const sizes = new Map<string, number>();
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return sizes;
  }
  for (const name of names) {
    if (OWN.has(name)) continue;
    try {
      const st = fs.lstatSync(path.join(dir, name));
      if (st.isFile()) sizes.set(name, st.size);
    } catch {
      // gone meanwhile
    }
  }
  return sizes;
}

/** Processes (of this user: /proc shows only those) with `file` open: `1234 (python3)`. */
export function writersOf(file: string): string[] {
  const found: string[] = [];
  try {
    file = fs.realpathSync(file);
  } catch {
    return found;
  }
  let pids: string[];
  try {
    pids = fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n));
  } catch {
    return found;
  }
  for (const pid of pids) {
    if (Number(pid) === process.pid) continue;
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    const open = fds.some((fd) => {
      try {
        return fs.readlinkSync(`/proc/${pid}/fd/${fd}`) === file;
      } catch {
        return false;
      }
    });
    if (!open) continue;
    let name = '?';
    try {
      name = fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    } catch {
      // ended meanwhile
    }
    found.push(`${pid} (${name})`);
  }
  return found;
}

export interface Growth {
  /** The files that grew, by name. */
  files: string[];
  /** The processes that hold them open, as `writersOf` says them. */
  writers: string[];
}

/**
 * Watches the files of `dir` for `forMs` after a stop: the first time one grows, `grew` is called
 * once and the watch ends. Returns what ends it early (the run's monitor is disposed).
 */
export function watchGrowth(dir: string, grew: (g: Growth) => void, forMs = 10_000, everyMs = 1000): () => void {
  const before = fileSizes(dir);
  const until = Date.now() + forMs;
  const timer = setInterval(() => {
    const now = fileSizes(dir);
    const files = [...now].filter(([name, size]) => size > (before.get(name) ?? 0)).map(([name]) => name);
    if (files.length) {
      clearInterval(timer);
      const writers = [...new Set(files.flatMap((f) => writersOf(path.join(dir, f))))];
      grew({ files, writers });
    } else if (Date.now() >= until) clearInterval(timer);
  }, everyMs);
  timer.unref?.();
  return () => clearInterval(timer);
}

/** The Events line for `g`. */
export function growthText(g: Growth): string {
  const who = g.writers.length ? `: process ${g.writers.join(', ')} still writes it` : '';
  const kill = g.writers.length ? ` End it with \`kill ${g.writers.map((w) => w.split(' ')[0]).join(' ')}\` if it should not run.` : '';
  return `${g.files.join(', ')} kept growing after the stop${who}. A process that left the training's process group (setsid, a daemon) is out of Stop's reach.${kill}`;
}
