import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CsvParser } from '../../../../src/core/parse/csv';
import { PrintedParser } from '../../../../src/core/parse/printed';
import { FrameSplitter } from '../../../../src/core/frames';
import type { LineParser, Point } from '../../../../src/core/parse/types';

const fixtures = path.join(__dirname, '..', '..', '..', 'fixtures');

/** Every point of a whole file, frame by frame, as the ingester reads it. */
function readAll(bytes: Uint8Array, parser: LineParser): Point[] {
  const s = new FrameSplitter();
  return [...s.push(bytes), ...s.end()].flatMap((f) => parser.parse(f.text));
}

describe('PrintedParser', () => {
  it('reads Keras bars: epoch line, \\r frames, val metrics at the epoch end', () => {
    const p = new PrintedParser();
    assert.deepEqual(p.parse('Epoch 2/20'), []);
    assert.deepEqual(p.parse(' 3/32 ━━━━                 0s 2ms/step - accuracy: 0.6250 - loss: 0.6931'), [
      { name: 'accuracy', xKind: 'step', x: 35, y: 0.625 },
      { name: 'loss', xKind: 'step', x: 35, y: 0.6931 },
    ]);
    const end = p.parse('32/32 ━━━━━━━━━━━━━━━━━━━━ 1s 3ms/step - accuracy: 0.6523 - loss: 5.797e-01 - val_accuracy: 0.6387 - val_loss: nan');
    assert.deepEqual(
      end.map((q) => [q.name, q.x]),
      [
        ['accuracy', 64],
        ['loss', 64],
        ['val_accuracy', 64],
        ['val_loss', 64],
      ],
    );
    assert.equal(end[1].y, 0.5797);
    assert.ok(Number.isNaN(end[3].y));
  });

  it('strips ANSI codes before reading', () => {
    const p = new PrintedParser();
    const pts = p.parse('\x1b[1m 1/10\x1b[0m \x1b[32m━━\x1b[0m - loss: \x1b[1m2.5000\x1b[0m');
    assert.deepEqual(pts, [{ name: 'loss', xKind: 'step', x: 1, y: 2.5 }]);
  });

  it('reads name=value lines with an explicit step as x', () => {
    const p = new PrintedParser();
    assert.deepEqual(p.parse('step 50 loss=0.00020 step=50'), [{ name: 'loss', xKind: 'step', x: 50, y: 0.0002 }]);
  });

  it('reads Keras verbose=2 summaries and the older tf.keras bar, with %.4e values', () => {
    const p = new PrintedParser();
    p.parse('Epoch 3/10');
    assert.deepEqual(p.parse('1875/1875 - 3s - 2ms/step - accuracy: 0.9123 - loss: 3.1416e-01'), [
      { name: 'accuracy', xKind: 'step', x: 2 * 1875 + 1875, y: 0.9123 },
      { name: 'loss', xKind: 'step', x: 2 * 1875 + 1875, y: 0.31416 },
    ]);
    const old = new PrintedParser();
    old.parse('Epoch 1/2');
    assert.deepEqual(old.parse('  768/60000 [>.............................] - ETA: 48s - loss: 2.1636 - acc: 0.2865'), [
      { name: 'loss', xKind: 'step', x: 768, y: 2.1636 },
      { name: 'acc', xKind: 'step', x: 768, y: 0.2865 },
    ]);
  });

  it('reads plain prints: step prefixes, [N] prefixes, per-epoch summaries', () => {
    const p = new PrintedParser();
    assert.deepEqual(p.parse('step 10 loss=0.5 acc=0.9'), [
      { name: 'loss', xKind: 'step', x: 10, y: 0.5 },
      { name: 'acc', xKind: 'step', x: 10, y: 0.9 },
    ]);
    assert.deepEqual(p.parse('[100] loss: 1.2'), [{ name: 'loss', xKind: 'step', x: 100, y: 1.2 }]);
    assert.deepEqual(p.parse('Step 20: loss: 0.25, lr: 1e-4'), [
      { name: 'loss', xKind: 'step', x: 20, y: 0.25 },
      { name: 'lr', xKind: 'step', x: 20, y: 1e-4 },
    ]);
    assert.deepEqual(p.parse('Epoch 3/10 - loss: 0.12'), [{ name: 'loss', xKind: 'epoch', x: 3, y: 0.12 }]);
  });

  it('does not take prose for metrics', () => {
    const p = new PrintedParser();
    for (const line of [
      'Trainable params: 9.6 K',
      'GPU available: True (cuda), used: True',
      'Saving checkpoint to epoch=3-step=100.ckpt',
      'LOCAL_RANK: 0 - CUDA_VISIBLE_DEVICES: [0]',
    ]) {
      assert.deepEqual(p.parse(line), [], line);
    }
  });

  it('reads the real Lightning Rich bars: metrics on their own lines at the bar position', () => {
    const bytes = fs.readFileSync(path.join(fixtures, 'lightning', 'terminal-capture.raw'));
    const pts = readAll(bytes, new PrintedParser());
    const names = new Set(pts.map((q) => q.name));
    assert.deepEqual([...names].sort(), ['train_acc', 'train_loss', 'val_acc', 'val_loss']);
    const loss = pts.filter((q) => q.name === 'train_loss');
    // the first bar: `Epoch 0/11 … 1/45`, then `train_loss: 2.275`; 45 batches an epoch, 12 epochs
    assert.deepEqual(loss[0], { name: 'train_loss', xKind: 'step', x: 1, y: 2.275 });
    assert.ok(loss.every((q) => q.x >= 1 && q.x <= 540));
    // the last bar shows 0.878: metrics.csv's last val_acc is 0.8777777552604675
    assert.equal(pts.filter((q) => q.name === 'val_acc').at(-1)!.y, 0.878);
  });

  it('reads every loss of the real tqdm capture in order', () => {
    const bytes = fs.readFileSync(path.join(fixtures, 'tqdm', 'stderr.txt'));
    const pts = readAll(bytes, new PrintedParser());
    const losses = pts.filter((q) => q.name === 'loss');
    assert.equal(losses.length, 610); // frames with `loss=` in the capture (tr '\r' '\n' | grep -c)
    assert.equal(losses[0].y, 11.8);
    // every postfix update in order: the bar's counter lags them (70 frames show `1/200`)
    assert.deepEqual(
      losses.slice(0, 3).map((q) => [q.x, q.xKind]),
      [
        [1, 'index'],
        [2, 'index'],
        [3, 'index'],
      ],
    );
    assert.equal(losses[losses.length - 1].y, 3.18e-12);
    assert.ok(pts.filter((q) => q.name === 'lr').every((q) => q.y === 0.01));
  });
});

