/**
 * `training-monitor bench [--json]` (`npm run bench`): generates large inputs in the real formats and reports, in one run, each
 * format's parse rate next to a bare read-and-split of the same bytes (the ratio is the figure),
 * bytes per stored point, and the main thread's event-loop delay while the real workers ingest a
 * backlog, and while they follow a run writing 1M points a second (benchLive.ts).
 * `--json` prints the figures as one JSON object. Then the whole-process figures (benchIngest.ts): `parse`
 * as its own process next to a bare read process, and a past run of 10M points opened through the
 * workers. Then the bounds (benchBounds.ts): peak memory on hostile inputs and idle CPU; `--bounds`
 * runs only those, `--ingest` everything but them. Timings are noisy on shared machines: compare
 * ratios from one run, not seconds across runs.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { Ingester } from '../core/ingester';
import { ScalarColumns } from '../core/parse/scalarColumns';
import { TfEventsParser } from '../core/parse/tfevents';
import { Pipeline } from '../workers/pipeline';
import { benchBounds } from './benchBounds';
import { pastRun, wholeProcess } from './benchIngest';
import { liveRun, loopDelay, type LoopDelay } from './benchLive';
import { event, record, scalarValue } from './tfrecord-writer';

const CHUNK = 4 << 20;
let dir = '';
let json = false;
const log = (s: string) => (json ? process.stderr : process.stdout).write(s + '\n');

function write(name: string, lines: (i: number) => string, count: number): string {
  const file = path.join(dir, name);
  const fd = fs.openSync(file, 'w');
  let buf = '';
  for (let i = 0; i < count; i++) {
    buf += lines(i);
    if (buf.length > 1 << 20) {
      fs.writeSync(fd, buf);
      buf = '';
    }
  }
  fs.writeSync(fd, buf);
  fs.closeSync(fd);
  return file;
}

function writeTfevents(name: string, scalars: number): string {
  const file = path.join(dir, name);
  const fd = fs.openSync(file, 'w');
  let batch: Uint8Array[] = [];
  for (let i = 0; i < scalars; i++) {
    batch.push(record(event(i, [scalarValue(i % 2 ? 'loss' : 'lr', Math.exp(-i / 1e5))])));
    if (batch.length === 10_000) {
      fs.writeSync(fd, Buffer.concat(batch));
      batch = [];
    }
  }
  fs.writeSync(fd, Buffer.concat(batch));
  fs.closeSync(fd);
  return file;
}

function* chunks(file: string): Generator<Uint8Array> {
  const fd = fs.openSync(file, 'r');
  try {
    for (;;) {
      const buf = new Uint8Array(CHUNK);
      const n = fs.readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) return;
      yield buf.subarray(0, n);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** The floor: read the bytes, decode UTF-8, split into lines. */
function bareText(file: string): number {
  const dec = new TextDecoder();
  let lines = 0;
  let rest = '';
  for (const c of chunks(file)) {
    const parts = (rest + dec.decode(c, { stream: true })).split('\n');
    rest = parts.pop() ?? '';
    lines += parts.length;
  }
  return lines;
}

/** The floor for event files: read the bytes and walk the record lengths. */
function bareRecords(file: string): number {
  let records = 0;
  let carry = new Uint8Array(0);
  for (const c of chunks(file)) {
    const buf = carry.length ? Buffer.concat([carry, c]) : c;
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    let at = 0;
    while (buf.length - at >= 12) {
      const end = at + 16 + view.getUint32(at, true);
      if (end > buf.length) break;
      records++;
      at = end;
    }
    carry = buf.slice(at);
  }
  return records;
}

function time<T>(f: () => T): { seconds: number; result: T } {
  const t = performance.now();
  const result = f();
  return { seconds: (performance.now() - t) / 1000, result };
}

interface FormatFigures {
  file: string;
  mb: number;
  points: number;
  pointsPerSecond: number;
  mbPerSecond: number;
  bareMbPerSecond: number;
  /** Parse time over bare read-and-split time: the target is ≤ 3 for text formats. */
  ratioToBare: number;
  bytesPerPoint: number;
}

