/**
 * Metrics in printed output, one frame (a line or a `\r` redraw) at a time:
 *
 * - Keras: `Epoch 3/10` on its own line, then ` 12/32 ━━━ 1s 3ms/step - loss: 0.4181` (verbose 1,
 *   every redraw) or `32/32 - 0s - loss: 0.41` (verbose 2), and the older
 *   `  768/60000 [>....] - ETA: 48s - loss: 2.1636`; x is the global batch. Scanned by hand: these
 *   redraws are most of the frames.
 * - tqdm: `Epoch 0:  12%|█▏ | 24/200 [00:01<00:09, loss=0.123, lr=0.01]`. Each postfix is a point
 *   in update order: tqdm redraws its counter at most every 0.1 s while `set_postfix` updates
 *   every step, so the shown counter would merge many updates into one position.
 * - Rich/Lightning: `Epoch 1/11 ━━━ 34/45 0:00:00 • 0:00:01` with the metrics on their own lines
 *   (`train_loss: 0.206`), which take the position of the last bar.
 * - Every other line goes to the field reader (fields.ts) and its tables (lineTables.ts): plain
 *   loops, nanoGPT, llm.c, Megatron, DeepSpeed, fairseq, detectron2, MMCV/MMEngine, pytorch/examples;
 *   SB3's text tables and detectron2's `copypaste:` results are read as the blocks they are.
 * - A printed dict or JSON object (see records.ts).
 *
 * A line without a position of its own takes the stream's latest one. Before any line had one,
 * such lines (configuration dumps, environment listings) are held back: a shape of names becomes
 * a series only once it repeats with changing values, the behaviour of a curve.
 *
 * One parser per stream: Keras prints the epoch on its own line before its bars.
 */
import { stripAnsi } from './ansi';
import { CopyPaste, isDashes, KeyValueTable } from './blocks';
import { AFTER, DURATION, EQ, LineFields } from './fields';
import { kerasBatch, kerasPairs, Pairs, richBar, type Counter } from './bars';
import { evaluationHeader, isEvalWord, linePrefix, modeOf, nameInfo, type Prefix } from './lineTables';
import { emitRecord, parseRecord } from './records';
import { LineParser, type Emit } from './types';
import type { XKind } from '../protocol/batch';

