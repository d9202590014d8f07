/**
 * Tables in HTML output, read without a DOM: the progress tables notebooks show while training.
 *
 * - Hugging Face `NotebookProgressCallback` (transformers `utils/notebook.py`): a `<progress>` bar,
 *   then `text_to_html_table` — `<table border="1" class="dataframe">`, a `<thead>` row of `<th>`
 *   (`Step` or `Epoch`, `Training Loss`, `Validation Loss`, one column per eval metric), then one
 *   `<tr>` of `<td>` per `NotebookTrainingTracker.write_line`; floats as `%.6f`, `No log` where a
 *   value is missing. Updated in place (`update_display`): a saved notebook holds the last table.
 * - fastai's `ProgressCallback` through fastprogress `NBMasterBar.write(table=True)` and
 *   `text2html_table`: the same markup, columns `epoch`, `train_loss`, `valid_loss`, metrics and
 *   `time` (`00:12`, a duration, not a metric), after a `<style>` block.
 *
 * One forward pass over the text, tag by tag (`indexOf`, no regular expression): linear, and
 * forgiving of what browsers forgive (unclosed cells and rows, upper-case tags, comments).
 */
import type { XKind } from '../protocol/batch';
import { readNumber } from './number';
import type { Emit } from './types';

export interface HtmlTable {
  /** The header row's cells (`<th>` cells of the first row, or of `<thead>`), as text. */
  header: string[];
  /** The other rows' cells, as text. */
  rows: string[][];
}

/** Tables in one output beyond this are not read (a page of tables is not a progress display). */
const MAX_TABLES = 64;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** `&lt;`, `&#39;`, `&#x27;` and the like as characters; anything else is kept as written. */
export function decodeEntities(s: string): string {
  let amp = s.indexOf('&');
  if (amp < 0) return s;
  let out = '';
  let from = 0;
  for (; amp >= 0; amp = s.indexOf('&', from)) {
    const semi = s.indexOf(';', amp);
    let ch: string | undefined;
    if (semi > amp + 1 && semi - amp <= 10) {
      const name = s.slice(amp + 1, semi);
      if (name[0] === '#') {
        const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        if (code >= 0 && code <= 0x10ffff) ch = String.fromCodePoint(code);
      } else ch = ENTITIES[name];
    }
    if (ch === undefined) {
      out += s.slice(from, amp + 1);
      from = amp + 1;
    } else {
      out += s.slice(from, amp) + ch;
      from = semi + 1;
    }
  }
  return out + s.slice(from);
}

/** Cell text as shown: entities decoded, runs of white space as one space, trimmed. */
function cellText(raw: string): string {
  const t = decodeEntities(raw);
  let out = '';
  let space = false;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 160) space = out.length > 0;
    else {
      if (space) out += ' ';
      space = false;
      out += t[i];
    }
  }
  return out;
}

const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57);

