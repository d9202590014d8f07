/**
 * What the names of printed pairs mean, as small tables over fields.ts: which name is the step,
 * which are position words rather than metrics, and which prefixes a logging setup or a launcher
 * puts before the message. Each entry is there because a framework prints it so (named below).
 */

import { LineFields } from './fields';

export type Position = 'global' | 'step' | 'epoch';

/** Reads what a bracket at the start of a line holds. */
const inner = new LineFields();

/**
 * Names that give a line its position. `global`: a count that never restarts (fairseq
 * `num_updates`, SB3 `time/total_timesteps`); `step`: may restart each epoch (DeepSpeed-Chat's
 * `step`, `Step [100/600]`); `epoch`: the epoch counter.
 */
const POSITIONS = new Map<string, Position>([
  ['global step', 'global'],
  ['global_step', 'global'],
  ['num_updates', 'global'],
  ['total_timesteps', 'global'],
  ['time/total_timesteps', 'global'],
  ['step', 'step'],
  ['iter', 'step'],
  ['iteration', 'step'],
  ['it', 'step'],
  ['batch', 'step'],
  ['s', 'step'], // llm.c's Logger: `s:%d trl:%f`
  ['epoch', 'epoch'],
  ['train epoch', 'epoch'],
]);
// Plurals (`epochs: 2`, `steps: 1000`) are how many, in a configuration listing: not positions.

/** Numbers that are not measurements: ids and launch facts. */
const NOT_METRICS = new Set(['v_num', 'rank', 'local_rank', 'global_rank', 'world_size', 'ppo_ep', 'micro_step', 'eta', 'exitcode', 'pid']);

/** Words a sentence puts before a name: `Epoch 1/1 with loss 2.34` (DeepSpeed-Chat). */
const FILLERS = ['with ', 'and ', 'the '];

/** Evaluation modes: `Epoch(val)` (MMEngine), fairseq's `valid` logger and `valid on 'valid' subset`. */
const EVAL_WORDS = new Set(['val', 'valid', 'validation', 'test', 'eval', 'evaluation']);

export const isEvalWord = (w: string) => EVAL_WORDS.has(w.toLowerCase());

/** Words that open an evaluation's header line: `***** Evaluating perplexity, Epoch 1/1 *****` (DeepSpeed-Chat). */
const EVAL_HEADERS = new Set(['evaluating', 'evaluation', 'validating', 'validation', 'testing']);

/** Whether one of the first two words of `s` from `i` announces an evaluation. */
export function evaluationHeader(s: string, i: number): boolean {
  for (let w = 0; w < 2; w++) {
    while (i < s.length && !isLetter(s.charCodeAt(i))) i++;
    const a = i;
    while (i < s.length && isLetter(s.charCodeAt(i))) i++;
    if (i - a > 6 && i - a < 12 && EVAL_HEADERS.has(s.slice(a, i).toLowerCase())) return true;
  }
  return false;
}

/** The mode glued to a position word (`Epoch(train)` → `train`), or ''. */
export function modeOf(name: string): string {
  const open = name.indexOf('(');
  return open > 0 && name.charCodeAt(name.length - 1) === 41 ? name.slice(open + 1, -1) : '';
}

/**
 * What a name says about the line's position: a position (`step`, `Epoch(train)`, `validation loss
 * at iteration`, `end of epoch`), `mention` for a name that only speaks of one (`Beginning of
 * Epoch 1/1`: neither a position nor a metric), or undefined.
 */
export function positionOf(name: string): Position | 'mention' | undefined {
  let key = name.toLowerCase();
  const open = key.indexOf('(');
  if (open > 0 && key.charCodeAt(open - 1) !== 32 && key.charCodeAt(key.length - 1) === 41) key = key.slice(0, open);
  const exact = POSITIONS.get(key);
  if (exact || key.indexOf(' ') < 0) return exact;
  const space = key.lastIndexOf(' ');
  const last = POSITIONS.get(key.slice(space + 1));
  if (!last) return undefined;
  // Megatron's `validation loss at iteration 100`; pytorch/examples word_language_model's `end of epoch 1`
  if (key.endsWith(' at ' + key.slice(space + 1)) || key.startsWith('end of ')) return last;
  return key.endsWith(' of ' + key.slice(space + 1)) || key.endsWith(' from ' + key.slice(space + 1)) ? 'mention' : undefined;
}

