/**
 * Metrics in printed output: Keras (`Epoch 3/10`, then ` 12/32 ━━━ 1s 3ms/step - loss: 0.4181`),
 * `name=value` postfixes, and printed dicts or JSON objects (see records.ts). This is the first slice of the line parsers; it keeps one state per
 * stream because Keras prints the epoch on its own line before the bars.
 */
import { stripAnsi } from './ansi';
import { parseRecord, recordPoints } from './records';
import type { Point } from './types';

const EPOCH = /^\s*Epoch\s+(\d+)\s*\/\s*(\d+)\s*$/;
const BATCH = /^\s*(\d+)\s*\/\s*(\d+)\s/;
const NUMBER = String.raw`[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|nan|NaN|inf|Inf|-inf|-Inf`;
const KERAS_PAIR = new RegExp(String.raw`\s-\s([A-Za-z_][\w./-]*):\s(${NUMBER})`, 'g');
const EQ_PAIR = new RegExp(String.raw`(?:^|[\s,\[(])([A-Za-z_][\w./-]*)=(${NUMBER})(?=$|[\s,\])])`, 'g');
const AXES = new Set(['step', 'epoch', 'global_step', 'iteration', 'iter', 'batch']);

export function parseNumber(s: string): number {
  const lower = s.toLowerCase();
  if (lower === 'nan') return NaN;
  if (lower === 'inf' || lower === '+inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  return Number(s);
}

export class ProgressParser {
  private epoch = 0;
  private stepsPerEpoch = 0;
  /** Frames with metrics but no position: numbered in order. */
  private index = 0;

  /** The file was rewritten: positions start over. */
  reset(): void {
    this.epoch = 0;
    this.stepsPerEpoch = 0;
    this.index = 0;
  }

  parse(frame: string): Point[] {
    const text = stripAnsi(frame);
    // A printed dict or JSON object (the Hugging Face Trainer's log lines, `print(json.dumps(…))`).
    const record = text.trimStart().startsWith('{') ? parseRecord(text) : undefined;
    if (record) return recordPoints(record, ++this.index);
    const epoch = EPOCH.exec(text);
    if (epoch) {
      this.epoch = Number(epoch[1]);
      return [];
    }
    const pairs: Array<[string, number]> = [];
    for (const m of text.matchAll(KERAS_PAIR)) pairs.push([m[1], parseNumber(m[2])]);
    if (pairs.length === 0) for (const m of text.matchAll(EQ_PAIR)) pairs.push([m[1], parseNumber(m[2])]);
    if (pairs.length === 0) return [];

    const named = new Map(pairs);
    let x: number;
    const batch = BATCH.exec(text);
    const explicit = named.get('step') ?? named.get('global_step') ?? named.get('iteration') ?? named.get('iter');
    if (explicit !== undefined && Number.isFinite(explicit)) {
      x = explicit;
    } else if (batch) {
      this.stepsPerEpoch = Number(batch[2]);
      x = Math.max(0, this.epoch - 1) * this.stepsPerEpoch + Number(batch[1]);
    } else {
      x = ++this.index;
    }
    const points: Point[] = [];
    for (const [name, y] of pairs) {
      if (!AXES.has(name)) points.push({ name, xKind: 'step', x, y });
    }
    return points;
  }
}
