import { strict as assert } from 'node:assert';
import { PrintedParser } from '../../../src/core/parse/printed';
import { cellExit, cellRunName, PROBE_LIMIT, StreamCursor, TableCursor, TrainingProbe, widgetIsProgress, type LogPiece } from '../../../src/core/liveCell';

const enc = new TextEncoder();
const dec = new TextDecoder();
/** The log text of what a cursor handed over. */
const text = (pieces: LogPiece[]) => pieces.map((p) => (typeof p === 'string' ? p : dec.decode(p))).join('');

/**
 * What the extension host holds of a stream output after each append, as VS Code builds it:
 * the items' bytes concatenated, then `fixBackspace` and `fixCarriageReturn` applied when the text
 * holds `\b` or `\r` (notebookCommon.ts `compressOutputItemStreams` → `formatStreamText`).
 */
function vscodeFormat(txt: string): string {
  if (!txt.includes('\b') && !txt.includes('\r')) return txt;
  let tmp = txt;
  do {
    txt = tmp;
    tmp = txt.replace(/[^\n]\x08/gm, '');
  } while (tmp.length < txt.length);
  txt = txt.replace(/\r+\n/gm, '\n');
  while (txt.search(/\r[^$]/g) > -1) {
    const base = txt.match(/^(.*)\r+/m)![1];
    let insert = txt.match(/\r+(.*)$/m)![1];
    insert = insert + base.slice(insert.length, base.length);
    txt = txt.replace(/\r+.*$/m, '\r').replace(/^.*\r/m, insert);
  }
  return txt;
}

/** Keras 3 `Progbar.update` in a notebook: `\b` × the last bar's width, `\r`, the new bar; `Epoch i/N` lines. */
function kerasChunks(epochs: number, steps: number): string[] {
  const chunks: string[] = [];
  for (let e = 1; e <= epochs; e++) {
    chunks.push(`Epoch ${e}/${epochs}\n`);
    let prev = 0;
    for (let s = 1; s <= steps; s++) {
      const bar = `${String(s).padStart(2)}/${steps} ━━━━━━━━━━━━━━━━━━━━ 0s 3ms/step - loss: ${(1 / (e * steps + s)).toFixed(4)}`;
      chunks.push('\b'.repeat(prev) + '\r' + bar);
      prev = bar.length;
    }
    chunks.push('\n');
  }
  return chunks;
}

/** Feeds `chunks` as a running cell's output grows: one change event per chunk, the whole text each time. */
function follow(chunks: string[], format: (t: string) => string): { log: string; cursor: StreamCursor } {
  const cursor = new StreamCursor();
  let raw = '';
  let log = '';
  for (const c of chunks) {
    raw += c;
    log += text(cursor.update(enc.encode(format(raw))));
  }
  return { log: log + cursor.end(), cursor };
}

/** The points the printed-output reader takes from log text, frame by frame. */
function points(log: string): string[] {
  const p = new PrintedParser();
  const out: string[] = [];
  for (const frame of log.split(/[\r\n]/)) p.read(frame, (name, xKind, x, y) => out.push(`${name}@${xKind}${x}=${y}`));
  return out;
}

