import { strict as assert } from 'node:assert';
import { smoothEma } from '../../../src/core/smooth';
import { HELD_MAX, HeldSeries } from '../../../src/webview/heldSeries';
import uPlot from 'uplot';
import { atResolution } from '../../../src/core/decimate';
import { aligned, bandShows, type LineColumns } from '../../../src/webview/plotData';

const delta = (x: number[], y: number[]) => ({
  key: 'k',
  name: 'loss',
  source: 's',
  xKind: 'step' as const,
  x: Float64Array.from(x),
  y: Float64Array.from(y),
  wall: new Float64Array(x.length).fill(NaN),
});

describe('Webview lines', () => {
  it('smooths incrementally exactly as the whole-series EMA, through redraws, cuts and weight changes', () => {
    let seed = 3;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const line = new HeldSeries('k', 'loss', 's');
    const xs: number[] = [];
    const ys: number[] = [];
    let x = 0;
    for (let step = 0; step < 400; step++) {
      const r = rand();
      let from = x;
      if (r < 0.3 && x > 0)
        from = x - 1; // a redraw replaces the last point
      else if (r < 0.35 && x > 10) from = x - 10; // a restart cuts further back
      const n = 1 + Math.floor(rand() * 5);
      const dx = Array.from({ length: n }, (_, i) => from + i);
      const dy = dx.map(() => (rand() < 0.05 ? NaN : rand()));
      xs.length = ys.length = from;
      xs.push(...dx);
      ys.push(...dy);
      x = from + n;
      line.add(delta(dx, dy));
      const weight = step < 200 ? 0.9 : 0.6;
      assert.deepEqual([...line.smoothY(weight)], [...smoothEma(ys, weight)], `after update ${step}`);
    }
    assert.deepEqual([...line.x.subarray(0, line.length)], xs);
  });

  it('leaves a constant series as it is, until it changes', () => {
    const line = new HeldSeries('k', 'lr', 's');
    line.add(delta([1, 2, 3], [0.1, 0.1, 0.1]));
    assert.deepEqual([...line.smoothY(0.99)], [0.1, 0.1, 0.1]);
    line.add(delta([4], [0.05]));
    assert.deepEqual([...line.smoothY(0.99)], [...smoothEma([0.1, 0.1, 0.1, 0.05], 0.99)]);
  });
});

describe('Webview lines at display resolution', () => {
  it("shrinks itself once live points pile up, keeping the spike in its band and each point's time", () => {
    const line = new HeldSeries('k', 'loss', 's');
    const N = 200_000;
    for (let from = 0; from < N; from += 1000) {
      const x = Array.from({ length: 1000 }, (_, i) => from + i);
      const d = delta(
        x,
        x.map((i) => (i === 123_456 ? 1e6 : Math.sin(i / 500))),
      );
      d.wall = Float64Array.from(x, (i) => 1e9 + i);
      line.add(d);
      assert.ok(line.length <= HELD_MAX, `held ${line.length} points`);
    }
    assert.equal(line.x[0], 0);
    assert.equal(line.x[line.length - 1], N - 1, 'the last point is kept');
    assert.ok(line.banded);
    assert.equal(Math.max(...line.hi!.subarray(0, line.length)), 1e6, 'the spike is in the band');
    for (let i = 0; i < line.length; i++) assert.equal(line.wall[i], 1e9 + line.x[i]);
    const smooth = line.smoothY(0.5);
    assert.deepEqual([...smooth], [...smoothEma(line.y.subarray(0, line.length), 0.5)], 'smoothing follows what is held');
  });

  it('takes a decimated snapshot with its band; later raw points get a band of their own value', () => {
    const line = new HeldSeries('k', 'loss', 's');
    const d = delta([0, 10, 20], [1, 2, 3]);
    line.add({ ...d, lo: Float64Array.from([0, 1, 2]), hi: Float64Array.from([5, 6, 7]) });
    line.add(delta([21, 22], [4, 5]));
    assert.deepEqual([...line.lo!.subarray(0, line.length)], [0, 1, 2, 4, 5]);
    assert.deepEqual([...line.hi!.subarray(0, line.length)], [5, 6, 7, 4, 5]);
  });
});

describe('Chart data', () => {
  it('aligns lines on the union of their x values, as uPlot.join does', () => {
    const a = Float64Array.from([1, 2, 4, 8]);
    const b = Float64Array.from([2, 3, 8, 9]);
    const tables: Array<[Float64Array, ...Float64Array[]]> = [
      [a, Float64Array.from([10, 20, 40, 80]), Float64Array.from([1, 2, 4, 8])],
      [b, Float64Array.from([-2, -3, -8, -9])],
    ];
    const data = aligned(tables);
    assert.deepEqual(
      data.map((c) => [...c]),
      uPlot.join(tables).map((c) => [...c]),
    );
    assert.deepEqual([...data[0]], [1, 2, 3, 4, 8, 9]);
    assert.deepEqual([...data[1]], [10, 20, undefined, 40, 80, undefined]);
    assert.deepEqual([...data[2]], [1, 2, undefined, 4, 8, undefined]);
    assert.deepEqual([...data[3]], [undefined, -2, -3, undefined, -8, -9]);
  });

  it('draws a band only where decimated columns show wider than the line: zoomed in, not at full view', () => {
    const n = 100_000;
    const x = Float64Array.from({ length: n }, (_, i) => i);
    const d = atResolution({ key: 'loss', name: 'loss', source: 'stdout.log', xKind: 'step', x, y: x.map((i) => Math.sin(i)), wall: x.map(() => NaN) }, 1024);
    assert.ok(d.lo && d.hi, 'decimated, with a band');
    const cols: LineColumns = { x: d.x, main: d.y, lo: d.lo, hi: d.hi };
    assert.equal(bandShows(cols, 0, n - 1, 800, false), false, '1024 columns over 800 px: the line covers its band');
    assert.equal(bandShows(cols, 30_000, 35_000, 800, false), true, '5% of the steps: ~51 columns, ~15 px each');
    assert.equal(bandShows(cols, 30_000, 35_000, 80, false), false, 'the same 51 columns in 80 px');
    assert.equal(bandShows(cols, 1, n - 1, 800, true), true, 'on a log axis the first columns show wide');
    assert.equal(bandShows({ x: d.x, main: d.y }, 30_000, 35_000, 800, false), false, 'no band to draw');
    // live points after a decimated part stand for themselves: only the decimated part counts
    const flat = Float64Array.from(d.y);
    assert.equal(bandShows({ ...cols, lo: flat, hi: flat }, 30_000, 35_000, 800, false), false, 'lo = hi: nothing to fill');
  });
});
