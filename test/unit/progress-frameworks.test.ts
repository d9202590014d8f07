/**
 * Each framework's printed log, as its own printing code writes it (test/fixtures/make_framework_logs.py
 * names the function followed for each), through the ingester as the CLI reads `stdout.log`: the
 * exact series, their x kind and x, their values, and no series from the configuration and
 * environment dumps printed before training. The fixtures' values follow `loss(i) = 4 / (1 + i / 100)`.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Ingester } from '../../src/core/ingester';
import { PrintedParser } from '../../src/core/parse/printed';
import { FrameSplitter } from '../../src/core/frames';
import { repoRoot } from '../helpers';

const fixtures = path.join(__dirname, '..', 'fixtures');
const loss = (i: number) => 4 / (1 + i / 100);
const fixed = (v: number, digits: number) => +v.toFixed(digits);
const range = (from: number, to: number, by: number) => Array.from({ length: Math.floor((to - from) / by) + 1 }, (_, k) => from + k * by);

interface Series {
  xKind: string;
  x: number[];
  y: number[];
}

/** Every series of a fixture's stdout.log, read whole as the CLI reads it. */
function read(folder: string, file = 'stdout.log'): Map<string, Series> {
  const r = new Ingester();
  r.chunk('stdout.log', fs.readFileSync(path.join(fixtures, folder, file)));
  r.end();
  return new Map(r.takeBatch().series.map((s) => [s.name, { xKind: s.xKind, x: [...s.x], y: [...s.y] }]));
}

function names(series: Map<string, Series>): string[] {
  return [...series.keys()].sort();
}

function check(s: Series | undefined, xKind: string, x: number[], y?: number[]): void {
  assert.ok(s, 'series exists');
  assert.equal(s.xKind, xKind);
  assert.deepEqual(s.x, x);
  if (y) assert.deepEqual(s.y, y);
}

