/**
 * Which lines of a run are one metric reported by several files (a Keras bar on stdout and its
 * CSVLogger file; the Hugging Face Trainer's printed dicts, `trainer_state.json` and event files),
 * and which of them a chart draws by default: the most exact source, so a metric shows once.
 * Pure: used by the webview's charts, tested in Node.
 */

/**
 * One name for the metric a series reports. The same name is the same metric; beyond that, the
 * Hugging Face Trainer's event files name its log keys differently (transformers
 * `integrations.rewrite_logs`, called by `TensorBoardCallback.on_log`): `eval_x` becomes `eval/x`,
 * `test_x` `test/x`, any other `x` `train/x`. Those names map back to the Trainer's own keys.
 */
export function metricId(name: string): string {
  if (name.startsWith('train/')) return name.slice(6);
  if (name.startsWith('eval/')) return `eval_${name.slice(5)}`;
  if (name.startsWith('test/')) return `test_${name.slice(5)}`;
  return name;
}

/**
 * Counters that position the other values (Lightning logs `epoch`, the Trainer `epoch` and
 * `train/epoch`, CSV files their `step` column): axes, not metrics to chart.
 */
const AXES = new Set(['step', 'steps', 'global_step', 'trainer/global_step', 'epoch', 'epochs', 'iteration', 'iter', 'num_updates']);

export const isAxisCounter = (name: string): boolean => AXES.has(metricId(name).toLowerCase());

/** The run an overlaid series belongs to: its key's tag before `\0` (the shown run's have none). */
export const runOf = (key: string): string => {
  const cut = key.indexOf('\u0000');
  return cut < 0 ? '' : key.slice(0, cut);
};

/** The file name at the end of a series' source (an overlaid run's reads `label · path`). */
const fileOf = (source: string): string => source.slice(source.lastIndexOf('/') + 1).toLowerCase();

/** Files that store numbers as written by the program (event files, JSON, CSV), not as printed for a reader. */
export function storesNumbers(source: string): boolean {
  const file = fileOf(source);
  return file.includes('tfevents') || /\.(jsonl?|ndjson|csv|tsv)$/.test(file);
}

/**
 * Significant decimal digits of `v` as the shortest text that reads back as it: `0.4322` has 4,
 * `5e-05` 1, a float32 read back as a double (`0.6931471824645996`) 16.
 */
export function significantDigits(v: number): number {
  if (!Number.isFinite(v) || v === 0) return 0;
  const text = String(Math.abs(v));
  const e = text.indexOf('e');
  const mantissa = (e < 0 ? text : text.slice(0, e)).replace('.', '');
  let from = 0;
  let to = mantissa.length;
  while (from < to && mantissa[from] === '0') from++;
  while (to > from && mantissa[to - 1] === '0') to--;
  return to - from;
}

/** Digits past what people print (`%.4f`, `:.4g`, Keras' `%.4f`): the value was kept, not rounded for reading. */
const KEPT_DIGITS = 7;
/** Values looked at per series. */
const SAMPLE = 16;

/** A series' values as the chart holds them. */
export interface Values {
  y: ArrayLike<number>;
  length: number;
}

/**
 * Whether a file's values carry full precision: at least half of the non-integer values sampled
 * from its series have KEPT_DIGITS digits or more (CSVLogger writes Python's `repr` of each float
 * into `training.log`; a progress bar prints 4 decimals). Integers tell nothing and are left out.
 */
export function fullPrecision(series: Values[]): boolean {
  let kept = 0;
  let seen = 0;
  for (const s of series) {
    const step = Math.max(1, Math.floor(s.length / SAMPLE));
    for (let i = 0; i < s.length; i += step) {
      const v = s.y[i];
      if (!Number.isFinite(v) || Number.isInteger(v)) continue;
      seen++;
      if (significantDigits(v) >= KEPT_DIGITS) kept++;
    }
  }
  return seen > 0 && kept * 2 >= seen;
}

/** A line of a chart, as the rule sees it. */
export interface Candidate {
  key: string;
  name: string;
  source: string;
  points: number;
  /** Its file stores numbers or its values carry full precision (see `storesNumbers`, `fullPrecision`). */
  exact: boolean;
}

export interface Choice {
  /** Drawn by default: the metric's best source, or a line of that same file. */
  primary: boolean;
  /** The other lines of the same metric and run, from other files. */
  others: Candidate[];
}

/**
 * For each line: whether a chart draws it by default, and where else its metric appears. Lines of
 * one metric and run are ranked exact first, then by their number of points (ties keep their
 * order); the first one's file wins. Lines never hide lines of their own file, nor of other runs.
 */
export function chooseLines(lines: Candidate[]): Map<string, Choice> {
  const byMetric = new Map<string, Candidate[]>();
  for (const l of lines) {
    const id = `${runOf(l.key)}\u0000${metricId(l.name)}`;
    const same = byMetric.get(id);
    if (same) same.push(l);
    else byMetric.set(id, [l]);
  }
  const out = new Map<string, Choice>();
  for (const same of byMetric.values()) {
    let best = same[0];
    for (const l of same) if (Number(l.exact) - Number(best.exact) > 0 || (l.exact === best.exact && l.points > best.points)) best = l;
    for (const l of same) {
      const others = same.filter((o) => o.source !== l.source);
      out.set(l.key, { primary: l.source === best.source, others });
    }
  }
  return out;
}
