/**
 * The bench's bounds part (`training-monitor bench --bounds`): peak memory of the real CLI (its
 * workers included) on a 220 MB backlog of 3M lines, a 300 MB line without a newline and 200k
 * distinct JSONL keys, read with `/usr/bin/time -v`; when the first batch of that backlog comes
 * and what it holds; and the idle CPU of a quiet run of 1 and of 5,000 files over a minute.
 * `TM_BENCH_CLI` names another built cli.js to measure (an older build, to compare).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Batch } from '../core/protocol/batch';
import { Pipeline } from '../workers/pipeline';

type Log = (s: string) => void;

function writeLines(file: string, count: number, line: (i: number) => string): void {
  const fd = fs.openSync(file, 'w');
  for (let i = 0; i < count;) {
    let s = '';
    for (const end = Math.min(count, i + 50_000); i < end; i++) s += line(i);
    fs.writeSync(fd, s);
  }
  fs.closeSync(fd);
}

/** Peak resident memory (MB) and seconds of `cli.js <args>`, workers included. */
function peak(cli: string, args: string[]): { maxRssMb: number; seconds: number } {
  const t = performance.now();
  const out = spawnSync('/usr/bin/time', ['-v', process.execPath, cli, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 64 << 20,
  }).stderr;
  const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(out)?.[1]);
  return { maxRssMb: Math.round(kb / 1024), seconds: +((performance.now() - t) / 1000).toFixed(1) };
}

/** A live attach to `root`: when the first batch came (ms) and what it held. */
async function firstBatch(root: string, workersDir: string): Promise<{ ms: number; points: number; logChars: number }> {
  const t = performance.now();
  return new Promise((resolve) => {
    const p = new Pipeline(
      { root, workersDir, updatesPerSecond: 20 },
      {
        batch: (b: Batch) => {
          if (!b.series.length) return;
          const figures = {
            ms: Math.round(performance.now() - t),
            points: b.series.reduce((n, s) => n + s.x.length, 0),
            logChars: b.logs.reduce((n, l) => n + l.text.length, 0),
          };
          void p.dispose().then(() => resolve(figures));
        },
        error: () => undefined,
      },
    );
  });
}

/** Share of one core (%) the process spends over `seconds` while a pipeline follows `root`, quiet. */
async function idleCpu(root: string, workersDir: string, seconds: number): Promise<number> {
  const p = new Pipeline({ root, workersDir, updatesPerSecond: 20 }, { batch: () => undefined, error: () => undefined });
  await new Promise((r) => setTimeout(r, 20_000)); // the backlog is read, the files settle into quiet
  const cpu = process.cpuUsage();
  const t = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const used = process.cpuUsage(cpu);
  const share = ((used.user + used.system) / 1000 / (performance.now() - t)) * 100;
  await p.dispose();
  return +share.toFixed(2);
}

export async function benchBounds(dir: string, log: Log, idleSeconds = 60): Promise<Record<string, unknown>> {
  const cli = process.env.TM_BENCH_CLI ?? path.join(__dirname, 'cli.js');
  const workersDir = path.join(path.dirname(cli), 'workers');
  const results: Record<string, unknown> = {};

  const backlog = fs.mkdtempSync(path.join(dir, 'backlog-'));
  writeLines(path.join(backlog, 'stdout.log'), 3_000_000, (i) => `step=${i} loss=${(i % 1000) / 1000} and some words the training prints, to fill the line\n`);
  const mb = (fs.statSync(path.join(backlog, 'stdout.log')).size / 1e6).toFixed(0);
  results.backlogFirstBatch = await firstBatch(backlog, workersDir);
  log(
    `backlog ${mb} MB, 3M lines, attached: first batch after ${(results.backlogFirstBatch as { ms: number }).ms} ms, ${JSON.stringify(results.backlogFirstBatch)}`,
  );
  results.backlogEnded = peak(cli, ['watch', backlog, '--idle-exit', '1']);
  log(`backlog ${mb} MB read to its end by watch: peak RSS ${JSON.stringify(results.backlogEnded)}`);

  const endless = fs.mkdtempSync(path.join(dir, 'endless-'));
  const fd = fs.openSync(path.join(endless, 'stdout.log'), 'w');
  const block = Buffer.alloc(30 << 20, 'x');
  for (let i = 0; i < 10; i++) fs.writeSync(fd, block);
  fs.closeSync(fd);
  results.endlessLine = peak(cli, ['watch', endless, '--idle-exit', '1']);
  log(`one 300 MB line without a newline: peak RSS ${JSON.stringify(results.endlessLine)}`);

  const keys = path.join(dir, 'keys.jsonl');
  writeLines(keys, 200_000, (i) => `{"step": 1, "k${i}": 0.5}\n`);
  results.distinctKeys = peak(cli, ['parse', keys]);
  log(`200k distinct JSONL keys (${(fs.statSync(keys).size / 1e6).toFixed(1)} MB): peak RSS ${JSON.stringify(results.distinctKeys)}`);
  const header = path.join(dir, 'wide.csv');
  fs.writeFileSync(
    header,
    ['step', ...Array.from({ length: 50_000 }, (_, i) => `c${i}`)].join(',') +
      '\n' +
      Array.from({ length: 20 }, (_, s) => [s, ...Array(50_000).fill(0.5)].join(',')).join('\n') +
      '\n',
  );
  results.wideCsv = peak(cli, ['parse', header]);
  log(`a CSV of 50k columns: peak RSS ${JSON.stringify(results.wideCsv)}`);

  for (const n of [1, 5000]) {
    const run = fs.mkdtempSync(path.join(dir, `quiet${n}-`));
    for (let i = 0; i < n; i++) fs.writeFileSync(path.join(run, `w${i}.log`), `step=1 loss=${i}\n`);
    const share = await idleCpu(run, workersDir, idleSeconds);
    results[`idleCpu${n}Files`] = share;
    log(`a quiet run of ${n} file${n > 1 ? 's' : ''}: ${share}% of one core over ${idleSeconds} s`);
  }
  return results;
}