describe('a running cell read by position', () => {
  it('logs every redraw of a Keras bar seen, whether VS Code already applied \\r and \\b or not', () => {
    const chunks = kerasChunks(2, 4);
    const bars = (e: number) => [1, 2, 3, 4].map((s) => ` ${s}/4 ━━━━━━━━━━━━━━━━━━━━ 0s 3ms/step - loss: ${(1 / (e * 4 + s)).toFixed(4)}`);
    const expected = `Epoch 1/2\n${bars(1).join('\r')}\nEpoch 2/2\n${bars(2).join('\r')}\n`;
    const formatted = follow(chunks, vscodeFormat);
    assert.equal(formatted.log, expected);
    assert.equal(formatted.cursor.restarts, 0);
    assert.equal(follow(chunks, (t) => t).log, expected);
    assert.equal(points(expected).filter((p) => p.startsWith('loss@')).length, 8, 'each redraw is a point');
  });

  it('finds its place again when lines it read raw come back rewritten, without reading them twice', () => {
    const cursor = new StreamCursor();
    let log = text(cursor.update(enc.encode('step 1 loss=0.5\n\rstep 2 loss=0.4\rstep 2 loss=0.3\nste')));
    log += text(cursor.update(enc.encode(vscodeFormat('step 1 loss=0.5\n\rstep 2 loss=0.4\rstep 2 loss=0.3\nstep 3 loss=0.2\n'))));
    // whole lines go to the log as the output held them (its redraws are frames the reader takes in order)
    assert.equal(log, 'step 1 loss=0.5\n\rstep 2 loss=0.4\rstep 2 loss=0.3\nste\rstep 3 loss=0.2\n');
    assert.deepEqual([cursor.rewrites, cursor.restarts], [1, 0]);
  });

  it('starts over when the output is replaced by other text (clear_output)', () => {
    const cursor = new StreamCursor();
    let log = text(cursor.update(enc.encode('step 1 loss=0.5\nstep 2')));
    log += text(cursor.update(enc.encode('epoch 1 loss=0.1\n')));
    assert.equal(log, 'step 1 loss=0.5\nstep 2\nepoch 1 loss=0.1\n');
    assert.equal(cursor.restarts, 1);
  });

  it('is linear: 20,000 change events over a 2 MB output take well under a second', () => {
    const lines: string[] = [];
    for (let i = 0; i < 100_000; i++) lines.push(`step ${i} loss=${(1 / (i + 1)).toFixed(6)}\n`);
    const all = enc.encode(lines.join(''));
    const cursor = new StreamCursor();
    const t0 = performance.now();
    const log: LogPiece[] = [];
    const events = 20_000;
    for (let e = 1; e <= events; e++) log.push(...cursor.update(all.subarray(0, Math.floor((all.length * e) / events))));
    log.push(cursor.end());
    const ms = performance.now() - t0;
    // each line once, as its last redraw (open lines were logged as they grew)
    assert.equal(
      text(log)
        .split('\n')
        .map((l) => l.slice(l.lastIndexOf('\r') + 1))
        .join('\n'),
      lines.join(''),
    );
    // read from the start at each event, this would touch ~20 GB
    assert.ok(ms < 3000, `took ${ms.toFixed(0)} ms`);
  });

  it('turns an HF progress table updated in place into JSON Lines rows, each new or changed row once', () => {
    // transformers `NotebookTrainingTracker` → `text_to_html_table`: floats as %.6f, `No log` when missing
    const table = (rows: string[][]) =>
      `<div>\n  <progress value='${rows.length * 10}' max='30' style='width:300px; height:20px; vertical-align: middle;'></progress>\n  [${rows.length * 10}/30 00:0${rows.length}, Epoch 1/1]\n</div>\n` +
      '<table border="1" class="dataframe">\n  <thead>\n <tr style="text-align: left;">\n      <th>Step</th>\n      <th>Training Loss</th>\n      <th>Validation Loss</th>\n    </tr>\n  </thead>\n  <tbody>\n' +
      rows.map((r) => `    <tr>\n${r.map((c) => `      <td>${c}</td>\n`).join('')}    </tr>\n`).join('') +
      '  </tbody>\n</table><p>';
    const t = new TableCursor();
    assert.equal(t.update('<div><progress value="0" max="30"></progress></div>'), '');
    assert.equal(t.training, false);
    assert.equal(t.update(table([['10', '0.693100', 'No log']])), '{"step":10,"Training Loss":0.6931}\n');
    assert.equal(
      t.update(
        table([
          ['10', '0.693100', 'No log'],
          ['20', '0.512300', 'No log'],
        ]),
      ),
      '{"step":20,"Training Loss":0.5123}\n',
    );
    assert.equal(
      t.update(
        table([
          ['10', '0.693100', 'No log'],
          ['20', '0.512300', '0.600000'],
        ]),
      ),
      '{"step":20,"Training Loss":0.5123,"Validation Loss":0.6}\n',
    );
    assert.equal(t.training, true);
  });

  it('tells training output from other output, and gives up after a bounded read', () => {
    const p = new TrainingProbe();
    assert.equal(p.saw('Loading data…\nhello\r'), false);
    assert.equal(p.saw('Epoch 1/3\n 1/32 ━━━━━━━━ - loss: 0.5123'), true);
    const q = new TrainingProbe();
    assert.equal(q.saw('x'.repeat(PROBE_LIMIT + 1)), false);
    assert.equal(q.saw('step 1 loss=0.5\n'), false, 'no more reading after the limit');
    assert.ok(q.exhausted);
    assert.ok(widgetIsProgress('  3%|▎         | 3/100 [00:01<00:30, 3.1it/s]'));
    assert.ok(!widgetIsProgress('Button(description="Go")'));
    assert.ok(widgetIsProgress(undefined), 'ipywidgets 6 sends no text: it may be a bar');
  });

  it("names a run by the notebook and the execution count, else the cell's place; maps the end", () => {
    assert.deepEqual(cellRunName('/w/nb/train.ipynb', 3, 0), { name: 'train.ipynb cell3', folder: 'train-cell3' });
    assert.deepEqual(cellRunName('train.ipynb', undefined, 4), { name: 'train.ipynb cell#5', folder: 'train-cell#5' });
    assert.deepEqual(cellExit(true, undefined), { code: 0, signal: null });
    assert.deepEqual(cellExit(false, 'KeyboardInterrupt'), { code: null, signal: 'SIGINT', state: 'CANCELLED' });
    assert.deepEqual(cellExit(false, 'ValueError'), { code: null, signal: null, state: 'ValueError' });
  });
});

