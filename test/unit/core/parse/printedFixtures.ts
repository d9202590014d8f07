/**
 * Reading a framework fixture's printed log as the CLI reads `stdout.log`, for the printed-*
 * tests. The fixtures' values follow `loss(i) = 4 / (1 + i / 100)`.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Ingester } from '../../../../src/core/ingester';

export const fixtures = path.join(__dirname, '..', '..', '..', 'fixtures');
export const loss = (i: number) => 4 / (1 + i / 100);
export const fixed = (v: number, digits: number) => +v.toFixed(digits);
export const range = (from: number, to: number, by: number) => Array.from({ length: Math.floor((to - from) / by) + 1 }, (_, k) => from + k * by);

export interface Series {
  xKind: string;
  x: number[];
  y: number[];
}

/** Every series of a fixture's stdout.log, read whole as the CLI reads it. */
export function read(folder: string, file = 'stdout.log'): Map<string, Series> {
  const r = new Ingester();
  r.chunk('stdout.log', fs.readFileSync(path.join(fixtures, folder, file)));
  r.end();
  return new Map(r.takeBatch().series.map((s) => [s.name, { xKind: s.xKind, x: [...s.x], y: [...s.y] }]));
}

export function names(series: Map<string, Series>): string[] {
  return [...series.keys()].sort();
}

export function check(s: Series | undefined, xKind: string, x: number[], y?: number[]): void {
  assert.ok(s, 'series exists');
  assert.equal(s.xKind, xKind);
  assert.deepEqual(s.x, x);
  if (y) assert.deepEqual(s.y, y);
}
