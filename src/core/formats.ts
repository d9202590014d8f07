/**
 * Which files of a run directory the monitor reads, and as what. A name decides most files; a few
 * (a file without extension, a `.log` that may hold a CSV table, a file the user named) are decided
 * by their first bytes (`sniff`).
 */
import { maskedCrc32c } from './parse/crc32c';

export type FileFormat = 'output' | 'csv' | 'jsonl' | 'tfevents' | 'trainer-state' | 'notebook';

/** Why a file found in a watched folder is not read (said once, in one summarising event). */
export type SkipReason = 'source code' | 'requirements' | 'configuration' | 'binary' | 'documentation';

/**
 * What the first bytes decide: `text`, a log unless it holds a table; `json`, JSON lines (detectron2's
 * `metrics.json`, MMDetection's `*.log.json`) or else a configuration; `any`, every format.
 */
export type SniffKind = 'text' | 'json' | 'any';

/** What a name says: a format, a file to sniff, skip, or the monitor's own. */
export type Decision = { format: FileFormat } | { sniff: SniffKind } | { skip: SkipReason } | { own: true };

/** The monitor's own files at the root of a run folder: never data. */
const OWN = new Set(['events.jsonl', 'run.json', 'exit-code', 'job.sbatch', 'pid', 'console-order']);
const SOURCE = new Set([
  'py',
  'pyx',
  'ipy',
  'sh',
  'bash',
  'zsh',
  'c',
  'cc',
  'cpp',
  'cxx',
  'h',
  'hpp',
  'cu',
  'cuh',
  'ts',
  'tsx',
  'js',
  'mjs',
  'cjs',
  'java',
  'go',
  'rs',
  'jl',
  'r',
  'lua',
  'scala',
  'kt',
  'swift',
  'm',
  'pl',
  'rb',
  'php',
  'sql',
  'slurm',
  'sbatch',
  'pbs',
  'bat',
  'ps1',
  'mk',
  'cmake',
  'proto',
]);
const CONFIG = new Set(['yaml', 'yml', 'toml', 'cfg', 'ini', 'json', 'conf', 'xml', 'env', 'lock']);
const BINARY = new Set([
  'pt',
  'pth',
  'ckpt',
  'bin',
  'safetensors',
  'h5',
  'hdf5',
  'keras',
  'pb',
  'onnx',
  'npy',
  'npz',
  'pkl',
  'pickle',
  'joblib',
  'png',
  'jpg',
  'jpeg',
  'gif',
  'svg',
  'pdf',
  'mp4',
  'wav',
  'zip',
  'gz',
  'tgz',
  'tar',
  'bz2',
  'xz',
  'zst',
  '7z',
  'parquet',
  'arrow',
  'so',
  'o',
  'a',
  'pyc',
  'whl',
  'db',
  'sqlite',
  'tflite',
  'engine',
  'index',
  'data-00000-of-00001',
]);
/** Documents people keep beside a run: text, but never a log. */
const DOCS = new Set(['md', 'rst', 'html', 'htm', 'tex', 'adoc', 'org']);
/** Extensions of printed output. */
const TEXT = new Set(['log', 'out', 'err', 'txt', 'stdout', 'stderr', 'output']);

/**
 * What the name `rel` (relative to the run folder, `/`-separated) says about a file found in a
 * watched folder.
 */
export function decide(rel: string): Decision {
  if (OWN.has(rel)) return { own: true };
  const name = rel.slice(rel.lastIndexOf('/') + 1);
  const format = formatOf(name);
  if (format) return { format };
  if (/^requirements.*\.(txt|in)$/i.test(name) || /^(constraints|environment)\.txt$/i.test(name)) return { skip: 'requirements' };
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return { sniff: 'any' }; // `nohup`, `log`, `train_output`
  const ext = name.slice(dot + 1).toLowerCase();
  if (TEXT.has(ext) || /^\d+$/.test(ext)) return { sniff: 'text' }; // `train.log`, `slurm-1818620.out`, `log.txt`, `train.log.1`
  if (ext === 'json') return { sniff: 'json' };
  if (SOURCE.has(ext)) return { skip: 'source code' };
  if (CONFIG.has(ext)) return { skip: 'configuration' };
  if (BINARY.has(ext)) return { skip: 'binary' };
  if (DOCS.has(ext)) return { skip: 'documentation' };
  return { sniff: 'text' }; // any other text is a candidate log (`terminal-capture.raw`, `train.stdout.1`)
}

/** The format a name alone fixes, for the files whose names say what they hold. */
export function formatOf(path: string): FileFormat | undefined {
  const name = path.slice(path.lastIndexOf('/') + 1);
  // `stdout-3.log`: task 3 of an array job (see logStream)
  if (/^std(out|err)(-[\w.]+)?\.log$/.test(name)) return 'output';
  if (/\.(csv|tsv)$/i.test(name)) return 'csv';
  if (/\.(jsonl|ndjson)$/i.test(name)) return 'jsonl';
  if (name === 'trainer_state.json') return 'trainer-state';
  if (name.includes('tfevents')) return 'tfevents';
  if (/\.ipynb$/i.test(name) && !name.endsWith('-checkpoint.ipynb')) return 'notebook'; // not Jupyter's autosave copies
  return undefined;
}

/** The log an output file feeds: `stdout.log` → `stdout`, `stderr-3.log` → `stderr-3`, any other → its path (`logs/train.log`). */
export function logStream(path: string): string {
  const m = /(?:^|\/)(std(?:out|err)(?:-[\w.]+)?)\.log$/.exec(path);
  return m ? m[1] : path;
}

