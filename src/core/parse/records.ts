/**
 * Metric records: a JSON object (JSON Lines files, or a line of output) or a Python dict as
 * printed by `print(dict)` — the Hugging Face Trainer prints `{'loss': '0.6934', 'epoch': 0.5}`,
 * with numbers quoted in transformers ≥ 5. One small literal parser reads both, including the
 * `NaN`/`Infinity` Python's json module writes and Python's `nan`/`inf`/`True`/`None`.
 */
import type { XKind } from '../protocol/batch';
import { freshCopy } from '../seriesName';
import { epochSeconds, readNumber } from './number';
import { scanFlatObject } from './scan';
import { IN_NUMS, KeyBytes, scanFlatObjectBytes, type ScannedFields } from './scanBytes';
import { LineParser, Row, type Emit, type EmitRow, type Point } from './types';

type Literal = number | string | boolean | null | Literal[] | { [k: string]: Literal };

const WORDS: Record<string, Literal> = {
  true: true,
  false: false,
  null: null,
  True: true,
  False: false,
  None: null,
  NaN: NaN,
  nan: NaN,
  Infinity: Infinity,
  inf: Infinity,
};

/** Nesting deeper than this is no metric record: the literal parser refuses it rather than recurse without end. */
const MAX_DEPTH = 64;

class LiteralParser {
  at = 0;
  private depth = 0;
  constructor(private readonly s: string) {}

  parse(): Literal {
    const v = this.value();
    this.space();
    if (this.at !== this.s.length) throw new SyntaxError('trailing text');
    return v;
  }

  private space(): void {
    while (this.at < this.s.length && ' \t\n\r'.includes(this.s[this.at])) this.at++;
  }

  private value(): Literal {
    this.space();
    const c = this.s[this.at];
    if (c === '{') return this.object();
    if (c === '[' || c === '(') return this.array(c === '[' ? ']' : ')');
    if (c === '"' || c === "'") return this.string(c);
    const m = /^(?:-?(?:Infinity|inf)|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|[A-Za-z_]\w*)/.exec(this.s.slice(this.at, this.at + 64));
    if (!m) throw new SyntaxError(`unexpected ${c}`);
    this.at += m[0].length;
    const w = m[0];
    if (w in WORDS) return WORDS[w];
    if (w === '-Infinity' || w === '-inf') return -Infinity;
    const n = Number(w);
    if (Number.isNaN(n)) throw new SyntaxError(`unknown word ${w}`);
    return n;
  }

  private object(): Literal {
    const out: Record<string, Literal> = {};
    this.enter();
    for (;;) {
      this.space();
      if (this.s[this.at] === '}') {
        this.at++;
        this.depth--;
        return out;
      }
      const key = this.value();
      this.space();
      if (this.s[this.at++] !== ':') throw new SyntaxError('expected :');
      out[String(key)] = this.value();
      this.space();
      if (this.s[this.at] === ',') this.at++;
      else if (this.s[this.at] !== '}') throw new SyntaxError('expected , or }');
    }
  }

  private array(close: string): Literal {
    const out: Literal[] = [];
    this.enter();
    for (;;) {
      this.space();
      if (this.s[this.at] === close) {
        this.at++;
        this.depth--;
        return out;
      }
      out.push(this.value());
      this.space();
      if (this.s[this.at] === ',') this.at++;
      else if (this.s[this.at] !== close) throw new SyntaxError(`expected , or ${close}`);
    }
  }

  private enter(): void {
    this.at++;
    if (++this.depth > MAX_DEPTH) throw new SyntaxError('nested too deeply');
  }

