/**
 * Mutated real inputs through the whole ingester. Any damage: no throw. Damage as it happens to
 * logs (garbage lines, a lost stretch of bytes): the lines around it keep their points. Flipped
 * digits are not asserted on: a step number changed to a smaller one restarts a series there, as
 * TensorBoard does, by design.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatOf } from '../../../src/core/formats';
import { Ingester } from '../../../src/core/ingester';
import { generator, mutate as mutateSeed, run, seeds } from '../../fuzz/cases';

const fixtures = path.join(__dirname, '..', '..', 'fixtures');
const FILES: Array<[string, string]> = [
  ['stdout.log', path.join(fixtures, 'lightning', 'terminal-capture.raw')],
  ['stderr.log', path.join(fixtures, 'tqdm', 'stderr.txt')],
  ['stdout.log', path.join(fixtures, 'hf-trainer', 'terminal-capture.raw')],
  ['metrics.csv', path.join(fixtures, 'lightning', 'metrics.csv')],
  ['gpu.csv', path.join(fixtures, 'nvidia-smi', 'nvidia-smi-query.csv')],
  ['events.out.tfevents.1', path.join(fixtures, 'lightning', 'events.out.tfevents.1795405318.vm.621.0')],
];

let seed = 7;
const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;

const junk = () => Array.from({ length: 1 + Math.floor(rand() * 64) }, () => Math.floor(rand() * 256));

/** Anything: flipped bytes, cuts, random insertions anywhere. */
function mutate(bytes: Uint8Array): Uint8Array {
  const out = Array.from(bytes);
  for (let k = 0; k < 1 + rand() * 8; k++) {
    const at = Math.floor(rand() * out.length);
    const kind = rand();
    if (kind < 0.4) out[at] = Math.floor(rand() * 256);
    else if (kind < 0.7) out.splice(at, Math.floor(rand() * 32));
    else out.splice(at, 0, ...junk());
  }
  return Uint8Array.from(out);
}

/** What happens to logs: a line of garbage (a crashed writer, binary output), or a lost stretch. */
function damage(bytes: Uint8Array, binary: boolean): Uint8Array {
  const out = Array.from(bytes);
  for (let k = 0; k < 1 + rand() * 4; k++) {
    let at = Math.floor(rand() * out.length);
    if (!binary) at = out.indexOf(10, at) + 1; // at a line start
    if (rand() < 0.5) out.splice(at, 0, ...junk().map((b) => (b === 10 || b === 13 ? 32 : b)), ...(binary ? [] : [10]));
    else out.splice(at, Math.floor(rand() * 200));
  }
  return Uint8Array.from(out);
}

function points(file: string, bytes: Uint8Array, cut: number): number {
  const r = new Ingester();
  r.chunk(file, bytes.subarray(0, cut));
  r.chunk(file, bytes.subarray(cut));
  r.end();
  return r.store.pointCount;
}

describe('Fuzzing the ingester with mutated real inputs', () => {
  for (const [name, file] of FILES) {
    it(`${path.relative(fixtures, file)}: never throws; garbage lines and lost stretches cost only what they touch`, () => {
      const bytes = new Uint8Array(fs.readFileSync(file));
      const clean = points(name, bytes, bytes.length >> 1);
      assert.ok(clean > 0);
      for (let i = 0; i < 40; i++) {
        const bad = mutate(bytes);
        assert.doesNotThrow(() => points(name, bad, Math.floor(rand() * bad.length)), `mutation ${i}`);
      }
      const binary = name.includes('tfevents');
      for (let i = 0; i < 40; i++) {
        const bad = damage(bytes, binary);
        const n = points(name, bad, Math.floor(rand() * bad.length));
        // a damaged CSV header makes its columns unknowable (and is reported): skip that case
        if (name.endsWith('.csv') && bad.indexOf(10) !== bytes.indexOf(10)) continue;
        assert.ok(n >= clean * 0.5, `damage ${i}: ${n} of ${clean} points`);
      }
    });
  }
});

describe('Fuzzing every reader (printed lines, CSV, JSON lines, tfevents, trainer_state.json, notebooks)', () => {
  // `npm run fuzz` runs a million of these; here a few per seed keep the suite quick
  const all = seeds([fixtures]);
  it('has a seed of every format', () => {
    const formats = new Set(all.map((s) => formatOf(s.as)));
    for (const f of ['output', 'csv', 'jsonl', 'tfevents', 'trainer-state', 'notebook'] as const) assert.ok(formats.has(f), f);
  });
  for (const s of all) {
    it(`${path.relative(fixtures, s.from).startsWith('..') ? s.from : path.relative(fixtures, s.from)} as ${s.as}: 60 mutations, no throw`, () => {
      const rand = generator(s.bytes.length);
      for (let i = 0; i < 60; i++) {
        const bad = mutateSeed(s.bytes, rand);
        const cut = Math.floor(rand() * (bad.length + 1));
        assert.doesNotThrow(() => run(s.as, bad, cut), `mutation ${i}`);
      }
    });
  }
});
