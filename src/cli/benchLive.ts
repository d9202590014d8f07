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

/** Runs the writer into `file` and returns the main thread's event-loop delay meanwhile. */
async function whileWriting(file: string): Promise<LoopDelay> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const child = spawn(process.execPath, ['-e', WRITER, file, String(SECONDS)], { stdio: 'ignore' });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  h.disable();
  if (code !== 0) throw new Error(`the writer exited with ${code}`);
  return loopDelay(h);
}

export async function liveRun(dir: string, workersDir: string, log: Log): Promise<{ pointsPerSecond: number; writerAlone: LoopDelay } & LoopDelay> {
  const alone = path.join(dir, 'alone.jsonl');
  const writerAlone = await whileWriting(alone);
  fs.rmSync(alone);
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
  const followed = await whileWriting(file);
  const pointsPerSecond = Math.round(points / ((performance.now() - t) / 1000));
  await pipeline.drain();
  fs.rmSync(runDir, { recursive: true, force: true });
  log(
    `main thread while a run writes ~1M points/s (${(pointsPerSecond / 1e6).toFixed(2)}M points/s shown) followed live: event-loop delay p99 ${followed.p99ms} ms, max ${followed.maxMs} ms; the same writer with no monitor p99 ${writerAlone.p99ms} ms, max ${writerAlone.maxMs} ms`,
  );
  return { pointsPerSecond, ...followed, writerAlone };
}