export const notMetric = (name: string) => NOT_METRICS.has(name.toLowerCase());

/** What a name is, remembered: the same names come back on every line. */
export interface NameInfo {
  position: Position | 'mention' | undefined;
  notMetric: boolean;
  config: boolean;
  /** The name to chart. */
  metric: string;
}

const known = new Map<string, NameInfo>();

export function nameInfo(name: string): NameInfo {
  let info = known.get(name);
  if (info) return info;
  if (known.size >= 4096) known.clear(); // bounded: a log of ever-new names costs a lookup, not memory
  info = { position: positionOf(name), notMetric: notMetric(name), config: configSpelling(name), metric: metricName(name) };
  known.set(name, info);
  return info;
}

/** The name to chart: fillers dropped (`with loss` → `loss`). */
export function metricName(name: string): string {
  for (const f of FILLERS) if (name.length > f.length && name.startsWith(f)) return name.slice(f.length);
  return name;
}

/** `BASE_LR`, `NCCL_IB_TIMEOUT`: the spelling of configuration and environment keys. */
export function configSpelling(name: string): boolean {
  let letters = 0;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 97 && c <= 122) return false;
    if (c >= 65 && c <= 90) letters++;
  }
  return letters >= 3;
}

const LEVELS = new Set(['INFO', 'WARNING', 'WARN', 'DEBUG', 'ERROR', 'CRITICAL']);

/** Who wrote a line, as its prefix says; `end` is where the message starts. */
export interface Prefix {
  end: number;
  /** The process rank (torchrun `[rank1]:`, `[default1]:`, DeepSpeed `[Rank 1]`), or -1. */
  rank: number;
  /** pdsh's `host: `, or ''. */
  host: string;
  /** The logger's name after the level (fairseq's `| INFO | train_inner |`), or ''. */
  logger: string;
}

const isDigit = (c: number) => c >= 48 && c <= 57;
const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isWordChar = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || isDigit(c) || c === 46 || c === 45;

/** The number at the end of `s` (`rank12` → 12), or -1. */
function trailingNumber(s: string): number {
  let i = s.length;
  while (i > 0 && isDigit(s.charCodeAt(i - 1))) i--;
  return i < s.length && s.length - i < 7 ? Number(s.slice(i)) : -1;
}

/**
 * Skips the prefixes that logging and launchers put before a message, each scanned once:
 * `[rank0]:`, `[default0]:`, `[01/13 15:44:36 d2.utils.events]:` (detectron2), `[2023-…] [INFO]
 * [logging.py:96:log_dist] [Rank 0]` (DeepSpeed), `2021-01-13 15:44:36 | INFO | train_inner |`
 * (fairseq), `2021-01-13 15:44:36,123 - mmdet - INFO -` (MMCV), `01/13 15:44:36 - mmengine - INFO -`
 * (MMEngine), `I0113 15:44:36.123456 1400 file.py:705]` (absl), `INFO:root:`, pdsh's `node-1: `. `[100]` and `[0/6]` are counters, not prefixes.
 */