  private string(quote: string): string {
    let out = '';
    for (this.at++; this.at < this.s.length; this.at++) {
      const c = this.s[this.at];
      if (c === quote) {
        this.at++;
        return out;
      }
      if (c === '\\') {
        const e = this.s[++this.at];
        if (e === 'u') {
          out += String.fromCharCode(parseInt(this.s.slice(this.at + 1, this.at + 5), 16));
          this.at += 4;
        } else out += ({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' } as Record<string, string>)[e] ?? e;
      } else out += c;
    }
    throw new SyntaxError('unterminated string');
  }
}

/** The object on a line (JSON or a Python dict), or undefined when the line is not one. */
export function parseRecord(line: string): Record<string, Literal> | undefined {
  const t = line.trim();
  if (t[0] !== '{' || t[t.length - 1] !== '}') return undefined;
  if (t[1] === '"' || t[1] === '}') {
    try {
      return JSON.parse(t) as Record<string, Literal>; // the fast path for ordinary JSON
    } catch {
      // NaN/Infinity from Python's json module: the literal parser reads them
    }
  }
  try {
    const v = new LiteralParser(t).parse();
    return v && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Keys that position a record rather than measure something, in order of preference. */
const AXES: Array<[string, XKind]> = [
  ['step', 'step'],
  ['global_step', 'step'],
  ['iteration', 'step'],
  ['iter', 'step'],
  // fairseq's JSON progress bar: `num_updates`, tag-prefixed in its end-of-epoch summaries
  ['num_updates', 'step'],
  ['train_num_updates', 'step'],
  ['valid_num_updates', 'step'],
  ['epoch', 'epoch'],
  ['wall_time', 'wall'],
  ['timestamp', 'wall'],
  ['time', 'wall'],
];
const AXIS_RANK = new Map(AXES.map(([k], i) => [k, i]));
/** The rank of a key that is no axis. */
const METRIC = AXES.length;
const EPOCH = AXIS_RANK.get('epoch')!;

/** A field's number: a number, or a string holding one (`'0.6934'`, as transformers ≥ 5 prints them). */
function numeric(v: Literal | undefined): number | undefined {
  return typeof v === 'number' ? v : typeof v === 'string' ? readNumber(v) : undefined;
}

/** Field i's value as a number, if it is one or a string of one. */
function fieldNumber(f: Fields, i: number): number | undefined {
  const v = f.values[i];
  return v === IN_NUMS ? f.nums![i] : numeric(v);
}

/** A record's fields, nested objects flattened as `a/b`; values other than numbers and strings as undefined. */
export interface Fields extends ScannedFields {
  count: number;
  /** Whether objects nested deeper than MAX_DEPTH were left out. */
  tooDeep?: boolean;
  /** Each field's axis rank, kept by position for the key it was found for: a file's lines repeat their keys. */
  ranks?: { keys: string[]; of: number[] };
}

/** Field i's rank among the AXES, or METRIC. */
function rankAt(f: Fields, i: number): number {
  const k = f.keys[i];
  const r = f.ranks;
  if (!r) return AXIS_RANK.get(k) ?? METRIC;
  if (r.keys[i] !== k) {
    r.keys[i] = freshCopy(k); // kept for the file's life: not a slice of the chunk it was read from
    r.of[i] = AXIS_RANK.get(k) ?? METRIC;
  }
  return r.of[i];
}

/**
 * Flattens without recursion (JSON.parse reads a line nested thousands of levels deep; a recursive
 * walk of it would overflow the stack): objects below MAX_DEPTH are left out and `tooDeep` says so.
 */
export function flatten(record: Record<string, Literal>, into: Fields = { keys: [], values: [], count: 0 }): Fields {
  into.count = 0;
  into.tooDeep = false;
  // Depth first, in key order, as the record reads: one frame per open object.
  const stack: Array<{ keys: string[]; obj: Record<string, Literal>; at: number; prefix: string }> = [];
  const open = (obj: Record<string, Literal>, prefix: string) => stack.push({ keys: Object.keys(obj), obj, at: 0, prefix });
  open(record, '');
  while (stack.length) {
    const top = stack[stack.length - 1];
    if (top.at === top.keys.length) {
      stack.pop();
      continue;
    }
    const k = top.keys[top.at++];
    const v = top.obj[k];
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      if (stack.length <= MAX_DEPTH) open(v, `${top.prefix}${k}/`);
      else into.tooDeep = true;
    } else {
      into.keys[into.count] = top.prefix + k;
      into.values[into.count++] = typeof v === 'number' || typeof v === 'string' ? v : undefined;
    }
  }
  return into;
}

/** Where a record's points lie, as `position` found (one object reused: the hot path places one a line). */
const placed = { x: 0, xKind: 'index' as XKind, rank: METRIC, wall: undefined as number | undefined };

/**
 * Places a record: its first axis key gives x (else `index`), a time field dates its points.
 */
function position(f: Fields, index: number): void {
  let x = index;
  let xKind: XKind = 'index';
  let rank = METRIC;
  let wall: number | undefined;
  let wallRank = METRIC;
  for (let i = 0; i < f.count; i++) {
    const r = rankAt(f, i);
    if (r === METRIC) continue;
    let v = fieldNumber(f, i);
    if (v === undefined || !Number.isFinite(v)) continue;
    const kind = AXES[r][1];
    if (kind === 'wall') {
      v = epochSeconds(v);
      if (r < wallRank) [wall, wallRank] = [v, r];
    }
    if (r < rank) [x, xKind, rank] = [v, kind, r];
  }
  placed.x = x;
  placed.xKind = xKind;
  placed.rank = rank;
  placed.wall = wall;
}

/**
 * Whether field i of the record just placed is a metric: every numeric field but the position
 * keys, except `epoch` when a step is the x (Lightning logs it that way: it shows where epochs turn).
 */
function isMetric(f: Fields, i: number): boolean {
  const r = rankAt(f, i);
  return r === METRIC || (r === EPOCH && placed.rank !== EPOCH);
}

/** The points of a record's fields, one by one: `rowOfFields`, then each point of the row. */
export function emitFields(f: Fields, index: number, emit: Emit): void {
  rowOfFields(f, index, emitted);
  emitted.emit(emit);
}
const emitted = new Row();

/** The points of a record's fields as one row: see `position` and `isMetric`. */
export function rowOfFields(f: Fields, index: number, row: Row): void {
  position(f, index);
  row.start(placed.xKind, placed.x, placed.wall);
  for (let i = 0; i < f.count; i++) {
    if (!isMetric(f, i)) continue;
    const y = fieldNumber(f, i);
    if (y !== undefined) row.put(f.keys[i], y);
  }
}

export function emitRecord(record: Record<string, Literal>, index: number, emit: Emit): void {
  emitFields(flatten(record), index, emit);
}

/** The points of a record as objects (tests, tools). */
export function recordPoints(record: Record<string, Literal>, index: number): Point[] {
  const out: Point[] = [];
  emitRecord(record, index, (name, xKind, x, y, wall) => out.push(wall === undefined ? { name, xKind, x, y } : { name, xKind, x, y, wall }));
  return out;
}

/** `*.jsonl` / `*.ndjson` files: one record a line; malformed lines are counted, not fatal. */
export class JsonlParser extends LineParser {
  private index = 0;

  /** Reused from line to line: most lines repeat the last one's keys. */
  private fields: Fields = { keys: [], values: [], count: 0, ranks: { keys: [], of: [] } };
  private keyBytes = new KeyBytes();
  private row = new Row();

  /** A flat object read from its bytes; anything else is decoded and read by `read`. */
  readBytes(bytes: Uint8Array, from: number, to: number, emit: EmitRow): boolean {
    const f = this.fields;
    const count = scanFlatObjectBytes(bytes, from, to, this.keyBytes, f);
    if (count === undefined) return false;
    f.count = count;
    rowOfFields(f, ++this.index, this.row);
    emit(this.row);
    return true;
  }

  read(line: string, emit: Emit): void {
    const f = this.fields;
    const count = scanFlatObject(line, f.keys, f.values);
    if (count !== undefined) f.count = count;
    else {
      if (line.trim() === '') return;
      const record = parseRecord(line);
      if (!record) {
        this.malformed++;
        return;
      }
      flatten(record, f);
      if (f.tooDeep) this.malformed++; // its shallow fields still count
    }
    emitFields(f, ++this.index, emit);
  }

  reset(): void {
    this.index = 0;
  }
}

/**
 * Hugging Face `trainer_state.json`: rewritten whole at every checkpoint (one copy in each
 * `checkpoint-N/` folder), its `log_history` holding every logged record so far. Bytes are kept
 * until they parse as a whole; the caller's store drops the entries it already has (by step).
 */
export class TrainerStateParser {
  private bytes: Uint8Array[] = [];
  /** Whether the bytes held so far failed to parse (a half-written file: wait for the rest). */
  incomplete = false;

  push(chunk: Uint8Array): Point[] {
    this.bytes.push(chunk);
    const all = new Uint8Array(this.bytes.reduce((n, b) => n + b.length, 0));
    let at = 0;
    for (const b of this.bytes) {
      all.set(b, at);
      at += b.length;
    }
    this.bytes = [all];
    let state: { log_history?: unknown };
    try {
      state = JSON.parse(new TextDecoder().decode(all).replace(/\bNaN\b|-?\bInfinity\b/g, 'null'));
      this.incomplete = false;
    } catch {
      this.incomplete = true;
      return [];
    }
    const history = Array.isArray(state.log_history) ? state.log_history : [];
    return history.flatMap((entry, i) => (entry && typeof entry === 'object' ? recordPoints(entry as Record<string, Literal>, i + 1) : []));
  }

  reset(): void {
    this.bytes = [];
    this.incomplete = false;
  }
}