describe('a running cell taken up again after a window reload', () => {
  /** The cell's output read as it grows by one window until `cut` chunks, then by a new window from the log the first one wrote, with `skip` chunks printed in between. */
  function reload(chunks: string[], cut: number, skip: number, format: (t: string) => string, logEnd = (log: string) => ({ text: log, whole: true })) {
    const first = new StreamCursor();
    let raw = '';
    let log = '';
    for (const c of chunks.slice(0, cut)) log += text(first.update(enc.encode(format((raw += c)))));
    for (const c of chunks.slice(cut, cut + skip)) raw += c;
    const second = new StreamCursor();
    const end = logEnd(log);
    second.resume(end.text, end.whole);
    for (const c of chunks.slice(cut + skip)) log += text(second.update(enc.encode(format((raw += c)))));
    log += text(second.update(enc.encode(format(raw))));
    return { log: log + second.end(), second };
  }

  it('reads on after the lines the log holds: each printed line once, those printed while away too', () => {
    const chunks = Array.from({ length: 50 }, (_, i) => `step ${i + 1} loss=${(1 / (i + 1)).toFixed(4)}\n`);
    const expected = chunks.join('');
    for (const skip of [0, 1, 7]) {
      const { log, second } = reload(chunks, 20, skip, (t) => t);
      assert.equal(log, expected, `${skip} chunks printed while away`);
      assert.equal(second.restarts, 0);
    }
    // only the log's last bytes are read back (its first line there may be cut)
    const tail = reload(
      chunks,
      30,
      3,
      (t) => t,
      (log) => ({ text: log.slice(log.length - 100), whole: false }),
    );
    assert.equal(tail.log, expected);
  });

  it('takes up a Keras bar in the middle of its line: no redraw logged twice, the line ends once', () => {
    const chunks = kerasChunks(2, 4);
    const bars = (e: number) => [1, 2, 3, 4].map((s) => ` ${s}/4 ━━━━━━━━━━━━━━━━━━━━ 0s 3ms/step - loss: ${(1 / (e * 4 + s)).toFixed(4)}`);
    const expected = `Epoch 1/2\n${bars(1).join('\r')}\nEpoch 2/2\n${bars(2).join('\r')}\n`;
    // cut after the second epoch's second redraw; nothing printed while away
    const { log } = reload(chunks, 9, 0, vscodeFormat);
    assert.equal(log, expected);
    // its third redraw printed while away is missed (VS Code shows only the latest), the rest logged once
    const away = reload(chunks, 9, 1, vscodeFormat).log;
    assert.equal(away, expected.replace(`\r${bars(2)[2]}`, ''));
  });

  it('writes nothing twice when the log cannot be found in the output (text rewritten past recognition)', () => {
    const second = new StreamCursor();
    second.resume('step 1 loss=0.5\nstep 2 loss=0.4\n', true);
    const out = text(second.update(enc.encode('other 1\nother 2\nste')));
    assert.equal(out, 'ste', 'its whole lines were printed while away, or rewritten: not logged again; the open line is');
    assert.equal(second.restarts, 1);
    assert.equal(text(second.update(enc.encode('other 1\nother 2\nstep 3 loss=0.3\n'))), '\rstep 3 loss=0.3\n');
  });

  it('an output behind the resumed log (a notebook saved before the last lines came) is waited for, not read past', () => {
    const second = new StreamCursor();
    second.resume('step 1 loss=0.5\nstep 2 loss=0.4\nstep 3 loss=0.3\n', true);
    // the reopened notebook as saved: its last line is one the log holds
    assert.equal(text(second.update(enc.encode('step 1 loss=0.5\nstep 2 loss=0.4\n'))), '');
    assert.equal(second.restarts, 0);
    // the kernel's outputs given back: step 3 is not logged again
    assert.equal(text(second.update(enc.encode('step 1 loss=0.5\nstep 2 loss=0.4\nstep 3 loss=0.3\nstep 4 loss=0.2\n'))), 'step 4 loss=0.2\n');
  });

  it('an empty log: the output read from its start', () => {
    const second = new StreamCursor();
    second.resume('', true);
    assert.equal(text(second.update(enc.encode('step 1 loss=0.5\n'))), 'step 1 loss=0.5\n');
  });

  it('a table resumed writes only rows new or changed since the log', () => {
    const page = (rows: string[][]) =>
      '<table border="1" class="dataframe">\n  <thead>\n <tr style="text-align: left;">\n      <th>Step</th>\n      <th>Training Loss</th>\n      <th>Validation Loss</th>\n    </tr>\n  </thead>\n  <tbody>\n' +
      rows.map((r) => `    <tr>\n${r.map((c) => `      <td>${c}</td>\n`).join('')}    </tr>\n`).join('') +
      '  </tbody>\n</table>';
    const t = new TableCursor();
    t.resume('{"step":10,"Training Loss":0.6931}\n{"step":20,"Training Loss":0.5123}\n{"step":30,"Trai');
    const out = t.update(
      page([
        ['10', '0.693100', 'No log'],
        ['20', '0.512300', '0.600000'],
        ['30', '0.400000', 'No log'],
      ]),
    );
    assert.equal(out, '{"step":20,"Training Loss":0.5123,"Validation Loss":0.6}\n{"step":30,"Training Loss":0.4}\n');
  });
});