export function linePrefix(s: string, from: number, out: Prefix): Prefix {
  out.rank = -1;
  out.host = '';
  out.logger = '';
  let i = from;
  for (let round = 0; round < 8; round++) {
    while (s.charCodeAt(i) === 32) i++;
    const c = s.charCodeAt(i);
    if (c === 91) {
      // `[…]`: a prefix unless it holds only a counter
      const close = s.indexOf(']', i);
      if (close < 0 || close - i > 200) break;
      let counter = true;
      for (let j = i + 1; j < close; j++) {
        const d = s.charCodeAt(j);
        if (!(isDigit(d) || d === 32 || d === 47)) counter = false;
      }
      if (counter) break;
      const inside = s.slice(i + 1, close).trim();
      const low = inside.toLowerCase();
      if (low.startsWith('rank') || low.startsWith('default')) out.rank = trailingNumber(inside);
      else if (inner.read(s, i + 1, close)) break; // `[Epoch 1/10] [D loss: 0.5]`: pairs, not a prefix
      i = close + 1;
      if (s.charCodeAt(i) === 58) i++;
      continue;
    }
    if (isDigit(c)) {
      // a timestamp: `2021-01-13 15:44:36,123` or `01/13 15:44:36`
      let j = i;
      while (j < s.length && (isDigit(s.charCodeAt(j)) || s.charCodeAt(j) === 45 || s.charCodeAt(j) === 47)) j++;
      if (j - i < 5 || (s.charCodeAt(j) !== 32 && s.charCodeAt(j) !== 84)) break;
      let k = j + 1;
      const t = k;
      while (k < s.length && (isDigit(s.charCodeAt(k)) || s.charCodeAt(k) === 58 || s.charCodeAt(k) === 44 || s.charCodeAt(k) === 46)) k++;
      if (k - t < 5 || s.charCodeAt(t + 2) !== 58) break;
      i = loggerWords(s, k, out);
      continue;
    }
    // absl/glog: `I0113 15:44:36.123456 140000000 model_lib_v2.py:705] ` (TensorFlow)
    if ((c === 73 || c === 87 || c === 69 || c === 70) && isDigit(s.charCodeAt(i + 1)) && isDigit(s.charCodeAt(i + 4)) && s.charCodeAt(i + 5) === 32) {
      const close = s.indexOf('] ', i);
      if (close > 0 && close - i < 120) {
        i = close + 2;
        continue;
      }
    }
    // `INFO:root:` (Python's basicConfig)
    let j = i;
    while (j < s.length && isWordChar(s.charCodeAt(j))) j++;
    if (j === i || j - i > 64) break;
    const word = s.slice(i, j);
    if (LEVELS.has(word) && s.charCodeAt(j) === 58) {
      const k = s.indexOf(':', j + 1);
      if (k < 0 || k - j > 64) break;
      i = k + 1;
      continue;
    }
    // pdsh: `node-1: …`, where the rest is not a value
    if (s.charCodeAt(j) === 58 && s.charCodeAt(j + 1) === 32 && !out.host && (word === 'localhost' || /[0-9-]/.test(word))) {
      const d = s.charCodeAt(j + 2);
      if (!(isDigit(d) || d === 45 || d === 43 || d === 46)) {
        out.host = word;
        i = j + 2;
        continue;
      }
    }
    break;
  }
  out.end = i;
  return out;
}

/** After a timestamp: ` | INFO | train_inner | ` or ` - mmdet - INFO - `; up to the message. */
function loggerWords(s: string, i: number, out: Prefix): number {
  let level = false; // fairseq's logger name comes after the level
  for (let w = 0; w < 4; w++) {
    let j = i;
    while (s.charCodeAt(j) === 32) j++;
    const sep = s.charCodeAt(j);
    if (sep !== 124 && sep !== 45) return i;
    j++;
    while (s.charCodeAt(j) === 32) j++;
    let k = j;
    while (k < s.length && isWordChar(s.charCodeAt(k))) k++;
    const after = s.charCodeAt(k === s.length ? k : k + (s.charCodeAt(k) === 32 ? 1 : 0));
    if (k === j || (after !== sep && k < s.length)) {
      // the message starts here
      return j;
    }
    const word = s.slice(j, k);
    if (level && sep === 124) out.logger = word;
    if (LEVELS.has(word)) level = true;
    i = k;
  }
  return i;
}
