import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..');
export const workersDir = path.join(repoRoot, 'dist', 'workers');

export function tempDir(prefix = 'tm-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `check` until it returns a value or `ms` pass. */
export async function until<T>(check: () => T | undefined | false | Promise<T | undefined | false>, ms = 10_000, what = 'condition'): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Fails (never skips) when no Slurm answers: the Slurm tests need the real one scripts/slurm-start.sh starts. */
export function requireSlurm(): void {
  try {
    execFileSync('sinfo', ['--noheader'], { stdio: 'pipe', timeout: 10_000 });
  } catch {
    throw new Error('No Slurm answers here: start one with `sudo scripts/slurm-start.sh` (CI does).');
  }
}
