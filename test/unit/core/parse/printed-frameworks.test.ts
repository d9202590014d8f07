/**
 * Each framework's printed log, as its own printing code writes it (test/fixtures/make_framework_logs.py
 * names the function followed for each), through the ingester as the CLI reads `stdout.log`: the
 * exact series, their x kind and x, their values, and no series from the configuration and
 * environment dumps printed before training. Language-model trainers here; vision, RL, real
 * captures and loops in printed-vision.test.ts.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PrintedParser } from '../../../../src/core/parse/printed';
import { FrameSplitter } from '../../../../src/core/frames';
import { check, fixed, fixtures, loss, names, range, read } from './printedFixtures';

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
