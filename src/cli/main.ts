/**
 * `training-monitor parse <file-or-dir> [--json]`: what the monitor extracts from a log, through
 * the same refiner the extension's worker runs.
 */
import * as fs from 'node:fs';
import { parse } from './parse';

const USAGE = 'usage: training-monitor parse <file-or-dir> [--json]';

function main(argv: string[]): number {
  const [command, target, ...flags] = argv;
  if (command !== 'parse' || !target) {
    console.error(USAGE);
    return 2;
  }
  if (!fs.existsSync(target)) {
    console.error(`training-monitor: ${target}: no such file or directory`);
    return 1;
  }
  const batch = parse(target).snapshot();
  if (flags.includes('--json')) {
    const series: Record<string, { x: number[]; y: number[]; xKind: string }> = {};
    for (const s of batch.series) series[s.name in series ? s.key : s.name] = { x: [...s.x], y: [...s.y], xKind: s.xKind };
    console.log(JSON.stringify({ series, warnings: batch.events.map((e) => e.text) }));
    return 0;
  }
  const rows = batch.series.map((s) => [s.name, s.source, String(s.x.length), String(s.y[s.y.length - 1]), s.xKind]);
  const head = ['series', 'source', 'points', 'last', 'x'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const r of [head, ...rows]) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  '));
  for (const e of batch.events) console.log(`warning: ${e.text}`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
