import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TfEventsParser } from '../../../../src/core/parse/tfevents';
import type { Point } from '../../../../src/core/parse/types';
import { parse } from '../../../../src/cli/parse';
import { concat, event, record, scalarValue } from '../../../../src/cli/tfrecord-writer';

const fixtures = path.join(__dirname, '..', '..', '..', 'fixtures');
const LIGHTNING = path.join(fixtures, 'lightning', 'events.out.tfevents.1795405318.vm.621.0');
const f32 = (v: number) => Math.fround(v);

function byName(points: Point[]): Map<string, Point[]> {
  const m = new Map<string, Point[]>();
  for (const p of points) m.set(p.name, [...(m.get(p.name) ?? []), p]);
  return m;
}

describe('TfEventsParser', () => {
  it('reads the real Lightning event file: the same values as its metrics.csv, as float32', () => {
    const p = new TfEventsParser();
    const points = p.push(fs.readFileSync(LIGHTNING));
    const series = byName(points);
    assert.equal(series.get('train_loss')!.length, 108);
    const { wall, ...first } = series.get('train_loss')![0];
    assert.deepEqual(first, { name: 'train_loss', xKind: 'step', x: 4, y: f32(2.3229613304138184) });
    const { wall: _, ...last } = series.get('val_loss')!.at(-1)!;
    assert.deepEqual(last, { name: 'val_loss', xKind: 'step', x: 539, y: f32(0.416087806224823) });
    // Each event's wall_time: after the writer opened the file (its name holds that second), in order.
    const walls = points.map((q) => q.wall!);
    assert.ok(wall! >= 1795405318 && wall! < 1795405318 + 10, `${wall}`);
    assert.ok(walls.every((w, i) => i === 0 || w >= walls[i - 1] - 1e-3) && walls.at(-1)! > walls[0]);
    assert.equal(series.get('lr-Adam')!.length, 12);
    assert.equal(p.stats.corrupt, 0);
    assert.equal(p.pendingBytes, 0);
  });

  it('reads the real SummaryWriter run: scalars plotted, histogram and text counted, add_scalars folders named', async () => {
    const root = path.join(fixtures, 'torch-tb', 'torch_tb');
    const batch = (await parse(root)).snapshot();
    const names = batch.series.map((s) => s.name).sort();
    assert.deepEqual(names, ['loss/train', 'lr', 'multi_a/multi', 'multi_b/multi']);
    const loss = batch.series.find((s) => s.name === 'loss/train')!;
    assert.equal(loss.x.length, 600);
    // the same loop printed `step 0 loss=8.63946` (stdout.txt)
    assert.equal(loss.y[0].toFixed(5), '8.63946');
    assert.deepEqual(
      batch.events.map((e) => [e.level, e.text]),
      [
        ['info', 'events.out.tfevents.1795405347.vm.765.0: 24 histogram, image, audio or text values are not plotted.'],
        [
          'info',
          'Reading events.out.tfevents.1795405347.vm.765.0 (TensorBoard events), multi_a/events.out.tfevents.1795405353.vm.765.1 (TensorBoard events), multi_b/events.out.tfevents.1795405353.vm.765.2 (TensorBoard events).',
        ],
      ],
    );
    const p = new TfEventsParser();
    p.push(
      fs.readFileSync(
        path.join(
          root,
          fs.readdirSync(root).find((f) => f.includes('tfevents'))!,
        ),
      ),
    );
    assert.equal(p.stats.scalars, 1200);
    assert.equal(p.stats.other, 24, 'the histogram and text values of the run');
  });

  it('gives the same points whatever byte the file is cut at, and waits for a half-written record', () => {
    const bytes = new Uint8Array(fs.readFileSync(LIGHTNING));
    const whole = new TfEventsParser().push(bytes);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const p = new TfEventsParser();
      const points = [...p.push(bytes.subarray(0, cut)), ...p.push(bytes.subarray(cut))];
      if (points.length !== whole.length) assert.fail(`cut at ${cut}: ${points.length} points, expected ${whole.length}`);
    }
    const p = new TfEventsParser();
    const first = p.push(bytes.subarray(0, bytes.length - 3));
    assert.ok(p.pendingBytes > 0 && first.length < whole.length, 'the last record waits for its last bytes');
    assert.equal(p.stats.corrupt, 0, 'a half-written record is not corruption');
  });

  it('reads v2 scalars: rank-0 float_val, double_val and tensor_content tensors', () => {
    const p = new TfEventsParser();
    const bytes = concat([
      record(event(1, [scalarValue('a', 0.25, 'float_val', 'scalars')])),
      record(event(2, [scalarValue('b', 1 / 3, 'double_val', 'scalars')])),
      record(event(3, [scalarValue('c', 0.5, 'tensor_content', 'scalars')])),
      record(event(4, [scalarValue('a', 0.125, 'float_val')])), // metadata only on a tag's first value
    ]);
    assert.deepEqual(p.push(bytes), [
      { name: 'a', xKind: 'step', x: 1, y: 0.25, wall: 1_795_405_318 + 1 },
      { name: 'b', xKind: 'step', x: 2, y: 1 / 3, wall: 1_795_405_318 + 2 },
      { name: 'c', xKind: 'step', x: 3, y: 0.5, wall: 1_795_405_318 + 3 },
      { name: 'a', xKind: 'step', x: 4, y: 0.125, wall: 1_795_405_318 + 4 },
    ]);
  });

  it('does not plot tensors of other plugins (text, histograms) even when they look scalar', () => {
    const p = new TfEventsParser();
    const pts = p.push(concat([record(event(1, [scalarValue('notes', 1, 'float_val', 'text')])), record(event(2, [scalarValue('notes', 2, 'float_val')]))]));
    assert.deepEqual(pts, []);
    assert.equal(p.stats.other, 2);
  });

  it('skips a record with a bad checksum, resynchronises after garbage, and keeps every good point', () => {
    const good = Array.from({ length: 50 }, (_, i) => record(event(i, [scalarValue('loss', 1 / (i + 1))])));
    const damaged = good.map((r) => r.slice());
    damaged[10][20] ^= 0xff; // inside record 10's data
    damaged[30][2] ^= 0x01; // record 30's length header
    const garbage = new Uint8Array(333).map((_, i) => (i * 37) & 0xff);
    const bytes = concat([...damaged.slice(0, 20), garbage, ...damaged.slice(20)]);
    const p = new TfEventsParser();
    const steps = p.push(bytes).map((q) => q.x);
    const expected = Array.from({ length: 50 }, (_, i) => i).filter((i) => i !== 10 && i !== 30);
    assert.deepEqual(steps, expected);
    assert.equal(p.stats.corrupt, 3, 'the bad checksum, the garbage, the bad header');
    assert.ok(p.warnings.every((w) => /checksum|damaged/.test(w)));
  });

  it('never throws on random bytes', () => {
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let n = 0; n < 200; n++) {
      const junk = Uint8Array.from({ length: 1 + Math.floor(rand() * 2000) }, () => Math.floor(rand() * 256));
      const p = new TfEventsParser();
      assert.doesNotThrow(() => p.push(junk));
    }
  });
});