describe('Printed logs of training frameworks', () => {
  it('nanoGPT: `iter N: loss …, time …ms, mfu …%` and `step N: train loss …, val loss …`; its config echo is no series', () => {
    const s = read('nanogpt');
    assert.deepEqual(names(s), ['loss', 'mfu', 'time', 'train loss', 'val loss']);
    const iters = range(0, 500, 10);
    check(
      s.get('loss'),
      'step',
      iters,
      iters.map((i) => fixed(loss(i), 4)),
    );
    check(
      s.get('time'),
      'step',
      iters,
      iters.map((i) => fixed(20 + i / 100, 2)),
    );
    check(
      s.get('mfu'),
      'step',
      iters,
      iters.map((i) => (i < 50 ? -100 : fixed(17.5 + i / 1000, 2))),
    );
    check(
      s.get('val loss'),
      'step',
      [0, 250, 500],
      [0, 250, 500].map((i) => fixed(loss(i) + 0.05, 4)),
    );
  });

  it('llm.c: `step    1/40 | loss … (+0.50z)| norm …| lr …| … ms | … tok/s`, the `val loss` before training joins its curve', () => {
    const s = read('llmc');
    assert.deepEqual(names(s), ['loss', 'lr', 'ms', 'norm', 'tok/s', 'val loss']);
    const steps = range(0, 39, 1);
    const x = steps.map((i) => i + 1);
    check(
      s.get('loss'),
      'step',
      x,
      steps.map((i) => fixed(loss(i), 6)),
    );
    check(
      s.get('norm'),
      'step',
      x,
      steps.map((i) => fixed(1 + i / 10, 4)),
    );
    check(
      s.get('tok/s'),
      'step',
      x,
      steps.map((i) => 34000 + i),
    );
    // the first evaluation runs before step 1 prints; the next after step 20
    check(s.get('val loss'), 'step', [1, 20], [4.513294, fixed(loss(20) + 0.1, 6)]);
  });

  it("llm.c's Logger main.log: `s:N trl:… lr:… norm:…` and `s:N tel:…`", () => {
    const p = new PrintedParser();
    const sp = new FrameSplitter();
    const pts = [...sp.push(fs.readFileSync(path.join(fixtures, 'llmc', 'main.log'))), ...sp.end()].flatMap((f) => p.parse(f.text));
    const trl = pts.filter((q) => q.name === 'trl');
    assert.deepEqual(
      trl.map((q) => q.x),
      range(0, 39, 1),
    );
    assert.deepEqual(
      trl.map((q) => q.y),
      range(0, 39, 1).map((i) => fixed(loss(i), 4)),
    );
    assert.deepEqual(
      pts.filter((q) => q.name === 'tel').map((q) => [q.xKind, q.x, q.y]),
      [['step', 20, fixed(loss(20) + 0.1, 4)]],
    );
    assert.deepEqual([...new Set(pts.map((q) => q.name))].sort(), ['lr', 'norm', 'tel', 'trl']);
  });

  it('Megatron: `iteration N/ M | name: value |` with %E values, validation at its iteration; no argument or NCCL variable', () => {
    const s = read('megatron');
    assert.deepEqual(names(s), [
      'allocated',
      'consumed samples',
      'elapsed time per iteration (ms)',
      'global batch size',
      'grad norm',
      'learning rate',
      'lm loss',
      'lm loss PPL',
      'lm loss value',
      'loss scale',
      'max allocated',
      'max reserved',
      'number of nan iterations',
      'number of skipped iterations',
      'reserved',
    ]);
    const its = range(10, 200, 10);
    check(
      s.get('lm loss'),
      'step',
      its,
      its.map((i) => +loss(i).toExponential(6)),
    );
    check(
      s.get('learning rate'),
      'step',
      its,
      its.map((i) => +(i * 3e-7).toExponential(3)),
    );
    check(
      s.get('consumed samples'),
      'step',
      its,
      its.map((i) => i * 128),
    );
    check(
      s.get('lm loss value'),
      'step',
      [100, 200],
      [100, 200].map((i) => +(loss(i) + 0.2).toExponential(6)),
    );
    check(s.get('allocated'), 'step', [10], [1234.5]); // `[Rank 0] (after 10 iterations) memory (MB) | allocated: …`
  });

  it('fairseq: `train_inner` lines at num_updates, the `valid` and `train` summaries apart', () => {
    const s = read('fairseq');
    const updates = range(50, 300, 50);
    check(
      s.get('loss'),
      'step',
      updates,
      updates.map((u) => fixed(loss(u), 3)),
    );
    check(
      s.get('lr'),
      'step',
      updates,
      updates.map((u) => +(u * 1e-6).toPrecision(6)),
    );
    check(
      s.get('valid/loss'),
      'step',
      [150, 300],
      [150, 300].map((u) => fixed(loss(u) + 0.3, 3)),
    );
    check(
      s.get('train/loss'),
      'step',
      [150, 300],
      [150, 300].map((u) => fixed(loss(u) + 0.1, 3)),
    );
    const inner = ['bsz', 'gnorm', 'loss', 'lr', 'nll_loss', 'ppl', 'train_wall', 'ups', 'wall', 'wpb', 'wps'];
    const valid = ['best_loss', 'bsz', 'loss', 'nll_loss', 'ppl', 'wpb', 'wps'].map((n) => `valid/${n}`);
    const train = inner.map((n) => `train/${n}`);
    assert.deepEqual(names(s), [...inner, ...valid, ...train].sort());
    check(s.get('train/wall'), 'step', [150, 300], [50, 100]);
  });

  it('fairseq --log-format json: quoted numbers at num_updates, the valid summary at valid_num_updates', () => {
    const s = read('fairseq-json');
    assert.deepEqual(names(s), ['epoch', 'loss', 'lr', 'ppl', 'train_wall', 'update', 'valid_best_loss', 'valid_loss', 'valid_ppl', 'wall', 'wps']);
    check(
      s.get('loss'),
      'step',
      [50, 100, 150],
      [50, 100, 150].map((u) => fixed(loss(u), 3)),
    );
    check(s.get('valid_loss'), 'step', [150], [fixed(loss(150) + 0.3, 3)]);
  });

  it('detectron2: CommonMetricPrinter at `iter`, eta never a metric, `11019M` read as 11019, `copypaste:` at the last iteration; no YAML key, no per-category table cell', () => {
    const s = read('detectron2');
    assert.deepEqual(names(s), [
      'bbox/AP',
      'bbox/AP50',
      'bbox/AP75',
      'bbox/APl',
      'bbox/APm',
      'bbox/APs',
      'data_time',
      'loss_box_reg',
      'loss_cls',
      'lr',
      'max_mem',
      'time',
      'total_loss',
    ]);
    const its = range(19, 199, 20);
    check(
      s.get('total_loss'),
      'step',
      its,
      its.map((i) => +loss(i).toPrecision(4)),
    );
    check(
      s.get('max_mem'),
      'step',
      its,
      its.map((i) => 11000 + i),
    );
    check(s.get('bbox/AP'), 'step', [199], [40.215]);
    check(s.get('bbox/APl'), 'step', [199], [51.902]);
  });

  it('MMCV: `Epoch [e][i/n]\\t…` unrolled to a global iteration, `Epoch(val)` at the last one; no config key', () => {
    const s = read('mmcv');
    assert.deepEqual(names(s), ['data_time', 'grad_norm', 'loss', 'loss_bbox', 'loss_rpn_cls', 'lr', 'memory', 'time', 'val/bbox_mAP', 'val/bbox_mAP_50']);
    const its = range(50, 400, 50);
    check(
      s.get('loss'),
      'step',
      its,
      its.map((g) => fixed(loss(g), 4)),
    );
    check(
      s.get('lr'),
      'step',
      its,
      its.map((g) => +(g * 1e-4).toExponential(3)),
    );
    check(s.get('val/bbox_mAP'), 'step', [200, 400], [0.31, 0.32]);
  });

  it('MMEngine: `Epoch(train)  [e][ i/n]  name: value  …` with its MM/DD timestamps, validation apart; no environment value', () => {
    const s = read('mmengine');
    assert.deepEqual(names(s), [
      'base_lr',
      'coco/bbox_mAP',
      'coco/bbox_mAP_50',
      'data_time',
      'loss',
      'loss_cls',
      'lr',
      'memory',
      'time',
      'val/data_time',
      'val/memory',
      'val/time',
    ]);
    check(
      s.get('loss'),
      'step',
      [50, 100, 150, 200],
      [50, 100, 150, 200].map((g) => fixed(loss(g), 4)),
    );
    check(s.get('coco/bbox_mAP'), 'step', [100, 200], [0.31, 0.32]);
    check(s.get('val/time'), 'step', [100, 200], [0.05, 0.05]);
  });

  it('Stable-Baselines3: one table per dump, sections as prefixes, time/total_timesteps as x', () => {
    const s = read('sb3');
    assert.deepEqual(names(s), [
      'rollout/ep_len_mean',
      'rollout/ep_rew_mean',
      'time/fps',
      'time/iterations',
      'time/time_elapsed',
      'train/approx_kl',
      'train/entropy_loss',
      'train/learning_rate',
      'train/loss',
      'train/n_updates',
    ]);
    check(s.get('rollout/ep_rew_mean'), 'step', [2048, 4096, 6144], [21.5, 22.5, 23.5]);
    check(s.get('train/loss'), 'step', [4096, 6144], [2.5, 1.67]);
  });

  it('DeepSpeed-Chat: `epoch: 0|step: 42|…` with a step that restarts each epoch, unrolled; see_memory_usage before training is no series', () => {
    const s = read('deepspeed-chat');
    assert.deepEqual(names(s), ['act_loss', 'average reward score', 'cri_loss', 'unsuper_loss']);
    const k = range(0, 7, 1);
    check(
      s.get('act_loss'),
      'step',
      k,
      k.map((i) => fixed(loss(i) / 10, 4)),
    );
    check(
      s.get('average reward score'),
      'step',
      k,
      k.map((i) => fixed(-1 + i / 10, 4)),
    );
  });

  it('TF2 Object Detection: `Step N per-step time …s`, then its losses as a dict printed over several lines', () => {
    const s = read('tf2-object-detection');
    assert.deepEqual(names(s), [
      'Loss/classification_loss',
      'Loss/localization_loss',
      'Loss/regularization_loss',
      'Loss/total_loss',
      'learning_rate',
      'per-step time',
    ]);
    const steps = range(100, 500, 100);
    check(
      s.get('Loss/classification_loss'),
      'step',
      steps,
      steps.map((i) => fixed(loss(i) / 4, 4)),
    );
    check(
      s.get('per-step time'),
      'step',
      steps,
      steps.map((i) => fixed(0.5 + i / 10000, 3)),
    );
  });

  it("DeepSpeed-Chat SFT: every rank's `loss = …`, throughput lines at the step, the evaluation block apart from the training loss", () => {
    const s = read('deepspeed-chat-sft');
    assert.deepEqual(names(s), [
      'Batch Size',
      'Latency',
      'Model Parameters',
      'Samples/sec',
      'Sequence Length',
      'TFLOPs',
      'Time/seq',
      'eval/loss',
      'eval/ppl',
      'loss',
      'rank1/loss',
    ]);
    check(
      s.get('loss'),
      'step',
      [0, 1, 2, 3],
      [0, 1, 2, 3].map((i) => fixed(loss(i), 4)),
    );
    check(
      s.get('rank1/loss'),
      'step',
      [0, 1, 2, 3],
      [0, 1, 2, 3].map((i) => fixed(loss(i) + 0.01, 4)),
    );
    check(s.get('TFLOPs'), 'step', [0, 1, 2, 3], [12, 12.1, 12.2, 12.3]);
    // the evaluation before training is placed at the first step, the one after at the last
    check(s.get('eval/loss'), 'step', [0, 3], [8.394, 0.753]);
  });

  it('pytorch/examples word_language_model: `| epoch 1 |   200/ 2983 batches | … |` by batch, `| end of epoch 1 | …` between dashes by epoch', () => {
    const s = read('word-language-model');
    assert.deepEqual(names(s), ['loss', 'lr', 'ms/batch', 'ppl', 'test loss', 'test ppl', 'time', 'valid loss', 'valid ppl']);
    const x = [1, 2].flatMap((e) => [200, 400, 600, 800].map((b) => (e - 1) * 2983 + b));
    check(
      s.get('loss'),
      'step',
      x,
      [1, 2].flatMap((e) => [200, 400, 600, 800].map((b) => fixed(7.5 - e + b / 1000, 2))),
    );
    check(s.get('valid loss'), 'epoch', [1, 2], [5.5, 5]);
    check(s.get('test loss'), 'epoch', [2], [4.9]);
  });

  it('torchrun `[rank1]:` prefixes: rank 0 keeps the plain names, rank 1 its own series', () => {
    const s = read('torchrun');
    assert.deepEqual(names(s), ['loss', 'lr', 'rank1/loss', 'rank1/lr']);
    const steps = range(0, 40, 10);
    check(
      s.get('loss'),
      'step',
      steps,
      steps.map((i) => fixed(loss(i), 4)),
    );
    check(
      s.get('rank1/loss'),
      'step',
      steps,
      steps.map((i) => fixed(loss(i) + 0.01, 4)),
    );
  });
});

