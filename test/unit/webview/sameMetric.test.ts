import { strict as assert } from 'node:assert';
import { groupOf } from '../../../src/webview/groups';
import { chooseLines, fullPrecision, isAxisCounter, metricId, significantDigits, storesNumbers, type Candidate } from '../../../src/webview/sameMetric';

const line = (source: string, name: string, points: number, exact = storesNumbers(source)): Candidate => ({
  key: `${source}:${name}`,
  name,
  source,
  points,
  exact,
});
const drawn = (lines: Candidate[]) => {
  const c = chooseLines(lines);
  return lines.filter((l) => c.get(l.key)!.primary).map((l) => l.key);
};

describe('Same metric in several files', () => {
  it("maps the Trainer's event-file names back to its log keys, and nothing else", () => {
    const table: Array<[string, string]> = [
      ['train/loss', 'loss'],
      ['eval/loss', 'eval_loss'],
      ['test/accuracy', 'test_accuracy'],
      ['train/train_runtime', 'train_runtime'],
      ['loss', 'loss'],
      ['eval_loss', 'eval_loss'],
      ['loss/train', 'loss/train'],
      ['val/loss', 'val/loss'],
      ['Loss', 'Loss'],
      ['training/loss', 'training/loss'],
    ];
    assert.deepEqual(
      table.map(([n]) => [n, metricId(n)]),
      table,
    );
    assert.equal(groupOf('eval/f1').id, groupOf('eval_f1').id, 'so one chart holds both');
    assert.notEqual(groupOf('f1').id, groupOf('eval_f1').id);
  });

  it('knows the counters that are axes, not metrics', () => {
    for (const n of ['epoch', 'step', 'global_step', 'train/epoch', 'train/global_step', 'trainer/global_step', 'Epoch', 'num_updates', 'iteration'])
      assert.equal(isAxisCounter(n), true, n);
    for (const n of ['loss', 'epoch_loss', 'eval/epoch', 'steps_per_second', 'train_steps_per_second', 'lr']) assert.equal(isAxisCounter(n), false, n);
  });

  it('counts the digits a value was written with', () => {
    const table: Array<[number, number]> = [
      [0.4322, 4],
      [5e-5, 1],
      [0.6931471824645996, 16],
      [1234.5, 5],
      [-2.5e-7, 2],
      [0.0003, 1],
      [4.234567, 7],
      [0, 0],
      [NaN, 0],
    ];
    assert.deepEqual(
      table.map(([v]) => [v, significantDigits(v)]),
      table,
    );
  });

  it('tells stored files by name, and kept values from printed ones by their digits', () => {
    for (const s of [
      'runs/a/events.out.tfevents.1795405318.vm.621.0',
      'trainer_state.json',
      'metrics.jsonl',
      'metrics.csv',
      'progress.tsv',
      'run0 12:00 · metrics.csv',
    ])
      assert.equal(storesNumbers(s), true, s);
    for (const s of ['stdout.log', 'training.log', 'nohup.out', 'results.txt', 'csv.log']) assert.equal(storesNumbers(s), false, s);
    const f32 = (v: number) => Math.fround(v);
    // CSVLogger's training.log: Python repr of float32 metrics; lr and epoch stay short
    assert.equal(
      fullPrecision([
        { y: [f32(0.6931), f32(0.5123), f32(0.45)], length: 3 },
        { y: [0.001, 0.001, 0.001], length: 3 },
        { y: [0, 1, 2], length: 3 },
      ]),
      true,
    );
    // a Keras bar: 4 decimals
    assert.equal(
      fullPrecision([
        { y: [0.6931, 0.5123, 0.45], length: 3 },
        { y: [0.5, 0.7, 0.75], length: 3 },
      ]),
      false,
    );
    assert.equal(fullPrecision([{ y: [1, 2, 3], length: 3 }]), false, 'integers tell nothing');
    assert.equal(fullPrecision([{ y: [0.2, 0.3, f32(0.1), f32(0.4)], length: 2 }]), false, 'only held values count');
  });

  it('draws each metric once, from the most exact file, then the one with more points', () => {
    // Keras: the bar prints more often, CSVLogger keeps the digits
    assert.deepEqual(drawn([line('stdout.log', 'loss', 200), line('training.log', 'loss', 10, true)]), ['training.log:loss']);
    // HF: printed dicts, trainer_state.json and event files; the stored ones tie, more points wins
    const hf = [
      line('stdout.log', 'loss', 50),
      line('out/checkpoint-500/trainer_state.json', 'loss', 40),
      line('runs/x/events.out.tfevents.1', 'train/loss', 50),
    ];
    assert.deepEqual(drawn(hf), ['runs/x/events.out.tfevents.1:train/loss']);
    const choice = chooseLines(hf).get('runs/x/events.out.tfevents.1:train/loss')!;
    assert.deepEqual(
      choice.others.map((o) => o.source),
      ['stdout.log', 'out/checkpoint-500/trainer_state.json'],
    );
    // among equals, the first keeps its place
    assert.deepEqual(drawn([line('a.csv', 'loss', 5), line('b.csv', 'loss', 5)]), ['a.csv:loss']);
  });

  it('keeps different metrics, lines of the winning file, and other runs', () => {
    const lines = [
      line('stdout.log', 'loss', 100),
      line('stdout.log', 'val_loss', 10),
      line('metrics.csv', 'loss', 10),
      line('metrics.csv', 'train/loss', 10),
      { ...line('metrics.csv', 'loss', 10), key: 'run1\u0000metrics.csv:loss', source: 'b.py 10:00 · metrics.csv' },
      { ...line('stdout.log', 'loss', 100), key: 'run1\u0000stdout.log:loss', source: 'b.py 10:00 · stdout.log' },
    ];
    assert.deepEqual(drawn(lines), ['stdout.log:val_loss', 'metrics.csv:loss', 'metrics.csv:train/loss', 'run1\u0000metrics.csv:loss']);
    assert.deepEqual(chooseLines(lines).get('stdout.log:val_loss')!.others, [], 'a metric in one file has no others');
  });
});
