/**
 * Tables as training libraries write them, with and without a header, read by CsvParser. Each
 * fixture is produced by Python with the writer's own formatting.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { CsvParser } from '../../../../src/core/parse/csv';
import type { Point } from '../../../../src/core/parse/types';

function python(code: string): string {
  return execFileSync('/usr/bin/python3', ['-c', code], { encoding: 'utf8' });
}

function read(text: string): Map<string, Point[]> {
  const p = new CsvParser();
  const out = new Map<string, Point[]>();
  for (const line of text.split(/\r?\n/)) for (const q of p.parse(line)) out.set(q.name, [...(out.get(q.name) ?? []), q]);
  return out;
}

describe('Tables as libraries write them', () => {
  it('Ultralytics results.csv: names and numbers padded to 23 columns, epoch an axis', () => {
    // BaseTrainer.save_metrics: header ("%23s," * n) of epoch + keys, rows ("%23.5g," * n) of epoch + 1 + values
    const text = python(`
import sys
keys = ['train/box_loss', 'train/cls_loss', 'metrics/mAP50(B)', 'val/box_loss', 'lr/pg0']
n = len(keys) + 1
out = ("%23s," * n % tuple(["epoch"] + keys)).rstrip(",") + "\\n"
for epoch in range(3):
    vals = [1.5 - epoch / 10, 2.25, 0.1 * epoch, 1.75, 0.00333]
    out += ("%23.5g," * n % tuple([epoch + 1] + vals)).rstrip(",") + "\\n"
sys.stdout.write(out)
`);
    const s = read(text);
    assert.deepEqual([...s.keys()], ['train/box_loss', 'train/cls_loss', 'metrics/mAP50(B)', 'val/box_loss', 'lr/pg0']);
    assert.deepEqual(
      s.get('train/box_loss'),
      [1.5, 1.4, 1.3].map((y, i) => ({ name: 'train/box_loss', xKind: 'epoch', x: i + 1, y })),
    );
    assert.deepEqual(
      s.get('lr/pg0')!.map((q) => q.y),
      [0.00333, 0.00333, 0.00333],
    );
  });

  it('SB3 progress.csv: time/total_timesteps positions the rows and is no chart', () => {
    // CSVOutputFormat.write: a header of the keys seen, then one row per dump, empty cells for keys missing from it
    const text = python(`
import csv, io, sys
rows = [
  {'rollout/ep_len_mean': 21.5, 'rollout/ep_rew_mean': 21.5, 'time/fps': 900, 'time/iterations': 1, 'time/total_timesteps': 2048, 'train/loss': ''},
  {'rollout/ep_len_mean': 27.0, 'rollout/ep_rew_mean': 27.0, 'time/fps': 850, 'time/iterations': 2, 'time/total_timesteps': 4096, 'train/loss': 6.25},
]
keys = list(rows[0])
f = io.StringIO()
f.write(','.join(keys) + '\\n')
for r in rows:
    f.write(','.join(str(r[k]) for k in keys) + '\\n')
sys.stdout.write(f.getvalue())
`);
    const s = read(text);
    assert.equal(s.get('time/total_timesteps'), undefined);
    assert.deepEqual(
      s.get('rollout/ep_rew_mean')!.map((q) => [q.xKind, q.x, q.y]),
      [
        ['step', 2048, 21.5],
        ['step', 4096, 27],
      ],
    );
    assert.deepEqual(
      s.get('train/loss')!.map((q) => [q.x, q.y]),
      [[4096, 6.25]],
    );
  });

  it("SB3 monitor.csv: the comment line gives t_start, each row's t dates it", () => {
    const s = read('#{"t_start": 1700000000.25, "env_id": "CartPole-v1"}\nr,l,t\r\n12.0,12,0.5\r\n30.0,30,1.25\r\n');
    assert.deepEqual(s.get('r'), [
      { name: 'r', xKind: 'index', x: 1, y: 12, wall: 1700000000.75 },
      { name: 'r', xKind: 'index', x: 2, y: 30, wall: 1700000001.5 },
    ]);
    assert.equal(s.get('t'), undefined);
  });

  it('YOLOv5 results.txt: columns named as its TensorBoard tags, epoch from 3/99, units dropped', () => {
    const row = python(
      `print(('%10s' * 2 + '%10.4g' * 6) % ('%g/%g' % (3, 99), '%.3gG' % 11.8, 0.04, 0.02, 0.01, 0.07, 41, 640) + '%10.4g' * 7 % (0.5, 0.6, 0.55, 0.3, 0.03, 0.02, 0.005), end='')`,
    );
    const s = read(row);
    assert.deepEqual(
      [...s.keys()],
      [
        'gpu_mem',
        'train/box_loss',
        'train/obj_loss',
        'train/cls_loss',
        'train/total_loss',
        'labels',
        'metrics/precision',
        'metrics/recall',
        'metrics/mAP_0.5',
        'metrics/mAP_0.5:0.95',
        'val/box_loss',
        'val/obj_loss',
        'val/cls_loss',
      ],
    );
    assert.deepEqual(s.get('gpu_mem'), [{ name: 'gpu_mem', xKind: 'epoch', x: 3, y: 11.8 }]);
    assert.deepEqual(s.get('metrics/mAP_0.5:0.95'), [{ name: 'metrics/mAP_0.5:0.95', xKind: 'epoch', x: 3, y: 0.3 }]);
  });

  it('a table of numbers without a header: columns by position, rows by number', () => {
    const s = read('0.5 1.5 2\n0.25 1.25 3\n');
    assert.deepEqual([...s.keys()], ['column 1', 'column 2', 'column 3']);
    assert.deepEqual(
      s.get('column 2')!.map((q) => [q.x, q.y]),
      [
        [1, 1.5],
        [2, 1.25],
      ],
    );
  });
});