describe('Printed logs of real captures', () => {
  it("Lightning's Rich bar: every frame that shows `train_loss: …`, rows led by the elapsed time included", () => {
    const raw = fs.readFileSync(path.join(fixtures, 'lightning', 'terminal-capture.raw'));
    // an independent count: frames (after `\r` splitting and ANSI removal) that show `train_loss: <number>`
    const frames = raw
      .toString('utf8')
      .split(/\r\n|\r|\n/)
      .map((f) => f.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, ''));
    const want = frames.filter((f) => /train_loss: \d/.test(f)).length;
    assert.equal(want, 294);
    const p = new PrintedParser();
    const sp = new FrameSplitter();
    const pts = [...sp.push(raw), ...sp.end()].flatMap((f) => p.parse(f.text));
    assert.equal(pts.filter((q) => q.name === 'train_loss').length, want); // the regex reader took 244 of them
  });
});

/** The fixtures written by the real torch (test/fixtures/pytorch/make_torch_logs.py), each checked against a plain regex reader. */
describe('Printed logs of real torch training loops', () => {
  const lines = (folder: string) => fs.readFileSync(path.join(fixtures, folder, 'stdout.log'), 'utf8').split('\n');

  it('a plain loop: `Epoch 1 | step 5 | loss 1.4671 | lr 0.0003`; its Namespace and hyper-parameter listing are no series', () => {
    const want = lines('pytorch-loop').flatMap((l) => {
      const m = /^Epoch (\d+) \| step (\d+) \| loss ([\d.]+) \| lr (\S+)$/.exec(l);
      return m ? [[+m[2], +m[3], +m[4]]] : [];
    });
    assert.equal(want.length, 8);
    const s = read('pytorch-loop');
    assert.deepEqual(names(s), ['loss', 'lr']);
    check(
      s.get('loss'),
      'step',
      want.map((w) => w[0]),
      want.map((w) => w[1]),
    );
    check(
      s.get('lr'),
      'step',
      want.map((w) => w[0]),
      want.map((w) => w[2]),
    );
  });

  it('pytorch/examples mnist: `Train Epoch: 1 [640/… (…%)]\\tLoss: …` by sample, `Test set:` at the epoch end', () => {
    const want: number[][] = [];
    const test: number[][] = [];
    for (const l of lines('mnist')) {
      let m = /^Train Epoch: (\d+) \[(\d+)\/(\d+) \(\d+%\)\]\tLoss: ([\d.]+)$/.exec(l);
      if (m) want.push([(+m[1] - 1) * +m[3] + +m[2], +m[4]]);
      m = /^Test set: Average loss: ([\d.]+), Accuracy: (\d+)\/\d+/.exec(l);
      if (m) test.push([want[want.length - 1][0], +m[1], +m[2]]);
    }
    assert.equal(want.length, 10);
    const s = read('mnist');
    assert.deepEqual(names(s), ['Loss', 'Test set/Accuracy', 'Test set/Average loss']);
    check(
      s.get('Loss'),
      'step',
      want.map((w) => w[0]),
      want.map((w) => w[1]),
    );
    check(
      s.get('Test set/Average loss'),
      'step',
      test.map((t) => t[0]),
      test.map((t) => t[1]),
    );
    check(
      s.get('Test set/Accuracy'),
      'step',
      test.map((t) => t[0]),
      test.map((t) => t[2]),
    );
  });

  it('a tutorial loop: `Epoch [1/3], Step [10/30], Loss: …` unrolled over epochs', () => {
    const want = lines('tutorial').flatMap((l) => {
      const m = /^Epoch \[(\d+)\/\d+\], Step \[(\d+)\/(\d+)\], Loss: ([\d.]+)$/.exec(l);
      return m ? [[(+m[1] - 1) * +m[3] + +m[2], +m[4]]] : [];
    });
    assert.equal(want.length, 9);
    const s = read('tutorial');
    assert.deepEqual(names(s), ['Loss']);
    check(
      s.get('Loss'),
      'step',
      want.map((w) => w[0]),
      want.map((w) => w[1]),
    );
  });
});

describe('Printed logs through the built CLI', () => {
  it('`parse <fixture>/stdout.log --json` gives the same series as the ingester, for every framework fixture', () => {
    const folders = fs.readdirSync(fixtures).filter((d) => fs.existsSync(path.join(fixtures, d, 'stdout.log')));
    assert.ok(folders.length >= 16, folders.join());
    for (const folder of folders) {
      const out = execFileSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'parse', path.join(fixtures, folder, 'stdout.log'), '--json'], {
        encoding: 'utf8',
      });
      const r = JSON.parse(out) as { series: Record<string, Series>; warnings: string[] };
      const want = read(folder);
      assert.deepEqual(Object.keys(r.series).sort(), names(want), folder);
      for (const [name, s] of Object.entries(r.series)) assert.deepEqual(s.x, want.get(name)!.x, `${folder}: ${name}`);
      assert.deepEqual(r.warnings, [], folder);
    }
  });
});
