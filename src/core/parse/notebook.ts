/**
 * Saved Jupyter notebooks (`.ipynb`, nbformat 4, and 3's `worksheets`): the training curves in
 * the outputs their cells kept.
 *
 * - Stream outputs (stdout, stderr) as the notebook shows them (terminal.ts: `\r` redraws and
 *   `\b` applied), line by line through the printed-line parser: Keras bars and `Epoch i/N`,
 *   print loops, tqdm text bars, printed dicts.
 * - `execute_result` / `display_data` whose `text/plain` is a dict (`trainer.evaluate()`).
 * - HTML progress tables (htmlTable.ts): Hugging Face's and fastai's.
 *
 * Series are named by cell: `cell3/loss` for the cell that ran third (`In [3]`, its execution
 * count), `cell#5/loss` for the fifth cell when it has no count. A cell that trains twice (its
 * x goes back) gives a second run: `cell3 (2)/loss`. Images and other outputs are skipped.
 */
import { emitTrainingTable, htmlTables } from './htmlTable';
import { PrintedParser } from './printed';
import { TerminalLines } from './terminal';
import type { Emit } from './types';

/** A notebook larger than this is not read (one with embedded images reaches tens of MB). */
export const MAX_NOTEBOOK_BYTES = 256 << 20;

export interface NotebookNote {
  level: 'info' | 'warning';
  text: string;
}

type Json = { [k: string]: unknown };

const WIDGET_MIME = 'application/vnd.jupyter.widget-view+json';

