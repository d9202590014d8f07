/**
 * The printed-line reader line by line: fields, units, durations, prefixes and ranks, the hold on
 * lines without a position before training, and its cost on hostile lines (issue 13 item 6: one
 * 542-byte line of 30 `name: value` pairs ending in `time: 12s` took over a minute).
 */
import { strict as assert } from 'node:assert';
import { performance } from 'node:perf_hooks';
import { LineFields } from '../../../../src/core/parse/fields';
import { PrintedParser } from '../../../../src/core/parse/printed';
import type { Point } from '../../../../src/core/parse/types';

function all(p: PrintedParser, lines: string[]): Point[] {
  return lines.flatMap((l) => p.parse(l));
}

const pairs = (p: Point[]) => p.map((q) => [q.name, q.x, q.y]);

describe('Printed lines: fields', () => {
  it('reads `name value`, `name: value`, `name=value` and `value name`, with units, %E, nan and inf', () => {
    const p = new PrintedParser();
    assert.deepEqual(pairs(p.parse('iter 100: loss 4.2345, time 12.34ms, mfu 3.2%')), [
      ['loss', 100, 4.2345],
      ['time', 100, 12.34],
      ['mfu', 100, 3.2],
    ]);
    assert.deepEqual(pairs(p.parse('step 7 | lm loss: 4.2E+00 | grad norm: nan | scale=inf | 1.86G mem | 3.2k tok/s')), [
      ['lm loss', 7, 4.2],
      ['grad norm', 7, NaN],
      ['scale', 7, Infinity],
      ['mem', 7, 1.86],
      ['tok/s', 7, 3.2],
    ]);
  });

  it('never splits a duration into metrics, and takes no eta for a metric', () => {
    const p = new PrintedParser();
    assert.deepEqual(pairs(p.parse(' eta: 1 day, 8:33:03  iter: 19  total_loss: 2.345  time: 0:00:01  max_mem: 11811M')), [
      ['total_loss', 19, 2.345],
      ['max_mem', 19, 11811],
    ]);
  });

  it('keeps multi-word names whole, with a unit in parentheses, and numbers in them as words', () => {
    const p = new PrintedParser();
    assert.deepEqual(pairs(p.parse(' iteration      100/  1000 | elapsed time per iteration (ms): 12.5 | number of nan iterations:   0 |')), [
      ['elapsed time per iteration (ms)', 100, 12.5],
      ['number of nan iterations', 100, 0],
    ]);
  });

  it('finds the step: global counters first, a restarting step unrolled over epochs, `[100]`, an epoch alone', () => {
    const p = new PrintedParser();
    assert.deepEqual(pairs(p.parse('epoch 3 | num_updates 500 | step 2 | loss 1')), [['loss', 500, 1]]);
    const q = new PrintedParser();
    assert.deepEqual(pairs(all(q, ['epoch: 0|step: 8|loss: 1', 'epoch: 0|step: 9|loss: 2', 'epoch: 1|step: 0|loss: 3'])), [
      ['loss', 8, 1],
      ['loss', 9, 2],
      ['loss', 10, 3],
    ]);
    assert.deepEqual(pairs(new PrintedParser().parse('[100] loss: 1.2')), [['loss', 100, 1.2]]);
    assert.deepEqual(new PrintedParser().parse('Epoch 4 | loss 0.5'), [{ name: 'loss', xKind: 'epoch', x: 4, y: 0.5 }]);
    assert.deepEqual(pairs(new PrintedParser().parse('Epoch: [0]  [3/6]  loss: 8.2773 (8.3001)')), [['loss', 3, 8.2773]]);
    // PyTorch-GAN's bracketed pairs; pytorch/examples word_language_model's `|`-separated ones
    assert.deepEqual(pairs(new PrintedParser().parse('[Epoch 2/10] [Batch 100/938] [D loss: 0.512] [G loss: 0.7]')), [
      ['D loss', 1038, 0.512],
      ['G loss', 1038, 0.7],
    ]);
    const lm = new PrintedParser();
    assert.deepEqual(pairs(lm.parse('| epoch   1 |   200/ 2983 batches | lr 5.00 | ms/batch 25.12 | loss  7.32 | ppl  1510.42')), [
      ['lr', 200, 5],
      ['ms/batch', 200, 25.12],
      ['loss', 200, 7.32],
      ['ppl', 200, 1510.42],
    ]);
    assert.deepEqual(
      lm.parse('| end of epoch   1 | time: 25.12s | valid loss  5.67 | valid ppl   290.04').map((q) => [q.name, q.xKind, q.x]),
      [
        ['time', 'epoch', 1],
        ['valid loss', 'epoch', 1],
        ['valid ppl', 'epoch', 1],
      ],
    );
  });

  it('strips logging and launcher prefixes; ranks other than 0 get their own series', () => {
    const p = new PrintedParser();
    const got = all(p, [
      '2021-01-13 15:44:36,123 - mmdet - INFO - Epoch [1][10/100]\tloss: 1.5',
      '[2023-04-12 10:00:00,123] [INFO] [logging.py:96:log_dist] [Rank 0] step=10, skipped=0',
      '[default1]:step 10 loss=2.5',
      '[rank2]: step 10 loss=3.5',
      'step 10 loss=4.5 rank=3',
      'INFO:root:step 11 loss=1.4',
    ]);
    assert.deepEqual(pairs(got), [
      ['loss', 10, 1.5],
      ['skipped', 10, 0],
      ['rank1/loss', 10, 2.5],
      ['rank2/loss', 10, 3.5],
      ['rank3/loss', 10, 4.5],
      ['loss', 11, 1.4],
    ]);
    const hosts = new PrintedParser();
    assert.deepEqual(pairs(all(hosts, ['worker-0: step 1 loss 0.5', 'worker-1: step 1 loss 0.6'])), [
      ['loss', 1, 0.5],
      ['worker-1/loss', 1, 0.6],
    ]);
  });

  it('keeps name=value pairs that words follow, and no pair a name without = leaves to the words', () => {
    const f = new LineFields();
    assert.equal(f.read('step=3 loss=0.5 some text to search through'), 2);
    assert.deepEqual(
      [f.names.slice(0, 2), f.values.slice(0, 2)],
      [
        ['step', 'loss'],
        [3, 0.5],
      ],
    );
    assert.equal(f.read('step 3 loss 0.5 some text to search through'), 0);
  });

  it('does not take prose, paths, lists or argument dumps for pairs', () => {
    const f = new LineFields();
    for (const line of [
      'Saving checkpoint to epoch=3-step=100.ckpt',
      'GPU available: True (cuda), used: True',
      'Namespace(lr=0.001, batch_size=64, epochs=10)',
      '  adam_beta1 ...................................... 0.9',
      'loss_weight=1.0)))',
      'datetime: 2023-06-01 10:00:05',
    ]) {
      assert.equal(f.read(line), 0, line);
    }
  });
});

