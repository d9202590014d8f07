import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatOf } from '../../../../src/core/formats';
import { cellNumber, decodeEntities, emitTrainingTable, htmlTables } from '../../../../src/core/parse/htmlTable';
import { NotebookParser, readNotebook } from '../../../../src/core/parse/notebook';
import { PrintedParser } from '../../../../src/core/parse/printed';
import { TerminalLines, eraseBackspaces, visibleLine } from '../../../../src/core/parse/terminal';
import type { Point } from '../../../../src/core/parse/types';
import { Ingester } from '../../../../src/core/ingester';
import { repoRoot } from '../../../helpers';

const dir = path.join(repoRoot, 'test', 'fixtures', 'notebooks');
const bytes = (name: string) => new Uint8Array(fs.readFileSync(path.join(dir, name)));

type Curves = Record<string, { x: number[]; y: number[]; xKind: string }>;

/** Every point of `notebook` (parsed JSON) grouped by series, in order. */
function curves(nb: unknown): { series: Curves; notes: string[] } {
  const series: Curves = {};
  const notes = readNotebook(nb, (name, xKind, x, y) => {
    const s = (series[name] ??= { x: [], y: [], xKind });
    s.x.push(x);
    s.y.push(y);
  }).map((n) => `${n.level}: ${n.text}`);
  return { series, notes };
}

