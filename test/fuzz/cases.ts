/**
 * Seeds and mutations for fuzzing every reader of the ingester: printed output, CSV, JSON lines,
 * event files, trainer_state.json and notebooks. Seeds are the real inputs of test/fixtures (and of
 * /work/shared/corpus when present), plus JSON lines and a trainer_state.json written here in
 * their writers' shapes. Used by test/unit/core/fuzz.test.ts (a few seconds) and test/fuzz/run.ts (≥ 1M cases).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Ingester } from '../../src/core/ingester';

export interface Seed {
  /** The name the ingester reads it under (its format follows from it). */
  as: string;
  /** Where it came from, to reproduce a failure. */
  from: string;
  bytes: Uint8Array;
}

const enc = new TextEncoder();
/** What each fixture is read as, by its path's ending. */
const NAMES: Array<[RegExp, (file: string) => string]> = [
  [/\.ipynb$/, (f) => path.basename(f)],
  [/tfevents/, (f) => path.basename(f)],
  [/\.csv$/, () => 'metrics.csv'],
  [/stderr\.txt$/, () => 'stderr.log'],
  [/\.(raw|txt)$/, () => 'stdout.log'],
];

function filesBelow(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesBelow(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

export function seeds(dirs: string[]): Seed[] {
  const out: Seed[] = [];
  for (const file of dirs.flatMap(filesBelow)) {
    const named = NAMES.find(([re]) => re.test(file));
    if (named) out.push({ as: named[1](file), from: file, bytes: new Uint8Array(fs.readFileSync(file)) });
  }
  // detectron2 `JSONWriter.write`: json.dumps(to_save, sort_keys=True) + "\n" per iteration
  const jsonl = Array.from(
    { length: 40 },
    (_, i) =>
      JSON.stringify({ data_time: 0.0021, eta_seconds: 4000 - i, iteration: i * 20 + 19, loss_box_reg: 0.3 / (i + 1), lr: 0.02, total_loss: 1 / (i + 1) }) +
      '\n',
  ).join('');
  out.push({ as: 'metrics.jsonl', from: 'made: detectron2 JSONWriter lines', bytes: enc.encode(jsonl) });
  // transformers `TrainerState.save_to_json`: json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"
  const state = {
    best_metric: null,
    epoch: 2.0,
    global_step: 40,
    log_history: Array.from({ length: 8 }, (_, i) =>
      i % 4 === 3
        ? { epoch: (i + 1) / 4, eval_loss: 0.5 / (i + 1), step: (i + 1) * 5 }
        : { epoch: (i + 1) / 4, learning_rate: 5e-5 * (1 - i / 8), loss: 1 / (i + 1), step: (i + 1) * 5 },
    ),
    max_steps: 40,
  };
  out.push({ as: 'checkpoint-40/trainer_state.json', from: 'made: trainer_state.json', bytes: enc.encode(JSON.stringify(state, null, 2) + '\n') });
  return out;
}

/** A small deterministic generator (so a failing case can be replayed from its number). */
export function generator(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x100000000;
  };
}

const INTERESTING = [
  '\n',
  '\r',
  '\r\n',
  '{',
  '}',
  '[',
  ']',
  '"',
  ',',
  ':',
  '=',
  ' ',
  '\t',
  '-',
  '.',
  'e',
  'nan',
  'inf',
  '-Infinity',
  'NaN',
  '9'.repeat(400),
  '1e309',
  '\\u',
  '\\',
  'step',
  'loss',
  'epoch',
  '|',
  '/',
  '%',
  '\x1b[2K',
  '\x00',
  '\xff',
  '€',
  '\ud83d',
  '<table>',
  'it/s]',
];

/** A mutation of `bytes`: flipped bytes, cuts, repeats, splices of tokens that steer parsers. */
export function mutate(bytes: Uint8Array, rand: () => number): Uint8Array {
  // a window of the input keeps cases small (a cut start is a damage as good as any)
  let b = bytes;
  if (b.length > 2048 && rand() < 0.9) {
    const from = Math.floor(rand() * (b.length - 256));
    b = b.subarray(from, from + 256 + Math.floor(rand() * 1792));
  }
  const out = Array.from(b);
  const edits = 1 + Math.floor(rand() * 8);
  for (let k = 0; k < edits; k++) {
    const at = Math.floor(rand() * (out.length + 1));
    const kind = rand();
    if (kind < 0.25) out[at] = Math.floor(rand() * 256);
    else if (kind < 0.45) out.splice(at, Math.floor(rand() * 64));
    else if (kind < 0.75) out.splice(at, 0, ...enc.encode(INTERESTING[Math.floor(rand() * INTERESTING.length)]));
    else if (kind < 0.9) {
      const len = Math.floor(rand() * 32);
      out.splice(at, 0, ...out.slice(at, at + len), ...out.slice(at, at + len)); // a repeated stretch
    } else out.splice(at, 0, ...Array.from({ length: 1 + Math.floor(rand() * 16) }, () => Math.floor(rand() * 256)));
  }
  return Uint8Array.from(out);
}

/** The whole ingester over `bytes` as file `as`, cut in two chunks at `cut`; returns the points stored. */
export function run(as: string, bytes: Uint8Array, cut: number): number {
  const r = new Ingester();
  r.chunk(as, bytes.subarray(0, cut));
  r.chunk(as, bytes.subarray(cut));
  r.end();
  r.takeBatch();
  return r.store.pointCount;
}
