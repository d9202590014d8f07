import { strict as assert } from 'node:assert';
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

/**
 * Whether process `pid` runs. A zombie does not: once a stop is over, an adopted training's exit
 * may wait a moment to be reaped by init, which is not ours to hurry.
 */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  return !zombie(pid);
}

function zombie(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return /^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return true; // gone between the two looks
  }
}

/** Whether process group `pgid` has a process that runs (zombies aside). */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) === pgid && !/^[ZX]/.test(fields[0])) return true;
    } catch {
      // ended while listed
    }
  }
  return false;
}

/** Fails (never skips) when no Slurm answers: the Slurm tests need the real one scripts/slurm-start.sh starts. */
export function requireSlurm(): void {
  try {
    execFileSync('sinfo', ['--noheader'], { stdio: 'pipe', timeout: 10_000 });
  } catch {
    throw new Error('No Slurm answers here: start one with `sudo scripts/slurm-start.sh` (CI does).');
  }
}

/** In a describe: each of its tests fails if it leaves a promise rejection unhandled. */
export function noUnhandledRejections(): void {
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => unhandled.push(e);
  before(() => process.on('unhandledRejection', onUnhandled));
  after(() => process.off('unhandledRejection', onUnhandled));
  beforeEach(() => (unhandled.length = 0));
  afterEach(() => assert.deepEqual(unhandled, [], 'no unhandled rejection'));
}