describe('Printed lines: no invented metrics', () => {
  it('holds lines without a position before training: a config dump printed once is never a series', () => {
    const p = new PrintedParser();
    const dump = ['batch_size: 64', 'lr: 0.001', 'BASE_LR: 0.02', 'NCCL_IB_TIMEOUT=22', 'num_classes=80,', 'num_classes=80,', 'num_classes=80,', 'epochs: 10'];
    assert.deepEqual(all(p, dump), []);
    assert.deepEqual(pairs(p.parse('step 1 loss 0.9')), [['loss', 1, 0.9]]);
    // after training started, an upper-case key is configuration, not a measurement
    assert.deepEqual(p.parse('SOLVER_BASE_LR: 0.02'), []);
  });

  it('after training started, a traceback, an out-of-memory message or a launcher failure summary is no series', () => {
    const p = new PrintedParser();
    p.parse('step 10 loss 0.5');
    const crash = [
      'Traceback (most recent call last):',
      '  File "/home/u/train.py", line 54, in <module>',
      '    main()',
      '  File "/home/u/train.py", line 40, in main',
      'RuntimeError: CUDA out of memory. Tried to allocate 20.00 MiB (GPU 0; 15.78 GiB total capacity; 14.32 GiB already allocated; 3.19 MiB free; 14.73 GiB reserved in total by PyTorch)',
      '  rank      : 0 (local_rank: 0)',
      '  exitcode  : 1 (pid: 1234)',
    ];
    assert.deepEqual(all(p, crash), []);
  });

  it('a dict printed over several lines is a record once training runs, a configuration before', () => {
    const p = new PrintedParser();
    const config = JSON.stringify({ train_batch_size: 8, optimizer: { params: { lr: 0.001 } } }, null, 2).split('\n');
    assert.deepEqual(all(p, config), []);
    p.parse('Step 100 per-step time 0.512s');
    assert.deepEqual(pairs(all(p, ["{'Loss/total_loss': 0.97,", " 'learning_rate': 0.0133}"])), [
      ['Loss/total_loss', 100, 0.97],
      ['learning_rate', 100, 0.0133],
    ]);
  });

  it('a shape that repeats with changing values is a curve, numbered in order, its first lines included', () => {
    const p = new PrintedParser();
    assert.deepEqual(all(p, ['loss: 0.5', 'loss: 0.4']), []);
    assert.deepEqual(all(p, ['loss: 0.3', 'loss: 0.2']), [
      { name: 'loss', xKind: 'index', x: 1, y: 0.5 },
      { name: 'loss', xKind: 'index', x: 2, y: 0.4 },
      { name: 'loss', xKind: 'index', x: 3, y: 0.3 },
      { name: 'loss', xKind: 'index', x: 4, y: 0.2 },
    ]);
  });

  it('lines without a step take the latest one (a validation block), in its own names when it says it is one', () => {
    const p = new PrintedParser();
    p.parse('iter 40: loss 1.0');
    assert.deepEqual(pairs(p.parse('val_acc: 0.75')), [['val_acc', 40, 0.75]]);
    assert.deepEqual(pairs(p.parse("epoch 001 | valid on 'valid' subset | loss 8.9 | num_updates 100")), [['valid/loss', 40, 8.9]]);
    assert.deepEqual(pairs(p.parse('Epoch(val) [1][50/50]  accuracy/top1: 71.2  time: 0.05')), [
      ['accuracy/top1', 40, 71.2],
      ['val/time', 40, 0.05],
    ]);
  });
});

