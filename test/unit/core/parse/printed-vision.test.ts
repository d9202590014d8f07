/**
 * Printed logs of vision and RL frameworks (as their printing code writes them, see
 * test/fixtures/make_framework_logs.py), real captures, real torch loops, and the built CLI on
 * every framework fixture.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PrintedParser } from '../../../../src/core/parse/printed';
import { FrameSplitter } from '../../../../src/core/frames';
import { repoRoot } from '../../../helpers';
import { check, fixed, fixtures, loss, names, range, read, type Series } from './printedFixtures';

describe('Printed logs of vision and RL frameworks', () => {
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