/** Bytes enough to decide what a file holds. */
export const SNIFF_BYTES = 4096;

/**
 * What a file holds, from its first bytes (`bytes`, up to SNIFF_BYTES). `now`: decide with what
 * there is (the file is idle, or read for the last time); `whole`: `bytes` is the whole file.
 * `binary` for what is not text; undefined while too little is written to tell. `any`: every
 * format is possible (a file the user named); `text`: a log or a table.
 */
export function sniff(bytes: Uint8Array, kind: SniffKind, now: boolean, whole: boolean): FileFormat | 'binary' | 'configuration' | undefined {
  if (bytes.length === 0) return now ? (kind === 'json' ? 'configuration' : 'output') : undefined;
  if (kind === 'json') return sniffJson(bytes, now, whole);
  if (kind === 'any' && isEventRecord(bytes)) return 'tfevents';
  const n = Math.min(bytes.length, 1024);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return 'binary';
  const cut = n < bytes.length || !whole;
  const text = utf8(bytes.subarray(0, n), cut);
  if (text === undefined) return 'binary';
  const pieces = text.split(/\r?\n|\r/);
  // the last piece is a partial line unless the sample is the whole file
  const lines = (cut ? pieces.slice(0, -1) : pieces).filter((l) => l.trim() !== '');
  if (lines.length === 0) return now ? 'output' : undefined;
  const rows = lines.filter((l) => !l.startsWith('#'));
  if (kind === 'any' && rows[0]?.trimStart().startsWith('{') && jsonObject(rows[0])) return 'jsonl';
  if (isTable(rows.slice(0, 5))) return 'csv';
  return 'output';
}

/**
 * A `.json` of one record a line (its first line `{"…`), or a configuration (pretty-printed: `{`
 * alone on its first line; or one line only, once the file is idle). A first line longer than the
 * sample (MMDetection's environment and config record) counts as a record.
 */
function sniffJson(bytes: Uint8Array, now: boolean, whole: boolean): 'jsonl' | 'configuration' | 'binary' | undefined {
  const text = utf8(bytes, !whole);
  if (text === undefined || text.includes('\0')) return 'binary';
  if (!text.trimStart().startsWith('{"')) return 'configuration';
  const pieces = text.split(/\r?\n/);
  const lines = (whole ? pieces : pieces.slice(0, -1)).filter((l) => l.trim() !== '');
  if (lines.length === 0) return 'jsonl';
  if (!jsonObject(lines[0])) return 'configuration';
  if (lines.length >= 2) return jsonObject(lines[1]) ? 'jsonl' : 'configuration';
  if (!whole) return 'jsonl'; // a second line longer than the sample
  return now ? 'configuration' : undefined; // one line so far: wait for a second
}

/** Valid UTF-8 (a multi-byte character cut at the end of the sample is allowed when more follows). */
function utf8(bytes: Uint8Array, cut: boolean): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: cut });
  } catch {
    return undefined;
  }
}

function jsonObject(line: string): boolean {
  try {
    const v: unknown = JSON.parse(line);
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
}

const NAME = /^[A-Za-z_][\w./:()@%\- [\]]*$/;
/** A number, a number with a unit (`1.86G`, `45 %`), or a position (`0/99`). */
const NUMERIC = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s?(?:[A-Za-z%]{1,3}|\/\d+)?$/;
/** A column name: a name with no number standing on its own (`iter 0: loss 2.0` is a printed line). */
const headerCell = (c: string) => NAME.test(c) && !/(?:^|\s)[-+]?\.?\d/.test(c);
/** A data cell: a number, or empty (Lightning's sparse rows). */
const dataCell = (c: string) => c === '' || NUMERIC.test(c);

/**
 * A CSV with a header of names (Keras `CSVLogger` writes `epoch,accuracy,loss` to `training.log`),
 * or a table of numbers without one (YOLOv5's `results.txt`): every line of the same width, and
 * under a header, rows mostly of numbers.
 */
function isTable(lines: string[]): boolean {
  if (lines.length === 0) return false;
  const head = lines[0];
  const delimiter = head.includes('\t') && !head.includes(',') ? '\t' : head.includes(',') ? ',' : undefined;
  if (delimiter) {
    const rows = lines.map((l) => l.split(delimiter).map((c) => c.trim()));
    const width = rows[0].length;
    if (width < 2 || !rows[0].every((c) => headerCell(c) || NUMERIC.test(c))) return false;
    if (!rows.every((r) => r.length === width)) return false;
    return rows.length === 1 || rows.slice(1).some((r) => r.filter(dataCell).length * 2 >= width);
  }
  // Only with a position first (`3/99`): numbers alone may be anything (YOLO's label files are rows of 5).
  const width = (l: string) => l.trim().split(/\s+/);
  const cells = width(head);
  if (cells.length < 5 || !/^\d+\/\d+$/.test(cells[0]) || !cells.every((c) => NUMERIC.test(c))) return false;
  return lines.every((l) => {
    const c = width(l);
    return c.length === cells.length && c.every((x) => NUMERIC.test(x));
  });
}

/** A first TFRecord whose length is sane and whose length checksum holds. */
function isEventRecord(b: Uint8Array): boolean {
  if (b.length < 12) return false;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (dv.getUint32(4, true) !== 0) return false; // lengths beyond 4 GiB are not records
  return maskedCrc32c(b, 0, 8) === dv.getUint32(8, true);
}
