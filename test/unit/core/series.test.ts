import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Ingester } from '../../../src/core/ingester';
import { SeriesStore } from '../../../src/core/series';
import { Tailer } from '../../../src/workers/tailer';
import { tempDir } from '../../helpers';

describe('SeriesStore', () => {
  it('keeps every point across its chunks, and a restart inside an earlier chunk drops exactly the points after it', () => {
    const s = new SeriesStore();
    const N = 200_000; // several fixed chunks after the growing first one
    for (let i = 0; i < N; i++) s.add('m.csv', 'loss', 'step', i, i / 2, 1_795_405_318 + i);
    let [d] = s.takeDeltas();
    assert.equal(d.x.length, N);
    assert.ok(d.x.every((x, i) => x === i) && d.y.every((y, i) => y === i / 2));
    assert.equal(s.add('m.csv', 'loss', 'step', 40_000, -1, NaN), 'restarted');
    [d] = s.takeDeltas();
    assert.deepEqual([d.x[0], d.y[0], d.x.length], [40_000, -1, 1], 'the delta restarts at the new point');
    assert.ok(Number.isNaN(d.wall[0]));
    s.add('m.csv', 'loss', 'step', 40_001, 7, 0);
    const all = s.range('m.csv:loss', -Infinity, Infinity)!;
    assert.equal(all.x.length, 40_002);
    assert.deepEqual([all.x[39_999], all.x[40_000], all.x[40_001]], [39_999, 40_000, 40_001]);
    assert.equal(s.pointCount, 40_002);
  });

  it('after restarts at chunk edges and inside chunks, holds what a plain list of the same points holds', () => {
    const s = new SeriesStore();
    const model: number[][] = []; // [x, y]
    const CHUNK = 1 << 15;
    let x = 0;
    // where the next point goes back to: edges of the growing first chunk and of fixed chunks, inside them, the start
    const backTo = [CHUNK, 5, 2 * CHUNK - 1, 0, 3 * CHUNK, CHUNK + 1, 4, 2 * CHUNK];
    for (const to of backTo) {
      for (const end = 4 * CHUNK + 17; x < end; x++) {
        s.add('e', 'loss', 'step', x, x % 97, NaN, false, true);
        model.push([x, x % 97]);
      }
      assert.equal(s.add('e', 'loss', 'step', to, -to, NaN, false, true), 'restarted');
      model.length = model.findIndex(([mx]) => mx >= to);
      model.push([to, -to]);
      x = to + 1;
    }
    const all = s.range('e:loss', -Infinity, Infinity)!;
    assert.equal(all.x.length, model.length);
    assert.ok(
      model.every(([mx, my], i) => all.x[i] === mx && all.y[i] === my),
      'every point where the list has it',
    );
  });

  it('stores at most 24 bytes a point on a long run', () => {
    const s = new SeriesStore();
    for (let k = 0; k < 4; k++) for (let i = 0; i < 300_000; i++) s.add('a', `m${k}`, 'step', i, Math.random(), 1_795_405_318 + i * 0.01);
    const perPoint = s.bytes / s.pointCount;
    assert.ok(perPoint <= 24, `${perPoint.toFixed(1)} B/point`);
  });

  it("keeps each point's wall-clock time to within 0.1 s over two weeks, and windows by it", () => {
    const s = new SeriesStore();
    const t0 = 1_795_405_318.25;
    const two = 14 * 86_400;
    for (let i = 0; i <= 1000; i++) s.add('a', 'loss', 'step', i, i, t0 + (i * two) / 1000);
    const [d] = s.takeDeltas();
    for (let i = 0; i <= 1000; i++) assert.ok(Math.abs(d.wall[i] - (t0 + (i * two) / 1000)) < 0.1, `point ${i}`);
    assert.equal(d.wall[0], t0, 'the first time is exact');
    const w = s.range('a:loss', t0 + two / 2, t0 + two, 'wall')!;
    assert.deepEqual([w.x.length, w.y[0], w.y.at(-1)], [501, 500, 1000]);
  });
});

describe('Wall-clock time of points', () => {
  it('dates lines by when they were read, and leaves a backlog undated', () => {
    const r = new Ingester();
    const enc = new TextEncoder();
    r.chunk('stdout.log', enc.encode('step 1 loss=0.5\n')); // there before following began
    r.chunk('stdout.log', enc.encode('step 2 loss=0.4\n'), 1_795_405_400_000);
    r.chunk('m.jsonl', enc.encode('{"step": 1, "time": 1795405300.5, "acc": 0.7}\n'), 1_795_405_400_000);
    const b = r.takeBatch();
    const loss = b.series.find((s) => s.name === 'loss')!;
    assert.ok(Number.isNaN(loss.wall[0]));
    assert.equal(loss.wall[1], 1_795_405_400);
    assert.equal(b.series.find((s) => s.name === 'acc')!.wall[0], 1_795_405_300.5, "the record's own time wins");
  });

  it('the tailer dates bytes read after its first pass, and every byte of a live run', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'stdout.log'), 'old\n');
    const times = (live: boolean) => {
      const got: Array<number | undefined> = [];
      const t = new Tailer(dir, (m) => m.type === 'chunk' && got.push(m.time), live);
      return { t, got };
    };
    const attach = times(false);
    const launched = times(true);
    await attach.t.poll();
    await launched.t.poll();
    const before = Date.now();
    fs.appendFileSync(path.join(dir, 'stdout.log'), 'new\n');
    await attach.t.poll();
    await attach.t.close();
    await launched.t.close();
    assert.equal(attach.got.length, 2);
    assert.equal(attach.got[0], undefined, 'backlog');
    assert.ok(attach.got[1]! >= before && attach.got[1]! <= Date.now());
    assert.ok(launched.got[0]! > 0, 'a launched run dates its first bytes too');
  });
});