/** Best of `n` runs of `f`, in ms. */
function best(n: number, f: () => void): number {
  let min = Infinity;
  for (let k = 0; k < n; k++) {
    const t = performance.now();
    f();
    min = Math.min(min, performance.now() - t);
  }
  return min;
}

describe('Printed lines: hostile input costs linear time', () => {
  const hostile: Record<string, string> = {
    '30 pairs then time: 12s': Array.from({ length: 30 }, (_, i) => `metric_${i}: ${i}.25`).join(' ') + ' time: 12s',
    '300 pairs then time: 12s': Array.from({ length: 300 }, (_, i) => `metric_${i}: ${i}.25`).join('  ') + '  time: 12s',
    '9,999 digits': '7'.repeat(9_999),
    '100k digits': '7'.repeat(100_000),
    '100k spaces': ' '.repeat(100_000) + 'loss: 1',
    '100k separators': '|,;\t'.repeat(25_000),
    colons: 'a:'.repeat(50_000),
    brackets: '['.repeat(50_000) + ']'.repeat(50_000),
    fractions: '1/'.repeat(50_000),
    'Epoch and spaces': 'Epoch 1/2 ' + ' '.repeat(9_000) + 'x',
    'tqdm-like digits': '9'.repeat(9_000) + '%|',
  };
  for (const [what, line] of Object.entries(hostile)) {
    it(`${what}: within 50× a plain scan of the same bytes`, () => {
      const lines = Array.from({ length: Math.max(1, Math.ceil(1e6 / line.length)) }, () => line);
      const fields = new LineFields();
      const parser = new PrintedParser();
      let h = 0;
      const scan = best(5, () => {
        for (const l of lines) for (let i = 0; i < l.length; i++) h = (h * 31 + l.charCodeAt(i)) | 0;
      });
      const read = best(5, () => {
        for (const l of lines) fields.read(l);
      });
      const parse = best(3, () => {
        for (const l of lines) parser.read(l, () => undefined);
      });
      assert.ok(h !== 0.5);
      const budget = 50 * Math.max(scan, 0.5);
      if (process.env.SHOW_COST) console.log(`      ${what}: fields ${(read / scan).toFixed(1)}×, parser ${(parse / scan).toFixed(1)}× a scan`);
      assert.ok(read <= budget && parse <= budget, `${what}: fields ${read.toFixed(1)} ms, parser ${parse.toFixed(1)} ms, scan ${scan.toFixed(1)} ms`);
    });
  }
});
