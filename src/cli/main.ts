/**
 * `training-monitor`: what the monitor makes of a log, from a terminal.
 *
 *   parse <file-or-dir> [--json]                       read everything once
 *   watch <file-or-dir> [--json] [--idle-exit SECONDS] follow it live through the real workers
 *   bench [--json] [--ingest | --bounds]               the ingestion benchmarks (--ingest: without the bounds)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { Batch, MonitorEvent, SeriesDelta } from '../core/protocol/batch';
import type { SeriesCount } from '../core/series';
import { Pipeline } from '../workers/pipeline';
import { bench } from './bench';
import { bigFile, runParts, type PartMessage, type PartRequest } from './eventsSplit';
import { JsonOut } from './jsonOut';
import { readAll } from './parse';

const USAGE = `usage: training-monitor parse <file-or-dir> [--json]
       training-monitor watch <file-or-dir> [--json] [--idle-exit SECONDS]
       training-monitor bench [--json]`;

/** `--json`: exactly {"series": {name: {x, y, xKind}}, "warnings": [...]}; a name two sources share is keyed `source:name` the second time. */
function print(batch: Batch, json: boolean): void {
  if (json) {
    const names = new Set<string>();
    const out = new JsonOut();
    out.add('{"series":{');
    batch.series.forEach((s, i) => {
      const name = names.has(s.name) ? s.key : s.name;
      names.add(name);
      out.add(`${i ? ',' : ''}${JSON.stringify(name)}:{"x":`);
      out.numbers(s.x);
      out.add(',"y":');
      out.numbers(s.y);
      out.add(`,"xKind":${JSON.stringify(s.xKind)}}`);
    });
    out.add(`},"warnings":${JSON.stringify(batch.events.filter((e) => e.level !== 'info').map((e) => e.text))}}\n`);
    out.flush();
    return;
  }
  printTable(batch.series.map(counted), batch.events);
}

/** The table and the events, as `parse` without --json prints them. */
function printTable(series: SeriesCount[], events: MonitorEvent[]): void {
  console.log(table(series));
  for (const e of events) console.log(`${e.level}: ${e.text}`);
}

function counted(s: SeriesDelta): SeriesCount {
  return { key: s.key, name: s.name, source: s.source, xKind: s.xKind, points: s.x.length, last: s.y[s.y.length - 1] };
}

function table(series: SeriesCount[]): string {
  const rows = series.map((s) => [s.name, s.source, String(s.points), String(s.last), s.xKind]);
  const head = ['series', 'source', 'points', 'last', 'x'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [head, ...rows]
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function watch(target: string, json: boolean, idleExitSeconds: number | undefined): Promise<number> {
  return new Promise((resolve) => {
    let lastActivity = Date.now();
    const pipeline = new Pipeline(
      { root: path.resolve(target), workersDir: path.join(__dirname, 'workers'), updatesPerSecond: 4 },
      {
        batch: (b) => {
          if (b.series.length || b.logs.length) lastActivity = Date.now();
        },
        error: (text) => console.error(`training-monitor: ${text}`),
      },
    );
    const live = idleExitSeconds === undefined && process.stdout.isTTY && !json;
    let finishing = false;
    const finish = async () => {
      if (finishing) return;
      finishing = true;
      clearInterval(timer);
      await pipeline.drain();
      if (live) process.stdout.write('\x1b[2J\x1b[H');
      print(await pipeline.snapshot(true), json);
      resolve(0);
    };
    const timer = setInterval(async () => {
      if (idleExitSeconds !== undefined && Date.now() - lastActivity > idleExitSeconds * 1000) return void finish();
      if (live) {
        const snap = await pipeline.snapshot(true);
        process.stdout.write(`\x1b[2J\x1b[H${table(snap.series.map(counted))}\n\nwatching ${target} (Ctrl-C to stop)\n`);
      }
    }, 1000);
    process.once('SIGINT', () => void finish());
  });
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const json = rest.includes('--json');
  if (command === 'bench') {
    await bench(json);
    return 0;
  }
  const idleAt = rest.indexOf('--idle-exit');
  const target = rest.find((a, i) => !a.startsWith('--') && !(idleAt >= 0 && i === idleAt + 1));
  if ((command !== 'parse' && command !== 'watch') || !target) {
    console.error(USAGE);
    return 2;
  }
  if (!fs.existsSync(target)) {
    console.error(`training-monitor: ${target}: no such file or directory`);
    return 1;
  }
  if (command === 'parse') {
    if (bigFile(target)) early = partWorker();
    const ingester = await readAll(target, spawnPart);
    void early?.terminate(); // not needed after all (not an event file)
    // the batch is the snapshot, unless so many events came that the ingester kept only the last
    // ones; a table takes counts, not a copy of every point
    if (json) {
      const batch = ingester.takeBatch();
      print(batch.events.length > 2000 ? ingester.snapshot() : batch, json);
    } else {
      const counts = ingester.takeCounts();
      if (counts.events.length > 2000) print(ingester.snapshot(), json);
      else printTable(counts.series, counts.events);
    }
    return 0;
  }
  const idle = idleAt >= 0 ? Number(rest[idleAt + 1]) : undefined;
  if (idle !== undefined && !(idle >= 0)) {
    console.error('training-monitor: --idle-exit takes a number of seconds');
    return 2;
  }
  return watch(target, json, idle);
}

/** A worker started ahead for a big file named alone: it loads while this thread lists and reads the first part. */
let early: Worker | undefined;

function partWorker(): Worker {
  return new Worker(__filename, { workerData: { eventsPart: true } });
}

/** Parts of a big event file, parsed by this same script on a worker thread. */
function spawnPart(req: PartRequest, onMessage: (m: PartMessage) => void): { stop(): void } {
  const worker = early ?? partWorker();
  early = undefined;
  let ended = false;
  const end = () => {
    if (!ended) onMessage({ segment: -1 });
    ended = true;
  };
  worker.on('message', (m: PartMessage) => {
    if (m.segment < 0) end();
    else onMessage(m);
  });
  worker.once('error', end);
  worker.once('exit', end);
  worker.postMessage(req);
  return { stop: () => void worker.terminate() };
}

if (!isMainThread && workerData?.eventsPart) {
  parentPort!.once('message', (req: PartRequest) =>
    runParts(req, (m) =>
      parentPort!.postMessage(m, m.part ? [m.part.tagOf, m.part.x, m.part.y, m.part.wall, m.part.held].map((a) => a.buffer as ArrayBuffer) : []),
    ),
  );
} else {
  // exitCode, not exit(): a large --json answer to a pipe must finish writing first.
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err) => {
      console.error(`training-monitor: ${err instanceof Error ? err.message : err}`);
      process.exitCode = 1;
    },
  );
}
