/**
 * The bench's live part: the host's main thread while a run writes about 1M points a second and
 * the real workers follow it (pipeline.ts, as the extension host runs them), next to the same
 * writer with no monitor at all: what is left above that is the monitor's.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Pipeline } from '../workers/pipeline';

type Log = (s: string) => void;

const SECONDS = 8;

/** The training: every 50 ms, 5,000 JSON lines of ten metrics (1M points a second), for `argv[2]` seconds. */
const WRITER = `
const fs = require('fs'); const fd = fs.openSync(process.argv[1], 'a'); const end = Date.now() + 1000 * Number(process.argv[2]);
let step = 0;
const tick = setInterval(() => {
  let s = '';
  for (let k = 0; k < 5000; k++, step++) {
    s += '{"step": ' + step;
    for (let m = 0; m < 10; m++) s += ', "m' + m + '": ' + (1 / (1 + step + m)).toFixed(6);
    s += '}\\n';
  }
  fs.writeSync(fd, s);
  if (Date.now() >= end) clearInterval(tick);
}, 50);`;

export interface LoopDelay {
  p99ms: number;
  maxMs: number;
}

export function loopDelay(h: ReturnType<typeof monitorEventLoopDelay>): LoopDelay {
  return { p99ms: +(h.percentile(99) / 1e6).toFixed(2), maxMs: +(h.max / 1e6).toFixed(2) };
}

/** Runs the writer into `file` and returns the main thread's event-loop delay meanwhile (1 ms timer: an idle loop's p99 is about 1.5 ms here). */
async function whileWriting(file: string): Promise<LoopDelay> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const child = spawn(process.execPath, ['-e', WRITER, file, String(SECONDS)], { stdio: 'ignore' });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  h.disable();
  if (code !== 0) throw new Error(`the writer exited with ${code}`);
  return loopDelay(h);
}

/** The run followed live by the real workers while the writer writes: the main thread's delay, and the points shown a second. */
async function followed(dir: string, workersDir: string, log: Log): Promise<{ pointsPerSecond: number; delay: LoopDelay }> {
  const runDir = fs.mkdtempSync(path.join(dir, 'live-'));
  const file = path.join(runDir, 'metrics.jsonl');
  fs.writeFileSync(file, '');
  let points = 0;
  const pipeline = new Pipeline(
    { root: runDir, workersDir, updatesPerSecond: 20, live: true },
    { batch: (b) => void (points += b.series.reduce((n, s) => n + s.x.length, 0)), error: (e) => log(`worker error: ${e}`) },
  );
  await new Promise((resolve) => setTimeout(resolve, 500)); // the workers are up and following the empty file
  const t = performance.now();
  const delay = await whileWriting(file);
  const pointsPerSecond = Math.round(points / ((performance.now() - t) / 1000));
  await pipeline.drain();
  fs.rmSync(runDir, { recursive: true, force: true });
  return { pointsPerSecond, delay };
}

/** The middle value (of an odd count). */
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/**
 * PAIRS rounds of the writer alone, then followed live, one after the other: the machine's noise
 * (other tenants, the writer meeting the main thread on one core) reaches both sides alike, and
 * the medians say what is left.
 */
const PAIRS = 3;

export async function liveRun(
  dir: string,
  workersDir: string,
  log: Log,
): Promise<{ pointsPerSecond: number; writerAlone: LoopDelay; rounds: Array<{ alone: LoopDelay; followed: LoopDelay }> } & LoopDelay> {
  const rounds: Array<{ alone: LoopDelay; followed: LoopDelay; pointsPerSecond: number }> = [];
  for (let r = 0; r < PAIRS; r++) {
    const aloneFile = path.join(dir, 'alone.jsonl');
    const alone = await whileWriting(aloneFile);
    fs.rmSync(aloneFile);
    const run = await followed(dir, workersDir, log);
    rounds.push({ alone, followed: run.delay, pointsPerSecond: run.pointsPerSecond });
  }
  const mid = (side: 'alone' | 'followed'): LoopDelay => ({
    p99ms: median(rounds.map((r) => r[side].p99ms)),
    maxMs: median(rounds.map((r) => r[side].maxMs)),
  });
  const [live, writerAlone] = [mid('followed'), mid('alone')];
  const pointsPerSecond = median(rounds.map((r) => r.pointsPerSecond));
  log(
    `main thread while a run writes ~1M points/s (${(pointsPerSecond / 1e6).toFixed(2)}M points/s shown) followed live, median of ${PAIRS}: event-loop delay p99 ${live.p99ms} ms, max ${live.maxMs} ms; the same writer with no monitor p99 ${writerAlone.p99ms} ms, max ${writerAlone.maxMs} ms (each round, alone/followed: ${rounds.map((r) => `${r.alone.p99ms}/${r.followed.p99ms}`).join(', ')})`,
  );
  return { pointsPerSecond, ...live, writerAlone, rounds: rounds.map(({ alone, followed }) => ({ alone, followed })) };
}