/** nbformat's multi-line strings: one string or a list of lines. */
function joined(v: unknown): string {
  if (typeof v === 'string') return v;
  if (!Array.isArray(v)) return '';
  let s = '';
  for (const part of v) if (typeof part === 'string') s += part;
  return s;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The points of one cell, each training call (its x going back) a run of its own. */
class CellRuns {
  private run = 1;
  private lastX = new Map<string, number>();
  points = 0;

  constructor(
    private readonly label: string,
    private readonly out: Emit,
  ) {}

  readonly emit: Emit = (name, xKind, x, y) => {
    const key = `${xKind}\u0000${name}`;
    const last = this.lastX.get(key);
    if (last !== undefined && x < last) {
      this.run++;
      this.lastX.clear();
    }
    this.lastX.set(key, x);
    this.points++;
    this.out(`${this.label}${this.run > 1 ? ` (${this.run})` : ''}/${name}`, xKind, x, y);
  };
}

/**
 * Whether a widget output may be a progress bar: its plain-text stand-in (ipywidgets ≥ 7
 * `IntProgress(value=3, max=10)`, tqdm's meter) or its saved model (`FloatProgressModel`; tqdm's
 * `HBoxModel` holds one) says so, or nothing says what it is (ipywidgets 6 gives no text, and only
 * some front ends save widget state).
 */
function mayBeProgress(data: Json, states: Json | undefined): boolean {
  const plain = joined(data['text/plain']);
  if (plain) return plain.includes('Progress') || plain.includes('%|') || plain.includes('it/s');
  const view = data[WIDGET_MIME];
  const id = isObject(view) ? view.model_id : undefined;
  const model = typeof id === 'string' && states && isObject(states[id]) ? states[id].model_name : undefined;
  return typeof model !== 'string' || model.includes('Progress') || model.endsWith('BoxModel');
}

/**
 * Reads a parsed notebook: emits its points (named `cellN/…`), returns what the user should know
 * (a widget bar whose numbers are not saved, a notebook with no training output).
 */
export function readNotebook(nb: unknown, emit: Emit): NotebookNote[] {
  const notes: NotebookNote[] = [];
  if (!isObject(nb)) return [{ level: 'warning', text: 'not a Jupyter notebook (no cells); not read' }];
  let cells: unknown[] | undefined;
  if (Array.isArray(nb.cells)) cells = nb.cells;
  else if (Array.isArray(nb.worksheets)) cells = nb.worksheets.flatMap((w) => (isObject(w) && Array.isArray(w.cells) ? w.cells : []));
  if (!cells) return [{ level: 'warning', text: 'not a Jupyter notebook (no cells); not read' }];

  const widgets = isObject(nb.metadata) && isObject(nb.metadata.widgets) ? nb.metadata.widgets['application/vnd.jupyter.widget-state+json'] : undefined;
  const states = isObject(widgets) && isObject(widgets.state) ? widgets.state : undefined;
  const used = new Set<string>();
  let points = 0;
  let codeCells = 0;
  cells.forEach((cell, index) => {
    if (!isObject(cell) || cell.cell_type !== 'code' || !Array.isArray(cell.outputs)) return;
    codeCells++;
    const count = cell.execution_count ?? cell.prompt_number; // nbformat 4 / 3
    // by its count, unless it has none or another cell has it (cells run by two kernels): by its place
    const counted = typeof count === 'number' && !used.has(`cell${count}`);
    const label = counted ? `cell${count}` : `cell#${index + 1}`;
    const said = counted ? `cell ${count}` : `cell #${index + 1}`;
    used.add(label);
    const runs = new CellRuns(label, emit);
    const streams = new Map<string, { text: TerminalLines; parser: PrintedParser }>();
    const stream = (name: string) => {
      let s = streams.get(name);
      if (!s) streams.set(name, (s = { text: new TerminalLines(), parser: new PrintedParser() }));
      return s;
    };
    let widget = false;
    for (const output of cell.outputs) {
      if (!isObject(output)) continue;
      const type = output.output_type;
      if (type === 'stream') {
        const s = stream(typeof output.name === 'string' ? output.name : 'stdout');
        s.text.push(joined(output.text), (line) => s.parser.read(line, runs.emit));
        continue;
      }
      // display_data, update_display_data, execute_result (nbformat 3: pyout, with the data inline)
      const data = isObject(output.data) ? output.data : type === 'pyout' ? output : undefined;
      if (!data) continue;
      if (data[WIDGET_MIME] !== undefined) {
        widget ||= mayBeProgress(data, states);
        continue;
      }
      const html = joined(data['text/html'] ?? data.html);
      let fromTables = 0;
      if (html.includes('<table') || html.includes('<TABLE')) {
        for (const table of htmlTables(html)) fromTables += emitTrainingTable(table, runs.emit);
      }
      if (fromTables) continue;
      const plain = joined(data['text/plain'] ?? data.text).trim();
      if (plain.startsWith('{') && plain.endsWith('}')) stream('result').parser.read(plain, runs.emit);
    }
    for (const s of streams.values()) s.text.end((line) => s.parser.read(line, runs.emit));
    if (widget && runs.points === 0) {
      notes.push({ level: 'warning', text: `${said} shows a widget progress bar whose numbers are not saved in the notebook` });
    }
    points += runs.points;
  });
  if (points === 0) {
    const what = codeCells ? `${codeCells} code cell${codeCells > 1 ? 's' : ''} read` : 'it has no code cells';
    notes.push({ level: 'warning', text: `no training output in its saved cells (${what})` });
  }
  return notes;
}

/** The last byte of `chunks` that is not white space, or -1 when there is none. */
function lastNonSpace(chunks: Uint8Array[]): number {
  for (let c = chunks.length - 1; c >= 0; c--) {
    const b = chunks[c];
    for (let i = b.length - 1; i >= 0; i--) {
      const v = b[i];
      if (v !== 32 && v !== 10 && v !== 13 && v !== 9) return v;
    }
  }
  return -1;
}

/**
 * A notebook file as the tailer hands it over: rewritten whole on every save, so its bytes are
 * held until they parse as one JSON document (tried when they end with `}`, not at every piece of
 * a large file), read, and let go. The caller's store keeps each point once.
 */
export class NotebookParser {
  private chunks: Uint8Array[] = [];
  private size = 0;
  private tooLarge = false;
  /** Whether the bytes held failed to parse (a half-written file: wait for the rest). */
  incomplete = false;

  constructor(private readonly maxBytes = MAX_NOTEBOOK_BYTES) {}

  push(chunk: Uint8Array, emit: Emit): NotebookNote[] {
    if (this.tooLarge) return [];
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      this.tooLarge = true;
      this.chunks = [];
      return [{ level: 'warning', text: `larger than ${Math.round(this.maxBytes / (1 << 20))} MB; not read` }];
    }
    return lastNonSpace(this.chunks) === 125 ? this.parse(emit) : []; // `}`
  }

  /** Nothing more will come: bytes that never parsed are a damaged notebook. */
  end(): NotebookNote[] {
    if (this.tooLarge || lastNonSpace(this.chunks) < 0) return [];
    return [{ level: 'warning', text: 'not valid JSON (a damaged or half-written notebook); its outputs were not read' }];
  }

  reset(): void {
    this.chunks = [];
    this.size = 0;
    this.tooLarge = false;
    this.incomplete = false;
  }

  private parse(emit: Emit): NotebookNote[] {
    const all = new Uint8Array(this.size);
    let at = 0;
    for (const b of this.chunks) {
      all.set(b, at);
      at += b.length;
    }
    let nb: unknown;
    try {
      nb = JSON.parse(new TextDecoder().decode(all));
    } catch {
      this.chunks = [all];
      this.incomplete = true;
      return [];
    }
    this.chunks = [];
    this.size = 0;
    this.incomplete = false;
    return readNotebook(nb, emit);
  }
}