describe('CsvParser', () => {
  function parseFile(file: string): Map<string, Point[]> {
    const out = new Map<string, Point[]>();
    for (const q of readAll(fs.readFileSync(file), new CsvParser())) out.set(q.name, [...(out.get(q.name) ?? []), q]);
    return out;
  }

  it('reads the real Lightning metrics.csv (CRLF, sparse rows) at its step column', () => {
    const series = parseFile(path.join(fixtures, 'lightning', 'metrics.csv'));
    // epoch is an axis, not a chart, even when steps position the rows
    assert.deepEqual([...series.keys()].sort(), ['lr-Adam', 'train_acc', 'train_loss', 'val_acc', 'val_loss']);
    assert.equal(series.get('train_loss')!.length, 108);
    assert.equal(series.get('val_loss')!.length, 12);
    assert.equal(series.get('lr-Adam')!.length, 12);
    assert.deepEqual(series.get('train_loss')![0], { name: 'train_loss', xKind: 'step', x: 4, y: 2.3229613304138184 });
    assert.deepEqual(series.get('val_loss')!.at(-1), { name: 'val_loss', xKind: 'step', x: 539, y: 0.416087806224823 });
    assert.deepEqual(series.get('lr-Adam')!.at(-1), { name: 'lr-Adam', xKind: 'step', x: 495, y: 0.00025 });
  });

  it('reads the real nvidia-smi query: units dropped, timestamps as wall-clock x', () => {
    const series = parseFile(path.join(fixtures, 'nvidia-smi', 'nvidia-smi-query.csv'));
    assert.deepEqual(
      [...series.keys()],
      ['utilization.gpu [%]', 'utilization.memory [%]', 'memory.used [MiB]', 'memory.total [MiB]', 'temperature.gpu', 'power.draw [W]'],
    );
    const power = series.get('power.draw [W]')!;
    assert.equal(power.length, 242);
    // first row: `2026/11/23 03:41:21.382, 0, NVIDIA H100 80GB HBM3, 0 %, 0 %, 0 MiB, 81559 MiB, 38, 69.61 W` (local time)
    const t = new Date(2026, 10, 23, 3, 41, 21, 382).getTime() / 1000;
    assert.deepEqual(power[0], { name: 'power.draw [W]', xKind: 'wall', x: t, y: 69.61, wall: t });
    assert.equal(series.get('memory.total [MiB]')![0].y, 81559);
  });

  it('names the series of every GPU after the first gpu<N>/, and skips [N/A]', () => {
    const p = new CsvParser();
    p.parse('timestamp, index, name, utilization.gpu [%], power.draw [W]');
    const a = p.parse('2026/11/23 03:41:21.382, 0, H100, 50 %, [N/A]');
    const b = p.parse('2026/11/23 03:41:21.382, 1, H100, 75 %, 300.5 W');
    assert.deepEqual(
      a.map((q) => [q.name, q.y]),
      [['utilization.gpu [%]', 50]],
    );
    assert.deepEqual(
      b.map((q) => [q.name, q.y]),
      [
        ['gpu1/utilization.gpu [%]', 75],
        ['gpu1/power.draw [W]', 300.5],
      ],
    );
  });

  it('reads quoted fields (pandas quotes names with commas; "" is a quote)', () => {
    const p = new CsvParser();
    p.parse('step,"loss, smoothed","say ""hi""",note');
    assert.deepEqual(p.parse('3,"0.25",1,"a, b"'), [
      { name: 'loss, smoothed', xKind: 'step', x: 3, y: 0.25 },
      { name: 'say "hi"', xKind: 'step', x: 3, y: 1 },
    ]);
  });

  it('reads a quoted field that goes on past a line end; a stray quote costs only its own line', () => {
    const p = new CsvParser();
    p.parse('step,note,loss');
    assert.deepEqual(p.parse('1,"first line'), []);
    assert.deepEqual(p.parse('second, line",0.5'), [{ name: 'loss', xKind: 'step', x: 1, y: 0.5 }]);
    assert.deepEqual(p.parse('2,"oops,0.4'), []);
    assert.deepEqual(p.parse('3,fine,0.3'), [{ name: 'loss', xKind: 'step', x: 3, y: 0.3 }]);
    assert.equal(p.malformed, 1);
  });

  it('uses epoch as x when there is no step column, and skips NA', () => {
    const p = new CsvParser();
    p.parse('epoch,accuracy,loss');
    assert.deepEqual(p.parse('0,0.5,NA'), [{ name: 'accuracy', xKind: 'epoch', x: 0, y: 0.5 }]);
  });

  it('counts rows that do not fit the header and reads on', () => {
    const p = new CsvParser();
    p.parse('step,loss');
    assert.deepEqual(p.parse('1,2,3'), []);
    assert.equal(p.malformed, 1);
    assert.deepEqual(p.parse('2,0.25'), [{ name: 'loss', xKind: 'step', x: 2, y: 0.25 }]);
  });
});