const fixture = (name: string) => curves(JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')));
const round4 = (v: number) => Number(v.toFixed(4));
const outputText = (t: string | string[]) => (Array.isArray(t) ? t.join('') : t);

describe('terminal text (what a notebook shows of a stream)', () => {
  it('keeps the last redraw of a line and erases what backspaces erase', () => {
    assert.equal(visibleLine('a\rb\rc'), 'c');
    assert.equal(visibleLine('bar 1\b\b\b\b\b\rbar 2'), 'bar 2');
    assert.equal(eraseBackspaces('abc\b\bd'), 'ad');
    assert.equal(eraseBackspaces('\b\bx'), 'x');
    assert.equal(visibleLine('done\r'), 'done'); // a trailing \r before the newline
  });

  it('gives the same lines whether the text comes whole or a character at a time', () => {
    const text = 'Epoch 1/2\n\r 1/4 - loss: 0.5\b\b\b\b\b\b\b\b\b\b\b\b\b\b\b\b\r 4/4 - loss: 0.4\r\nnext\r\ntail\rTAIL';
    const whole: string[] = [];
    const t = new TerminalLines();
    t.push(text, (l) => whole.push(l));
    t.end((l) => whole.push(l));
    assert.deepEqual(whole, ['Epoch 1/2', ' 4/4 - loss: 0.4', 'next', 'TAIL']);
    const pieces: string[] = [];
    const p = new TerminalLines();
    for (const c of text) p.push(c, (l) => pieces.push(l));
    p.end((l) => pieces.push(l));
    assert.deepEqual(pieces, whole);
  });

  it('holds a bar redrawn for ever without a newline in bounded memory, showing its last redraw', () => {
    const t = new TerminalLines();
    const lines: string[] = [];
    for (let i = 0; i < 200_000; i++) t.push(`\r${i}/200000 loss=${i}`, (l) => lines.push(l));
    assert.equal(lines.length, 0);
    assert.equal(t.current, '199999/200000 loss=199999');
    t.push('\n', (l) => lines.push(l));
    assert.deepEqual(lines, ['199999/200000 loss=199999']);
  });
});

describe('HTML progress tables', () => {
  const hf = [
    "<div><progress value='40' max='40'></progress> [40/40 00:04 &lt; 00:00, Epoch 3/3]</div>",
    '<table border="1" class="dataframe">\n  <thead>\n <tr style="text-align: left;">\n      <th>Step</th>\n      <th>Training Loss</th>\n',
    '      <th>Validation Loss</th>\n      <th>Accuracy</th>\n    </tr>\n  </thead>\n  <tbody>\n',
    '    <tr>\n      <td>10</td>\n      <td>No log</td>\n      <td>0.200000</td>\n      <td>0.562500</td>\n    </tr>\n',
    '    <tr>\n      <td>20</td>\n      <td>0.100000</td>\n      <td>0.100000</td>\n      <td>0.625000</td>\n    </tr>\n  </tbody>\n</table><p>',
  ].join('');

  it('reads the Hugging Face table: Step is x, each other header a series, No log no point', () => {
    const tables = htmlTables(hf);
    assert.equal(tables.length, 1);
    assert.deepEqual(tables[0].header, ['Step', 'Training Loss', 'Validation Loss', 'Accuracy']);
    const points: Point[] = [];
    assert.equal(
      emitTrainingTable(tables[0], (name, xKind, x, y) => points.push({ name, xKind, x, y })),
      5,
    );
    assert.deepEqual(points, [
      { name: 'Validation Loss', xKind: 'step', x: 10, y: 0.2 },
      { name: 'Accuracy', xKind: 'step', x: 10, y: 0.5625 },
      { name: 'Training Loss', xKind: 'step', x: 20, y: 0.1 },
      { name: 'Validation Loss', xKind: 'step', x: 20, y: 0.1 },
      { name: 'Accuracy', xKind: 'step', x: 20, y: 0.625 },
    ]);
  });

  it('forgives what browsers forgive: unclosed cells and rows, case, comments, entities, styles, nesting', () => {
    const html =
      '<style>td { color: red } <table></style><!-- <table><tr><th>x</th></tr></table> -->' +
      '<TABLE><TR><TH>Epoch<TH>train&nbsp;loss<th>time<TR><TD>1<td>0.5<b>0</b><td>00:12' +
      '<tr><td>2<td>&#48;.25<td>00:13<tr><td>x<td>9</table>' +
      '<table><tr><th>name</th><th>value</th></tr><tr><td>lr</td><td>1</td></tr></table>';
    const tables = htmlTables(html);
    assert.equal(tables.length, 2);
    assert.deepEqual(tables[0].header, ['Epoch', 'train loss', 'time']);
    assert.deepEqual(tables[0].rows, [
      ['1', '0.50', '00:12'],
      ['2', '0.25', '00:13'],
      ['x', '9'],
    ]);
    const points: Point[] = [];
    const emit = (name: string, xKind: Point['xKind'], x: number, y: number) => points.push({ name, xKind, x, y });
    emitTrainingTable(tables[0], emit);
    assert.deepEqual(points, [
      { name: 'train loss', xKind: 'epoch', x: 1, y: 0.5 },
      { name: 'train loss', xKind: 'epoch', x: 2, y: 0.25 },
    ]);
    assert.equal(emitTrainingTable(tables[1], emit), 0, 'a table with no Step/Epoch column is not a training table');
    assert.equal(decodeEntities('a &amp; b &bogus; &#x3c;'), 'a & b &bogus; <');
    assert.deepEqual(['0.5', '-1e-3', 'nan', 'No log', '00:12', '', '1.5x'].map(cellNumber), [0.5, -0.001, NaN, undefined, undefined, undefined, undefined]);
  });

  it('takes linear time on hostile markup', () => {
    for (const unit of ['<', '<td', '<table><tr><td>', '&', '&#', '<!--', '<style']) {
      const html = unit.repeat(Math.ceil(400_000 / unit.length));
      const t0 = performance.now();
      htmlTables(html);
      const ms = performance.now() - t0;
      assert.ok(ms < 1000, `${JSON.stringify(unit)}×: ${ms.toFixed(0)} ms`);
    }
  });
});

describe('saved notebooks (.ipynb)', () => {
  it('is the notebook format, except Jupyter’s autosave copies', () => {
    assert.equal(formatOf('runs/train.ipynb'), 'notebook');
    assert.equal(formatOf('.ipynb_checkpoints/train-checkpoint.ipynb'), undefined);
  });

  it('reads Keras bars (\\b and \\r redraws) as shown: one point per epoch, a second fit as a second run', () => {
    const { series, notes } = fixture('keras.ipynb');
    assert.deepEqual(notes, []);
    // make.py: epoch e's last redraw shows loss = base/(e·steps + steps), val_loss = base/(e·steps + steps + 1)
    const fit = (prefix: string, epochs: number, steps: number, base: number) => {
      const es = Array.from({ length: epochs }, (_, i) => i + 1);
      const loss = es.map((e) => round4(base / (e * steps + steps)));
      const val = es.map((e) => round4(base / (e * steps + steps + 1)));
      const x = es.map((e) => e * steps);
      assert.deepEqual(series[`${prefix}/loss`], { x, y: loss, xKind: 'step' });
      assert.deepEqual(
        series[`${prefix}/accuracy`].y,
        loss.map((l) => round4(1 - l)),
      );
      assert.deepEqual(series[`${prefix}/val_loss`], { x, y: val, xKind: 'step' });
      assert.deepEqual(
        series[`${prefix}/val_accuracy`].y,
        val.map((v) => round4(1 - v)),
      );
    };
    fit('cell1', 3, 8, 4);
    fit('cell2', 2, 5, 2);
    fit('cell2 (2)', 2, 5, 1);
    assert.equal(Object.keys(series).length, 12);
  });

  it('reads the Hugging Face Step and Epoch tables, fastai’s table, and a result dict', () => {
    const { series, notes } = fixture('hf.ipynb');
    assert.deepEqual(series['cell1/Training Loss'], { x: [20, 30, 40], y: [0.1, 0.05, 0.05], xKind: 'step' });
    assert.deepEqual(series['cell1/Validation Loss'], { x: [10, 20, 30, 40], y: [0.2, 0.1, 0.066667, 0.05], xKind: 'step' });
    assert.deepEqual(series['cell1/Accuracy'].y, [0.5625, 0.625, 0.6875, 0.75]);
    assert.deepEqual(series['cell1/F1'].y, [0.4625, 0.525, 0.5875, 0.65]);
    assert.deepEqual(series['cell2/Training Loss'], { x: [1, 2, 3], y: [0.15, 0.075, 0.05], xKind: 'epoch' });
    assert.deepEqual(series['cell2/Accuracy'], { x: [1, 2, 3], y: [0.583333, 0.666667, 0.75], xKind: 'epoch' });
    assert.deepEqual(series['cell3/train_loss'], { x: [0, 1, 2, 3], y: [0.5, 0.333333, 0.25, 0.2], xKind: 'epoch' });
    assert.deepEqual(series['cell3/valid_loss'].y, [0.6, 0.4, 0.3, 0.24]);
    assert.deepEqual(series['cell3/accuracy'].y, [0.6, 0.7, 0.8, 0.9]);
    assert.equal(series['cell3/time'], undefined, 'durations are not curves');
    assert.deepEqual(series['cell4/eval_loss'], { x: [3], y: [0.4123], xKind: 'epoch' }); // a pretty-printed dict over 5 lines
    assert.equal(Object.keys(series).length, 15);
    assert.deepEqual(notes, ['warning: cell 5 shows a widget progress bar whose numbers are not saved in the notebook']);
  });

  it('reads print loops and tqdm text bars with real torch, line by line through the printed-line parser', () => {
    const nb = JSON.parse(fs.readFileSync(path.join(dir, 'torch.ipynb'), 'utf8'));
    const { series } = curves(nb);
    // cell 1 prints `Epoch 1 | step 50 | loss 0.4031 | lr 3e-2`: its points are those the printed-line parser reads from those lines
    const printed = outputText(nb.cells[0].outputs[0].text).split('\n').filter(Boolean);
    assert.equal(printed.length, 8);
    assert.match(printed[0], /^Epoch 1 \| step 50 \| loss \d\.\d{4} \| lr 3e-2$/);
    const parser = new PrintedParser();
    const expected: Curves = {};
    for (const line of printed) {
      for (const p of parser.parse(line)) {
        const s = (expected[`cell1/${p.name}`] ??= { x: [], y: [], xKind: p.xKind });
        s.x.push(p.x);
        s.y.push(p.y);
      }
    }
    for (const name of Object.keys(series).filter((n) => n.startsWith('cell1/'))) assert.deepEqual(series[name], expected[name]);
    assert.equal(Object.keys(series).filter((n) => n.startsWith('cell1/')).length, Object.keys(expected).length);
    // cell 2: tqdm redrew its bar 60 times on stderr; the notebook shows the last one
    const bar = outputText(nb.cells[1].outputs[0].text);
    assert.ok(bar.split('\r').length > 30);
    const last = bar.slice(bar.lastIndexOf('loss=') + 5);
    assert.deepEqual(series['cell2/loss'], { x: [1], y: [Number(last.slice(0, last.indexOf(']')))], xKind: 'index' });
    // cell 3: printed dicts with a step
    assert.deepEqual(series['cell3/loss'], { x: [10, 20, 30, 40, 50], y: [0.2, 0.1, 0.0667, 0.05, 0.04], xKind: 'step' });
  });

  it('says so when a notebook has no training output, and when it is damaged or not a notebook', () => {
    assert.deepEqual(fixture('empty.ipynb').notes, ['warning: no training output in its saved cells (1 code cell read)']);
    const half = new NotebookParser();
    const seen: Point[] = [];
    const all = bytes('half-written.ipynb');
    for (let i = 0; i < all.length; i += 1000)
      assert.deepEqual(
        half.push(all.subarray(i, i + 1000), () => seen.push({} as Point)),
        [],
      );
    assert.deepEqual(half.end(), [{ level: 'warning', text: 'not valid JSON (a damaged or half-written notebook); its outputs were not read' }]);
    assert.equal(seen.length, 0);
    for (const bad of [null, [], 'x', { cells: 3 }, { cells: [null, 1, { cell_type: 'code', outputs: [null, { output_type: 'stream', text: 5 }] }] }]) {
      assert.doesNotThrow(() => curves(bad));
    }
    assert.deepEqual(curves({ nbformat: 4 }).notes, ['warning: not a Jupyter notebook (no cells); not read']);
  });

  it('tells a widget progress bar from other widgets, by its text or its saved state', () => {
    const widget = (id: string, plain?: string) => ({
      output_type: 'display_data',
      data: { 'application/vnd.jupyter.widget-view+json': { model_id: id, version_major: 2 }, ...(plain ? { 'text/plain': plain } : {}) },
    });
    const cell = (n: number, ...outputs: unknown[]) => ({ cell_type: 'code', execution_count: n, outputs });
    const nb = {
      metadata: {
        widgets: { 'application/vnd.jupyter.widget-state+json': { state: { a: { model_name: 'FloatProgressModel' }, b: { model_name: 'IntSliderModel' } } } },
      },
      cells: [
        cell(1, widget('x', "IntProgress(value=10, max=10, description='train')")),
        cell(2, widget('y', 'IntSlider(value=3)')),
        cell(3, widget('a')),
        cell(4, widget('b')),
        cell(5, widget('x', ' 40%|████      | 4/10 [00:01<00:01,  3.1it/s]'), { output_type: 'stream', name: 'stdout', text: 'step 4 loss=0.5\n' }),
      ],
    };
    assert.deepEqual(curves(nb).notes, [
      'warning: cell 1 shows a widget progress bar whose numbers are not saved in the notebook',
      'warning: cell 3 shows a widget progress bar whose numbers are not saved in the notebook',
    ]);
  });

  it('reads stream text given as one string, and nbformat 3 notebooks', () => {
    const v4 = {
      cells: [{ cell_type: 'code', execution_count: null, outputs: [{ output_type: 'stream', name: 'stdout', text: 'step 1 loss=0.5\nstep 2 loss=0.25\n' }] }],
    };
    assert.deepEqual(curves(v4).series, { 'cell#1/loss': { x: [1, 2], y: [0.5, 0.25], xKind: 'step' } });
    const twice = {
      cells: [1, 2].map(() => ({ cell_type: 'code', execution_count: 4, outputs: [{ output_type: 'stream', name: 'stdout', text: ['step 1 loss=0.5\n'] }] })),
    };
    assert.deepEqual(Object.keys(curves(twice).series), ['cell4/loss', 'cell#2/loss'], 'a count two cells share names the second by its place');
    const v3 = {
      nbformat: 3,
      worksheets: [{ cells: [{ cell_type: 'code', prompt_number: 7, outputs: [{ output_type: 'pyout', text: ["{'loss': 0.5,", " 'step': 3}"] }] }] }],
    };
    assert.deepEqual(curves(v3).series, { 'cell7/loss': { x: [3], y: [0.5], xKind: 'step' } });
  });

  it('re-reads a notebook saved again (whole, in pieces) and keeps each point once; new outputs add points', () => {
    const ingester = new Ingester();
    const hf = bytes('hf.ipynb');
    for (let i = 0; i < hf.length; i += 4096) ingester.chunk('hf.ipynb', hf.subarray(i, i + 4096));
    const first = ingester.takeBatch();
    assert.equal(
      first.series.reduce((n, s) => n + s.x.length, 0),
      43,
    );
    ingester.reset('hf.ipynb', 'the file was rewritten');
    ingester.chunk('hf.ipynb', hf);
    const again = ingester.takeBatch();
    assert.equal(again.series.length, 0, 'nothing new');
    assert.equal(again.events.filter((e) => e.text.includes('widget')).length, 0, 'each note once');
    // the training table grew by a row in the next save
    const nb = JSON.parse(new TextDecoder().decode(hf));
    const out = nb.cells[2].outputs[1];
    const html = outputText(out.data['text/html']);
    out.data['text/html'] = html.replace(
      '  </tbody>',
      '    <tr>\n      <td>4</td>\n      <td>0.150000</td>\n      <td>0.200000</td>\n      <td>0.950000</td>\n      <td>00:14</td>\n    </tr>\n  </tbody>',
    );
    ingester.reset('hf.ipynb', 'the file was rewritten');
    ingester.chunk('hf.ipynb', new TextEncoder().encode(JSON.stringify(nb)));
    const grown = ingester.takeBatch();
    assert.deepEqual(
      grown.series.map((s) => [s.name, [...s.x], [...s.y]]),
      [
        ['cell3/train_loss', [4], [0.15]],
        ['cell3/valid_loss', [4], [0.2]],
        ['cell3/accuracy', [4], [0.95]],
      ],
    );
  });

  it('reads a 40 MB notebook of images quickly, and refuses one over the size cap with one warning', () => {
    const png = 'iVBORw0KGgo'.repeat(420_000); // 4.6 MB of a plot in base64
    const cells = Array.from({ length: 9 }, (_, i) => ({
      cell_type: 'code',
      execution_count: i + 1,
      outputs: [{ output_type: 'display_data', data: { 'image/png': png, 'text/plain': '<Figure>' } }],
    }));
    cells.push({ cell_type: 'code', execution_count: 10, outputs: [{ output_type: 'stream', name: 'stdout', text: 'step 5 loss=0.5\n' } as never] });
    const big = new TextEncoder().encode(JSON.stringify({ cells, nbformat: 4 }));
    assert.ok(big.length > 40e6, `${big.length} bytes`);
    const points: string[] = [];
    const parser = new NotebookParser();
    const t0 = performance.now();
    for (let i = 0; i < big.length; i += 4 << 20) parser.push(big.subarray(i, i + (4 << 20)), (name) => points.push(name));
    const ms = performance.now() - t0;
    assert.deepEqual(points, ['cell10/loss']);
    assert.ok(ms < 5000, `${ms.toFixed(0)} ms`);
    const capped = new NotebookParser(10 << 20);
    const notes = [];
    for (let i = 0; i < big.length; i += 4 << 20) notes.push(...capped.push(big.subarray(i, i + (4 << 20)), () => assert.fail('read')));
    notes.push(...capped.end());
    assert.deepEqual(notes, [{ level: 'warning', text: 'larger than 10 MB; not read' }]);
  });

  it('CLI: parse x.ipynb --json gives the series and the warnings', () => {
    execFileSync(process.execPath, [path.join(repoRoot, 'esbuild.js')], { cwd: repoRoot, stdio: 'pipe' });
    const cli = path.join(repoRoot, 'dist', 'cli.js');
    const run = (name: string) => JSON.parse(execFileSync(process.execPath, [cli, 'parse', path.join(dir, name), '--json'], { encoding: 'utf8' }));
    const hf = run('hf.ipynb');
    assert.deepEqual(hf.series['cell1/Training Loss'], { x: [20, 30, 40], y: [0.1, 0.05, 0.05], xKind: 'step' });
    assert.deepEqual(hf.series['cell3/accuracy'], { x: [0, 1, 2, 3], y: [0.6, 0.7, 0.8, 0.9], xKind: 'epoch' });
    assert.equal(Object.keys(hf.series).length, 15);
    assert.deepEqual(hf.warnings, ['hf.ipynb: cell 5 shows a widget progress bar whose numbers are not saved in the notebook.']);
    const keras = run('keras.ipynb');
    assert.deepEqual(keras.series['cell1/val_loss'], { x: [8, 16, 24], y: [0.2353, 0.16, 0.1212], xKind: 'step' });
    assert.deepEqual(run('half-written.ipynb'), {
      series: {},
      warnings: ['half-written.ipynb: not valid JSON (a damaged or half-written notebook); its outputs were not read.'],
    });
    assert.deepEqual(run('empty.ipynb').warnings, ['empty.ipynb: no training output in its saved cells (1 code cell read).']);
    // in a watched folder, next to other logs
    const all = JSON.parse(execFileSync(process.execPath, [cli, 'parse', dir, '--json'], { encoding: 'utf8' }));
    assert.ok(all.series['cell2 (2)/loss'] && all.series['cell3/train_loss']);
  });
});