/** The tables of `html`, in order; cells hold their text content (nested tags dropped). */
export function htmlTables(html: string): HtmlTable[] {
  const tables: HtmlTable[] = [];
  let table: HtmlTable | undefined;
  let row: string[] | undefined;
  let rowIsHeader = true;
  let cell: string | undefined;
  let cellIsHeader = false;
  let inHead = false;
  /** Tables inside a cell: their text joins the cell; their rows are not rows of the outer table. */
  let nested = 0;

  const endCell = () => {
    if (cell === undefined || !row) return;
    row.push(cellText(cell));
    if (!cellIsHeader) rowIsHeader = false;
    cell = undefined;
  };
  const endRow = () => {
    endCell();
    if (!row || !table) return;
    if (row.length) {
      if (!table.header.length && (rowIsHeader || inHead)) table.header = row;
      else table.rows.push(row);
    }
    row = undefined;
  };

  let at = 0;
  while (at < html.length) {
    const lt = html.indexOf('<', at);
    const textEnd = lt < 0 ? html.length : lt;
    if (cell !== undefined && textEnd > at) cell += html.slice(at, textEnd);
    if (lt < 0) break;
    if (html.startsWith('<!--', lt)) {
      const close = html.indexOf('-->', lt + 4);
      at = close < 0 ? html.length : close + 3;
      continue;
    }
    const gt = html.indexOf('>', lt + 1);
    if (gt < 0) break; // a tag cut off at the end
    at = gt + 1;
    let i = lt + 1;
    const closing = html.charCodeAt(i) === 47; // /
    if (closing) i++;
    const nameStart = i;
    while (i < gt && isLetter(html.charCodeAt(i))) i++;
    if (i === nameStart) {
      if (cell !== undefined) cell += html.slice(lt, at); // a `<` that starts no tag is text
      continue;
    }
    const name = html.slice(nameStart, i).toLowerCase();
    if (!closing && (name === 'style' || name === 'script')) {
      // their content is not text; skip to the end tag (either case)
      let end = html.indexOf(`</${name}`, at);
      if (end < 0) end = html.indexOf(`</${name.toUpperCase()}`, at);
      at = end < 0 ? html.length : end;
      continue;
    }
    if (name === 'table') {
      if (closing) {
        if (nested > 0) nested--;
        else if (table) {
          endRow();
          table = undefined;
        }
      } else if (table && cell !== undefined) nested++;
      else {
        endRow();
        if (tables.length >= MAX_TABLES) break;
        tables.push((table = { header: [], rows: [] }));
        inHead = false;
      }
      continue;
    }
    if (!table || nested > 0) {
      if (cell !== undefined && name === 'br') cell += ' ';
      continue;
    }
    switch (name) {
      case 'thead':
        endRow();
        inHead = !closing;
        break;
      case 'tbody':
      case 'tfoot':
        endRow();
        inHead = false;
        break;
      case 'tr':
        endRow();
        if (!closing) {
          row = [];
          rowIsHeader = true;
        }
        break;
      case 'th':
      case 'td':
        endCell();
        if (!closing) {
          if (!row) {
            row = []; // a cell with no `<tr>` before it starts a row
            rowIsHeader = true;
          }
          cell = '';
          cellIsHeader = name === 'th';
        }
        break;
      case 'br':
      case 'p':
      case 'div':
        if (cell !== undefined) cell += ' ';
        break;
    }
  }
  endRow();
  return tables;
}

/** Header cells that position a row: the x of every value in it. */
const X_COLUMNS: Record<string, XKind> = { step: 'step', 'global step': 'step', epoch: 'epoch', iteration: 'step' };
/** Columns that are not curves: durations (fastai's `time`, shown as `00:12`). */
const NOT_CURVES = new Set(['time', 'duration', 'elapsed']);

/** A cell's number, or undefined when it holds anything else (`No log`, `#na#`, `00:12`, ``). */
export function cellNumber(text: string): number | undefined {
  return readNumber(text);
}

/**
 * The points of a training table: the first `Step`/`Epoch` column is x (case and spacing aside),
 * every other column a series named by its header; a cell that is not a number is no point. A
 * table with no such column is not a training table: nothing. Returns the points emitted.
 */
export function emitTrainingTable(table: HtmlTable, emit: Emit): number {
  const { header } = table;
  let xCol = -1;
  let xKind: XKind = 'step';
  for (let c = 0; c < header.length && xCol < 0; c++) {
    const kind = X_COLUMNS[header[c].toLowerCase()];
    if (kind) [xCol, xKind] = [c, kind];
  }
  if (xCol < 0) return 0;
  let points = 0;
  for (const row of table.rows) {
    const x = cellNumber(row[xCol] ?? '');
    if (x === undefined || !Number.isFinite(x)) continue;
    for (let c = 0; c < header.length && c < row.length; c++) {
      if (c === xCol || !header[c] || X_COLUMNS[header[c].toLowerCase()] || NOT_CURVES.has(header[c].toLowerCase())) continue;
      const y = cellNumber(row[c]);
      if (y === undefined) continue;
      emit(header[c], xKind, x, y);
      points++;
    }
  }
  return points;
}