function measure(name: string, file: string, bare: (f: string) => number): FormatFigures {
  const mb = fs.statSync(file).size / 1e6;
  bare(file); // warm the page cache and the JIT for both
  const b = time(() => bare(file));
  const p = time(() => {
    const r = new Ingester();
    for (const c of chunks(file)) r.chunk(name, c);
    r.end();
    return r.store;
  });
  const points = p.result.pointCount;
  const f: FormatFigures = {
    file: name,
    mb: +mb.toFixed(1),
    points,
    pointsPerSecond: Math.round(points / p.seconds),
    mbPerSecond: +(mb / p.seconds).toFixed(1),
    bareMbPerSecond: +(mb / b.seconds).toFixed(1),
    ratioToBare: +(p.seconds / b.seconds).toFixed(2),
    bytesPerPoint: +(p.result.bytes / points).toFixed(1),
  };
  log(
    `${name.padEnd(24)} ${String(f.mb).padStart(6)} MB  ${(f.points / 1e6).toFixed(2)}M points  ${(f.pointsPerSecond / 1e6).toFixed(2)}M points/s  ${f.mbPerSecond} MB/s  bare ${f.bareMbPerSecond} MB/s  ratio ${f.ratioToBare}  ${f.bytesPerPoint} B/point`,
  );
  return f;
}

/**
 * The main thread's event-loop delay while the real workers read `file`: over the whole run (the
 * workers' start and the drain's snapshots included) and while they ingest (first batch to last).
 */
async function eventLoopWhileIngesting(file: string): Promise<{ points: number; pointsPerSecond: number; ingesting: LoopDelay } & LoopDelay> {
  const whole = monitorEventLoopDelay({ resolution: 1 });
  const ingest = monitorEventLoopDelay({ resolution: 1 });
  let ingesting: LoopDelay = { p99ms: NaN, maxMs: NaN };
  let points = 0;
  const runDir = fs.mkdtempSync(path.join(dir, 'run-'));
  const t = performance.now();
  whole.enable();
  const pipeline = new Pipeline(
    { root: runDir, workersDir: path.join(__dirname, 'workers'), updatesPerSecond: 20 },
    {
      batch: (b) => {
        if (!points) ingest.enable();
        points += b.series.reduce((n, s) => n + s.x.length, 0);
        ingesting = loopDelay(ingest); // as of the last batch
      },
      error: (e) => log(`worker error: ${e}`),
    },
  );
  fs.linkSync(file, path.join(runDir, path.basename(file)));
  await pipeline.drain(120_000);
  whole.disable();
  ingest.disable();
  const seconds = (performance.now() - t) / 1000;
  return { points, pointsPerSecond: Math.round(points / seconds), ...loopDelay(whole), ingesting };
}

