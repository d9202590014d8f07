/**
 * The bench's whole-process part: what a user meets, not the parser alone. `parse` of a file as a
 * separate process next to a process that only reads and splits the same bytes, and a past run of
 * 10M points opened through the real workers (pipeline.ts): when the first batch a webview would
 * draw comes, how big the gaps between batches are, and when everything is in.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Pipeline } from '../workers/pipeline';

type Log = (s: string) => void;

/** Reads a file in 4 MB reads into one buffer, decodes and splits it into lines: the floor of a text parse. */
const BARE_TEXT = `
const fs = require('fs'); const fd = fs.openSync(process.argv[1], 'r'); const buf = new Uint8Array(4 << 20);
const dec = new TextDecoder(); let rest = '', lines = 0, n;
while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) {
  const parts = (rest + dec.decode(buf.subarray(0, n), { stream: true })).split('\\n'); rest = parts.pop(); lines += parts.length;
}
console.log(lines);`;

/** Reads a file in 4 MB reads and walks the record lengths of an event file: the floor of a tfevents parse. */
const BARE_RECORDS = `
const fs = require('fs'); const fd = fs.openSync(process.argv[1], 'r'); const buf = Buffer.alloc(8 << 20);
let have = 0, records = 0, n;
while ((n = fs.readSync(fd, buf, have, 4 << 20, null)) > 0) {
  have += n; let at = 0;
  while (have - at >= 12) { const end = at + 16 + buf.readUInt32LE(at); if (end > have) break; records++; at = end; }
  buf.copy(buf, 0, at, have); have -= at;
}
console.log(records);`;

/** Seconds a process takes, start to exit, its output thrown away. */
function processSeconds(args: string[]): number {
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
  return (performance.now() - t) / 1000;
}

export interface WholeProcessFigures {
  file: string;
  mb: number;
  points: number;
  seconds: number;
  bareSeconds: number;
  /** The `parse` process's time over the bare process's time on the same bytes. */
  ratioToBare: number;
  pointsPerSecond: number;
}

/** `training-monitor parse <file> [args]` as its own process, next to a bare read of the same file (best of `runs`). */
export function wholeProcess(cli: string, file: string, points: number, kind: 'text' | 'records', args: string[], log: Log, runs = 2): WholeProcessFigures {
  const bare = kind === 'text' ? BARE_TEXT : BARE_RECORDS;
  processSeconds(['-e', bare, file]); // the page cache holds the file for both
  let best = { seconds: Infinity, bareSeconds: Infinity };
  for (let i = 0; i < runs; i++) {
    const bareSeconds = processSeconds(['-e', bare, file]);
    const seconds = processSeconds([cli, 'parse', file, ...args]);
    if (seconds < best.seconds) best = { seconds, bareSeconds };
  }
  const mb = fs.statSync(file).size / 1e6;
  const f: WholeProcessFigures = {
    file: `${path.basename(file)}${args.length ? ' ' + args.join(' ') : ''}`,
    mb: +mb.toFixed(1),
    points,
    seconds: +best.seconds.toFixed(2),
    bareSeconds: +best.bareSeconds.toFixed(2),
    ratioToBare: +(best.seconds / best.bareSeconds).toFixed(2),
    pointsPerSecond: Math.round(points / best.seconds),
  };
  log(
    `whole process: parse ${f.file} (${f.mb} MB, ${(points / 1e6).toFixed(2)}M points) ${f.seconds} s, ${(f.pointsPerSecond / 1e6).toFixed(2)}M points/s; bare read process ${f.bareSeconds} s; ratio ${f.ratioToBare}`,
  );
  return f;
}

export interface PastRunFigures {
  points: number;
  mb: number;
  /** From opening the run to the first batch with points (what a panel first draws). */
  firstBatchMs: number;
  firstBatchPoints: number;
  /** When a million points had arrived. */
  firstMillionMs: number;
  /** The longest wait between two batches while the backlog was read: how long a panel would sit unchanged. */
  longestGapMs: number;
  batches: number;
  /** From opening the run to the batch that brought the last point: the charts are complete. */
  lastBatchMs: number;
  /** From opening the run to the drain's end (the workers ended, every point kept for restores and zooms). */
  completeMs: number;
}

/** A past run (a folder holding `file`, already written) opened through the real workers. */
export async function pastRun(dir: string, file: string, workersDir: string, log: Log): Promise<PastRunFigures> {
  const run = fs.mkdtempSync(path.join(dir, 'past-'));
  fs.linkSync(file, path.join(run, path.basename(file)));
  let points = 0;
  let batches = 0;
  let firstBatchMs = NaN;
  let firstBatchPoints = 0;
  let firstMillionMs = NaN;
  let last = NaN;
  let longestGapMs = 0;
  const t = performance.now();
  const pipeline = new Pipeline(
    { root: run, workersDir, updatesPerSecond: 20 },
    {
      batch: (b) => {
        const n = b.series.reduce((sum, s) => sum + s.x.length, 0);
        if (!n) return;
        const now = performance.now() - t;
        if (!batches++) [firstBatchMs, firstBatchPoints] = [now, n];
        else longestGapMs = Math.max(longestGapMs, now - last);
        last = now;
        points += n;
        if (points >= 1e6 && firstMillionMs !== firstMillionMs) firstMillionMs = now;
      },
      error: (e) => log(`worker error: ${e}`),
    },
  );
  await pipeline.drain(120_000);
  const f: PastRunFigures = {
    points,
    mb: +(fs.statSync(file).size / 1e6).toFixed(1),
    firstBatchMs: Math.round(firstBatchMs),
    firstBatchPoints,
    firstMillionMs: Math.round(firstMillionMs),
    longestGapMs: Math.round(longestGapMs),
    batches,
    lastBatchMs: Math.round(last),
    completeMs: Math.round(performance.now() - t),
  };
  log(
    `past run of ${(points / 1e6).toFixed(2)}M points (${f.mb} MB ${path.basename(file)}) through the workers: first batch ${f.firstBatchMs} ms (${f.firstBatchPoints} points), 1M points at ${f.firstMillionMs} ms, last batch ${f.lastBatchMs} ms, drained ${f.completeMs} ms, ${batches} batches, longest gap ${f.longestGapMs} ms`,
  );
  return f;
}