/** A lone `Epoch 3/10` (Keras' header). */
const EPOCH_ONLY = /^\s*Epoch\s+(\d+)\s*\/\s*(\d+)\s*$/;
/** `Epoch 1/11 ` then a bar (Rich): see richBar. */
const EPOCH_HEAD = /^\s*Epoch\s+(\d+)\s*\/\s*\d+ /;
/** tqdm after its `12%`: `|█▏  | 24/200 [` (sticky: tried only where `%|` is). */
const TQDM_BAR = /\|[^|]*\|\s*\d+\s*\/\s*\d+\s*\[/y;
/** Shapes of unpositioned lines held before the first positioned line, and lines held per shape. */
const MAX_HELD_SHAPES = 256;
const HELD_LINES = 3;
/** Lines a multi-line dict may take. */
const MAX_DICT_LINES = 200;

const isDigit = (c: number) => c >= 48 && c <= 57;

/** Lines of one shape (the same names) seen before any line had a position. */
interface Held {
  names: string[];
  lines: number[][];
  count: number;
  changed: boolean;
  promoted: boolean;
}

export class PrintedParser extends LineParser {
  /** Keras' current epoch (1-based), from its `Epoch 3/10` header. */
  private epoch = 0;
  /** The position of the last positioned line, for lines without one. */
  private lastX = NaN;
  private lastKind: XKind = 'index';
  /** The first position: lines held before it that later prove to be a curve are placed there. */
  private firstX = NaN;
  private firstKind: XKind = 'index';
  private shapeNames: string[] = [];
  private shapeValues: number[] = [];
  /** Records and curves with no position: numbered in order. */
  private index = 0;
  private readonly pairs = new Pairs();
  /** The counter of the last Keras or Rich bar read. */
  private readonly counter: Counter = { done: 0, total: 0, end: 0 };
  private readonly fields = new LineFields();
  private readonly prefix: Prefix = { end: 0, rank: -1, host: '', logger: '' };
  /** Unrolling a step counter that restarts each epoch: the first epoch's number (0 or 1), the last epoch, the largest step in it, and the steps of the epochs before. */
  private epochBase = NaN;
  private unrollEpoch = NaN;
  private unrollMax = -Infinity;
  /** Whether the restarting counter was seen at 0 (`enumerate`), else it counts from 1. */
  private zeroBased = false;
  private offset = 0;
  /** The first pdsh host seen: its lines keep plain names. */
  private firstHost = '';
  private readonly table = new KeyValueTable();
  private readonly copy = new CopyPaste();
  private held = new Map<string, Held>();
  /** After an evaluation's header line: lines without a step are its results. */
  private evalBlock = false;
  /** A dict printed over several lines, so far, and how many lines it took. */
  private dict = '';
  private dictLines = 0;

  reset(): void {
    this.epoch = 0;
    this.lastX = this.firstX = NaN;
    this.lastKind = this.firstKind = 'index';
    this.index = 0;
    this.epochBase = this.unrollEpoch = NaN;
    this.unrollMax = -Infinity;
    this.zeroBased = false;
    this.offset = 0;
    this.firstHost = '';
    this.table.open = false;
    this.held.clear();
    this.dict = '';
    this.evalBlock = false;
  }

  read(frame: string, emit: Emit): void {
    if (frame.length > 10_000) return; // not a progress line; still shown in the log
    const text = stripAnsi(frame);
    let first = 0;
    while (text.charCodeAt(first) === 32 || text.charCodeAt(first) === 9) first++;
    const lead = text.charCodeAt(first);
    const found = this.pairs;
    found.count = 0;
    // Keras first: its bars are most of the frames, and a tqdm line never starts with `12/32 `.
    if (isDigit(lead) && kerasBatch(text, first, this.counter)) {
      kerasPairs(text, found);
      return this.emitPairs('step', Math.max(0, this.epoch - 1) * this.counter.total + this.counter.done, emit);
    }
    let m: RegExpExecArray | null;
    if (lead === 69 && (m = EPOCH_ONLY.exec(text))) {
      // E
      this.epoch = Number(m[1]);
      return;
    }
    const pct = text.indexOf('%|');
    if (pct > 0 && isDigit(text.charCodeAt(pct - 1)) && ((TQDM_BAR.lastIndex = pct + 1), (m = TQDM_BAR.exec(text)))) {
      const from = pct + 1 + m[0].length;
      const close = text.lastIndexOf(']');
      if (close > from && this.fields.read(text, from, close)) this.emitFields('', 'index', ++this.index, emit);
      return;
    }
    if (lead === 69 && (m = EPOCH_HEAD.exec(text)) && richBar(text, m[0].length, this.counter)) {
      // Lightning counts epochs from 0; the metrics after the rate (`0.00it/s v_num: 0 loss: 0.2`)
      const rate = text.indexOf('it/s', this.counter.end);
      const x = Number(m[1]) * this.counter.total + this.counter.done;
      this.position('step', x);
      if (rate > 0 && this.fields.read(text, rate + 4)) this.emitFields('', 'step', x, emit);
      return;
    }
    const p = linePrefix(text, first, this.prefix).end;
    if (this.dict) return this.dictLine(text, emit);
    if (text.charCodeAt(p) === 123) {
      // {
      const record = parseRecord(p === first ? text : text.slice(p));
      if (record) return this.record(record, emit);
      if (text.indexOf('}', p) < 0) {
        // a dict pretty-printed over several lines (TF2 Object Detection logs `pprint.pformat(losses)`)
        this.dict = text.slice(p);
        this.dictLines = 1;
        return;
      }
    }
    if (this.blocks(text, p, emit)) return;
    const n = this.fields.read(text, p);
    if (n && this.metricCount()) return this.line(emit);
    // `***** Evaluating perplexity, Epoch 1/1 *****`: what follows without a step is an evaluation
    if (evaluationHeader(text, p) && text.indexOf('\u2501') < 0) this.evalBlock = true; // not Lightning's `Validation ━━━ 10/10` bar
  }

  /** A record: its own step or epoch if it has one, else the latest position (or the next index). */
  private record(record: NonNullable<ReturnType<typeof parseRecord>>, emit: Emit): void {
    if (this.lastX !== this.lastX) return emitRecord(record, ++this.index, emit);
    const { lastKind, lastX } = this;
    emitRecord(record, 0, (name, kind, x, y, wall) => (kind === 'index' ? emit(name, lastKind, lastX, y, wall) : emit(name, kind, x, y, wall)));
  }

  /**
   * A line of a dict printed over several lines, until the line that closes it. Before training
   * such a dict is a configuration (`json.dumps(config, indent=2)`), not a measurement.
   */
  private dictLine(text: string, emit: Emit): void {
    this.dict += '\n' + text;
    const end = text.trimEnd();
    if (end.charCodeAt(end.length - 1) === 125) {
      const record = parseRecord(this.dict);
      this.dict = '';
      if (record && this.lastX === this.lastX) this.record(record, emit);
    } else if (++this.dictLines > MAX_DICT_LINES || this.dict.length > 20_000) this.dict = '';
  }

  /** SB3's tables and detectron2's `copypaste:` results; true when the line was one of theirs. */
  private blocks(text: string, p: number, emit: Emit): boolean {
    const table = this.table;
    if (isDashes(text, p)) {
      if (table.open && table.names.length) {
        table.open = false;
        const at = table.names.indexOf('time/total_timesteps');
        const x = at >= 0 ? table.values[at] : ++this.index;
        const kind: XKind = at >= 0 ? 'step' : 'index';
        for (let k = 0; k < table.names.length; k++) if (k !== at) emit(table.names[k], kind, x, table.values[k]);
        this.position(kind, x);
      } else table.start();
      return true;
    }
    if (table.open) {
      if (table.row(text, p)) return true;
      table.open = false;
    }
    if (text.startsWith('copypaste: ', p)) {
      if (this.copy.line(text, p + 11)) {
        const { names, values } = this.copy;
        const x = this.lastX === this.lastX ? this.lastX : ++this.index;
        const kind = this.lastX === this.lastX ? this.lastKind : 'index';
        for (let k = 0; k < names.length; k++) emit(names[k], kind, x, values[k]);
      }
      return true;
    }
    return false;
  }

  /** A line the field reader found pairs in: its position from its fields, then its metrics. */
  private line(emit: Emit): void {
    const f = this.fields;
    let global = NaN;
    let step = NaN;
    let stepTotal = NaN;
    let epoch = NaN;
    let inner = NaN;
    let innerTotal = NaN;
    let mode = '';
    let rank = this.prefix.rank;
    for (let k = 0; k < f.count; k++) {
      if (f.flags[k] & (DURATION | AFTER)) continue;
      const name = f.names[k];
      const pos = nameInfo(name).position;
      if (pos === undefined || pos === 'mention') {
        if (name.length === 4 && name.toLowerCase() === 'rank') rank = f.values[k];
        continue;
      }
      mode ||= modeOf(name);
      if (pos === 'global' && global !== global) global = f.values[k];
      else if (pos === 'step' && step !== step) {
        step = f.values[k];
        stepTotal = f.totals[k];
      } else if (pos === 'epoch' && epoch !== epoch) {
        epoch = f.values[k];
        inner = f.inner[k];
        innerTotal = f.innerTotals[k];
      }
    }
    if (inner !== inner && f.counter === f.counter) {
      // `Epoch: [0]  [0/6]`, `epoch 001:    100 / 1000`, `[0/6] loss …`
      if (epoch === epoch) [inner, innerTotal] = [f.counter, f.counterTotal];
      else if (step !== step) [step, stepTotal] = [f.counter, f.counterTotal];
    }
    if (step !== step && epoch !== epoch && f.lead === f.lead) step = f.lead; // `[100] loss: 1.2`
    const logger = this.prefix.logger;
    const evaluation = isEvalWord(mode) || isEvalWord(f.evalWord) || isEvalWord(logger);
    let prefix = '';
    const host = this.prefix.host;
    if (host && !this.firstHost) this.firstHost = host;
    if (rank > 0) prefix = `rank${rank}/`;
    else if (host && host !== this.firstHost) prefix = `${host}/`;
    if (f.label) prefix += `${f.label}/`;
    let valPrefix = '';
    if (evaluation) valPrefix = `${mode || logger || f.evalWord}/`;
    else if (logger === 'train')
      valPrefix = 'train/'; // fairseq's epoch summary, apart from its `train_inner` lines
    else if (this.evalBlock && global !== global && step !== step && inner !== inner && epoch !== epoch) valPrefix = 'eval/';
    let kind: XKind = 'step';
    let x = NaN;
    if (evaluation) x = NaN;
    else if (global === global) x = global;
    else if (step === step) x = epoch === epoch ? this.unroll(epoch, step, stepTotal) : step;
    else if (inner === inner) x = this.unroll(epoch, inner, innerTotal);
    else if (epoch === epoch) [kind, x] = ['epoch', epoch];
    if (x === x) {
      this.position(kind, x);
      return this.emitFields(prefix, kind, x, emit, valPrefix);
    }
    // a line without a position that is more prose than pairs (a traceback's `File "x.py", line 12, in f`)
    if (f.spoilt >= f.kept && !this.hasBound()) return;
    if (this.lastX !== this.lastX) return this.hold(prefix + valPrefix, emit);
    if (this.held.size) {
      // a shape held before training that comes back: it was the first point of a curve
      const h = this.held.get(this.shape(prefix + valPrefix));
      if (h && !h.promoted) {
        for (const line of h.lines) for (let k = 0; k < h.names.length; k++) emit(h.names[k], this.firstKind, this.firstX, line[k]);
        this.held.delete(this.shape(prefix + valPrefix));
      }
    }
    this.emitFields(prefix, this.lastKind, this.lastX, emit, valPrefix, true);
  }

  /** Whether the line has a `name=value` pair that is a metric. */
  private hasBound(): boolean {
    const f = this.fields;
    for (let k = 0; k < f.count; k++) if (f.flags[k] & EQ && !nameInfo(f.names[k]).notMetric) return true;
    return false;
  }

  /** How many of the field reader's pairs are metrics. */
  private metricCount(): number {
    const f = this.fields;
    let n = 0;
    for (let k = 0; k < f.count; k++) {
      const info = nameInfo(f.names[k]);
      if (!(f.flags[k] & DURATION) && !info.notMetric && (f.flags[k] & AFTER || !info.position)) n++;
    }
    return n;
  }

  /** The line's position, which lines without one take. */
  private position(kind: XKind, x: number): void {
    this.evalBlock = false;
    if (this.firstX !== this.firstX) [this.firstX, this.firstKind] = [x, kind];
    this.lastX = x;
    this.lastKind = kind;
  }

  /** The metric names and values of the field reader's line into `shapeNames`/`shapeValues`; returns their key. */
  private shape(prefix: string): string {
    const f = this.fields;
    const names = (this.shapeNames = [] as string[]);
    const values = (this.shapeValues = [] as number[]);
    for (let k = 0; k < f.count; k++) {
      const raw = f.names[k];
      const info = nameInfo(raw);
      if (f.flags[k] & DURATION || info.notMetric || info.config) continue;
      names.push(prefix + info.metric);
      values.push(f.values[k]);
    }
    return names.join('\u0001');
  }

  /** x of `inner` in `epoch` when the inner counter restarts each epoch. */
  private unroll(epoch: number, inner: number, total: number): number {
    if (this.epochBase !== this.epochBase) this.epochBase = epoch < 1 ? 0 : 1;
    if (total > 0) return (epoch - this.epochBase) * total + inner;
    if (inner === 0) this.zeroBased = true;
    if (epoch > this.unrollEpoch && inner <= this.unrollMax) {
      // the epoch's last counter value was unrollMax: 1-based counters go on from it, 0-based past it
      this.offset += this.unrollMax + (this.zeroBased ? 1 : 0);
      this.unrollMax = -Infinity;
    }
    this.unrollEpoch = epoch;
    if (inner > this.unrollMax) this.unrollMax = inner;
    return this.offset + inner;
  }

  /** Emits the field reader's metrics at (`kind`, `x`); `attached`: the line had no position of its own. */
  private emitFields(prefix: string, kind: XKind, x: number, emit: Emit, valPrefix = '', attached = false): void {
    const f = this.fields;
    for (let k = 0; k < f.count; k++) {
      const flags = f.flags[k];
      const raw = f.names[k];
      const info = nameInfo(raw);
      if (flags & DURATION || info.notMetric || (!(flags & AFTER) && info.position)) continue;
      if (attached && info.config) continue; // a configuration key printed mid-run
      let name = info.metric;
      if (valPrefix) name = name.includes('/') && valPrefix.endsWith('/') ? name : valPrefix + name;
      if (prefix) name = prefix + name;
      emit(name, kind, x, f.values[k]);
    }
  }

  /**
   * Holds the metrics of a line with no position before any line had one. A shape (the same
   * names) that comes back with other values is a curve: its lines are sent, numbered in order.
   * Configuration dumps print each key once, or the same value each time, and stay held.
   */
  private hold(prefix: string, emit: Emit): void {
    const key = this.shape(prefix);
    const { shapeNames: names, shapeValues: values } = this;
    if (!names.length) return;
    let h = this.held.get(key);
    if (!h) {
      if (this.held.size >= MAX_HELD_SHAPES) return;
      h = { names, lines: [], count: 0, changed: false, promoted: false };
      this.held.set(key, h);
    }
    if (h.promoted) {
      const x = ++this.index;
      for (let k = 0; k < names.length; k++) emit(names[k], 'index', x, values[k]);
      return;
    }
    h.count++;
    if (h.lines.length && values.some((v, k) => !Object.is(v, h.lines[0][k]))) h.changed = true;
    if (h.lines.length < HELD_LINES) h.lines.push(values);
    if (h.count < HELD_LINES || !h.changed) return;
    h.promoted = true;
    for (const line of h.lines) {
      const x = ++this.index;
      for (let k = 0; k < names.length; k++) emit(names[k], 'index', x, line[k]);
    }
    h.lines = [];
  }

  /** Sends the Keras pairs at (`xKind`, `x`), which becomes the last position. */
  private emitPairs(xKind: XKind, x: number, emit: Emit): void {
    this.position(xKind, x);
    const { names, values, count } = this.pairs;
    for (let k = 0; k < count; k++) if (!KERAS_NOT_METRICS.has(names[k])) emit(names[k], xKind, x, values[k]);
  }
}

/** Position words in Keras lines. */
const KERAS_NOT_METRICS = new Set(['step', 'epoch', 'global_step', 'iteration', 'iter', 'batch', 'ETA']);
