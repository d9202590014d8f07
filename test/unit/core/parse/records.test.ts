import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JsonlParser, parseRecord, recordPoints } from '../../../../src/core/parse/records';
import { Ingester } from '../../../../src/core/ingester';

const enc = new TextEncoder();

describe('Records (JSON Lines, printed dicts)', () => {
  it('reads the real Hugging Face Trainer output: quoted numbers, epoch as x, eval lines apart', () => {
    const r = new Ingester();
    r.chunk('stdout.log', fs.readFileSync(path.join(__dirname, '..', '..', '..', 'fixtures', 'hf-trainer', 'terminal-capture.raw')));
    r.end();
    const series = new Map(r.takeBatch().series.map((s) => [s.name, s]));
    const loss = series.get('loss')!;
    assert.equal(loss.x.length, 37); // grep -c "^{'loss'" after tr '\r' '\n'
    assert.equal(loss.xKind, 'epoch');
    assert.deepEqual([loss.x[0], loss.y[0]], [0.07937, 0.6922]);
    assert.deepEqual([loss.x.at(-1), loss.y.at(-1)], [2.937, 0.01227]);
    assert.deepEqual([...series.get('eval_loss')!.x], [1, 2, 3]);
    assert.equal(series.get('learning_rate')!.y.at(-1), 1.397e-5);
    assert.equal(series.get('train_loss')!.y[0], 0.2522);
  });

  it('trainer_state.json: every checkpoint copy feeds one set of series, each entry once; a half-written file waits', () => {
    // The shape transformers writes (a made-up run; the corpus has no trainer_state.json).
    const state = (steps: number[]) =>
      JSON.stringify(
        {
          global_step: steps.at(-1),
          log_history: steps.flatMap((step) => [
            { epoch: step / 100, grad_norm: 0.5, learning_rate: 1e-4, loss: 1 / step, step },
            ...(step % 20 === 0 ? [{ epoch: step / 100, eval_loss: 2 / step, eval_runtime: 0.1, step }] : []),
          ]),
          max_steps: 40,
        },
        null,
        2,
      );
    const r = new Ingester();
    const first = enc.encode(state([10, 20]));
    r.chunk('out/checkpoint-20/trainer_state.json', first.subarray(0, 50)); // half-written
    assert.deepEqual(r.takeBatch().series, []);
    r.chunk('out/checkpoint-20/trainer_state.json', first.subarray(50));
    r.chunk('out/checkpoint-40/trainer_state.json', enc.encode(state([10, 20, 30, 40])));
    r.end();
    const series = new Map(r.takeBatch().series.map((s) => [s.name, s]));
    assert.deepEqual([...series.get('loss')!.x], [10, 20, 30, 40]);
    assert.deepEqual([...series.get('eval_loss')!.y], [0.1, 0.05]);
    assert.equal(series.get('loss')!.source, 'trainer_state.json');
    assert.equal(series.get('epoch')!.y.at(-1), 0.4);
  });

  it('parses Python dict reprs and JSON, NaN and Infinity included', () => {
    assert.deepEqual(parseRecord(`{'loss': nan, 'lr': inf, 'ok': True, 'name': 'a\\'b', 'none': None}`), {
      loss: NaN,
      lr: Infinity,
      ok: true,
      name: "a'b",
      none: null,
    });
    assert.deepEqual(parseRecord('{"loss": NaN, "x": -Infinity, "step": 3}'), { loss: NaN, x: -Infinity, step: 3 });
    assert.equal(parseRecord('{not a record'), undefined);
    assert.equal(parseRecord("{'a': 1} trailing"), undefined);
  });

  it('positions by step, then epoch, then wall time (seconds or milliseconds), else by order', () => {
    assert.deepEqual(recordPoints({ global_step: 7, epoch: 1, loss: 0.5 }, 1), [
      { name: 'epoch', xKind: 'step', x: 7, y: 1 },
      { name: 'loss', xKind: 'step', x: 7, y: 0.5 },
    ]);
    assert.deepEqual(recordPoints({ timestamp: 1_795_405_318_500, acc: 0.9 }, 1), [
      { name: 'acc', xKind: 'wall', x: 1_795_405_318.5, y: 0.9, wall: 1_795_405_318.5 },
    ]);
    // A time field positions by step still, and dates the point.
    assert.deepEqual(recordPoints({ step: 3, time: 1_795_405_318.25, loss: 0.4 }, 1), [{ name: 'loss', xKind: 'step', x: 3, y: 0.4, wall: 1_795_405_318.25 }]);
    assert.deepEqual(recordPoints({ acc: '0.9', tag: 'train', ok: true }, 4), [{ name: 'acc', xKind: 'index', x: 4, y: 0.9 }]);
  });

  it('flattens nested metrics as a/b', () => {
    assert.deepEqual(
      recordPoints({ step: 1, train: { loss: 0.4, acc: 0.8 } }, 1).map((p) => p.name),
      ['train/loss', 'train/acc'],
    );
  });

  it('JSONL files: counts malformed lines, reads the rest, and says so without a storm', () => {
    const r = new Ingester();
    const lines = ['{"step": 1, "loss": 1.0}', '{"step": 2, "loss": 0.', 'garbage', '{"step": 3, "loss": 0.25}'];
    for (let i = 0; i < 30; i++) lines.push('{broken');
    r.chunk('metrics.jsonl', enc.encode(lines.join('\n') + '\n'));
    const b = r.takeBatch();
    assert.deepEqual([...b.series[0].x], [1, 3]);
    const warnings = b.events.filter((e) => e.level === 'warning');
    assert.equal(warnings.length, 1, 'one warning for the whole chunk');
    assert.match(warnings[0].text, /metrics\.jsonl: 32 malformed lines skipped so far/);
    const p = new JsonlParser();
    p.parse('');
    assert.equal(p.malformed, 0, 'blank lines are not malformed');
  });

  it('a line nested thousands of levels deep is one warning, and the line after it is read', () => {
    const deep = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
    const deepDict = "{'a': ".repeat(10_000) + '1' + '}'.repeat(10_000);
    const r = new Ingester();
    r.chunk(
      'metrics.jsonl',
      enc.encode(`{"step": 1, "loss": 0.5}\n${deep}\n{"step": 2, "loss": 0.4, "lr": {"group0": 0.1}}\n${deepDict}\n{"step": 3, "loss": 0.3}\n`),
    );
    r.end();
    const batch = r.takeBatch();
    const loss = batch.series.find((s) => s.name === 'loss')!;
    assert.deepEqual([...loss.x], [1, 2, 3]);
    assert.deepEqual([...batch.series.find((s) => s.name === 'lr/group0')!.y], [0.1]);
    const warnings = batch.events.filter((e) => e.level === 'warning').map((e) => e.text);
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0], /metrics\.jsonl: 2 malformed lines skipped/);
    assert.equal(parseRecord(deepDict), undefined);
  });

  it('flattens nested objects depth first, in the order the record reads', () => {
    const points = recordPoints({ step: 1, a: 1, b: { c: 2, d: { e: 3 } }, f: 4 }, 1);
    assert.deepEqual(
      points.map((p) => p.name),
      ['a', 'b/c', 'b/d/e', 'f'],
    );
  });
});