export async function bench(asJson: boolean): Promise<void> {
  json = asJson;
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tm-bench-'));
  log(`generating inputs in ${dir}…`);
  if (process.argv.includes('--bounds')) {
    // memory and idle CPU alone (minutes): `training-monitor bench --bounds`
    const bounds = await benchBounds(dir, log);
    if (json) console.log(JSON.stringify({ bounds }));
    fs.rmSync(dir, { recursive: true, force: true });
    return;
  }
  const jsonl = write(
    'metrics.jsonl',
    (i) => `{"step": ${i}, "loss": ${(1 / (1 + i / 1e4)).toFixed(6)}, "acc": ${(1 - 1 / (2 + i / 1e4)).toFixed(6)}, "lr": 0.001}\n`,
    1_500_000,
  );
  const csv = write(
    'metrics.csv',
    (i) => (i === 0 ? 'step,loss,acc,lr\n' : `${i},${(1 / (1 + i / 1e4)).toFixed(6)},${(1 - 1 / (2 + i / 1e4)).toFixed(6)},0.001\n`),
    1_000_001,
  );
  const out = write(
    'stdout.log',
    (i) =>
      `${i % 200 === 0 ? `Epoch ${i / 200 + 1}/5000\n` : ''}${String((i % 200) + 1).padStart(3)}/200 ━━━━━━━━━━━━━━━━━━━━ 1s 3ms/step - accuracy: ${(i / 2e6).toFixed(4)} - loss: ${(1 / (1 + i / 1e4)).toFixed(4)}\r${i % 200 === 199 ? '\n' : ''}`,
    1_000_000,
  );
  const tf = writeTfevents('events.out.tfevents.bench', 1_000_000);

  const results: Record<string, unknown> = {};
  results.jsonl = measure('metrics.jsonl', jsonl, bareText);
  results.csv = measure('metrics.csv', csv, bareText);
  results.progress = measure('stdout.log', out, bareText);
  results.tfevents = measure('events.out.tfevents.bench', tf, bareRecords);
  // What verifying every record's checksum costs (TensorBoard's Rust loader checks only failures).
  const bytes = fs.readFileSync(tf);
  const scalars = (verify: boolean) => () => {
    const p = new TfEventsParser();
    p.verifyData = verify;
    const c = new ScalarColumns();
    p.readInto(bytes, c);
    return c.n;
  };
  scalars(true)(); // warm the JIT
  const noCrc = time(scalars(false));
  const withCrc = time(scalars(true));
  results.tfeventsChecksum = {
    scalarsPerSecondVerified: Math.round(withCrc.result / withCrc.seconds),
    scalarsPerSecondUnverified: Math.round(noCrc.result / noCrc.seconds),
  };
  log(
    `tfevents parser alone: ${(withCrc.result / withCrc.seconds / 1e6).toFixed(2)}M scalars/s verifying every checksum, ${(noCrc.result / noCrc.seconds / 1e6).toFixed(2)}M/s without`,
  );
  const loop = await eventLoopWhileIngesting(jsonl);
  results.mainThreadWhileIngesting = loop;
  log(
    `main thread while the workers ingest ${(loop.points / 1e6).toFixed(2)}M points (${(loop.pointsPerSecond / 1e6).toFixed(2)}M points/s): event-loop delay p99 ${loop.ingesting.p99ms} ms, max ${loop.ingesting.maxMs} ms; from the workers' start to the end of the drain p99 ${loop.p99ms} ms, max ${loop.maxMs} ms`,
  );
  const tfLoop = await eventLoopWhileIngesting(tf);
  results.tfeventsThroughWorkers = tfLoop;
  log(
    `event file through the workers: ${(tfLoop.points / 1e6).toFixed(2)}M scalars, ${(tfLoop.pointsPerSecond / 1e6).toFixed(2)}M scalars/s (parser alone above); event-loop delay p99 ${tfLoop.ingesting.p99ms} ms while ingesting, ${tfLoop.p99ms} ms from start to drained`,
  );
  results.live = await liveRun(dir, path.join(__dirname, 'workers'), log);
  const cli = path.join(__dirname, 'cli.js');
  const jsonl64 = write(
    'metrics64.jsonl',
    (i) => `{"step": ${i}, "loss": ${(1 / (1 + i / 1e4)).toFixed(6)}, "acc": ${(1 - 1 / (2 + i / 1e4)).toFixed(6)}, "lr": 0.001}\n`,
    1_000_000,
  );
  const tf2 = writeTfevents('events.out.tfevents.2m', 2_000_000);
  results.wholeProcess = [
    wholeProcess(cli, jsonl64, 3_000_000, 'text', ['--json'], log),
    wholeProcess(cli, jsonl64, 3_000_000, 'text', [], log),
    wholeProcess(cli, tf2, 2_000_000, 'records', [], log),
  ];
  fs.rmSync(jsonl64);
  fs.rmSync(tf2);
  // 10M points: a step and ten metrics a line, a million lines
  const names = Array.from({ length: 10 }, (_, k) => `metric_${k}`);
  const past = write('past.jsonl', (i) => `{"step": ${i}, ${names.map((n, k) => `"${n}": ${(1 / (1 + (i + k) / 1e4)).toFixed(6)}`).join(', ')}}\n`, 1_000_000);
  results.pastRun = await pastRun(dir, past, path.join(__dirname, 'workers'), log);
  fs.rmSync(past);
  if (!process.argv.includes('--ingest')) results.bounds = await benchBounds(dir, log);
  if (json) console.log(JSON.stringify(results));
  fs.rmSync(dir, { recursive: true, force: true });
}
