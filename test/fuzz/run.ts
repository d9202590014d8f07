/**
 * `npm run fuzz [-- CASES [SEED]]`: mutated real inputs through every reader of the ingester until
 * CASES (default 1,000,000) have run; any throw stops it with the case to replay. Prints the count
 * and the time.
 */
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { generator, mutate, run, seeds } from './cases';

const cases = Number(process.argv[2] ?? 1_000_000);
const seed = Number(process.argv[3] ?? 1);
const all = seeds([path.join(__dirname, '..', 'fixtures'), '/work/shared/corpus']);
const byFormat = new Map<string, number>();
const rand = generator(seed);
const t = performance.now();
let points = 0;
for (let i = 0; i < cases; i++) {
  const s = all[i % all.length];
  const bad = mutate(s.bytes, rand);
  const cut = Math.floor(rand() * (bad.length + 1));
  try {
    points += run(s.as, bad, cut);
  } catch (err) {
    console.error(`case ${i} (seed ${seed}) of ${s.from} as ${s.as}, cut at ${cut}: ${(err as Error).stack}`);
    console.error(`input (base64): ${Buffer.from(bad).toString('base64')}`);
    process.exit(1);
  }
  byFormat.set(s.as, (byFormat.get(s.as) ?? 0) + 1);
  if ((i + 1) % 100_000 === 0) console.log(`${i + 1} cases, ${((performance.now() - t) / 1000).toFixed(0)} s`);
}
const seconds = (performance.now() - t) / 1000;
console.log(
  `${cases} cases from ${all.length} seeds, no throw, ${points} points stored in all, ${seconds.toFixed(1)} s (${Math.round(cases / seconds)} cases/s)`,
);
console.log([...byFormat].map(([as, n]) => `${as}: ${n}`).join(', '));
