import { strict as assert } from 'node:assert';
import { decimate } from '../../../src/core/decimate';
import { smoothEma } from '../../../src/core/smooth';

/** TensorBoard's smoothing as its chart code writes it (vz_line_chart2), transcribed for comparison. */
function tensorboardSmoothing(ys: number[], w: number): number[] {
  let last = ys.length > 0 ? 0 : NaN;
  let numAccum = 0;
  const isConstant = ys.every((v) => v === ys[0]);
  return ys.map((nextVal) => {
    if (isConstant || !Number.isFinite(nextVal)) return nextVal;
    last = last * w + (1 - w) * nextVal;
    numAccum++;
    const debiasWeight = w !== 1 ? 1 - Math.pow(w, numAccum) : 1;
    return last / debiasWeight;
  });
}

describe('smoothEma', () => {
  it('matches TensorBoard for every weight, with NaN and Inf passing through', () => {
    const ys = Array.from({ length: 500 }, (_, i) => Math.exp(-i / 100) + Math.sin(i) * 0.1);
    ys[37] = NaN;
    ys[99] = Infinity;
    for (const w of [0, 0.3, 0.6, 0.9, 0.99, 0.999, 1]) {
      const ours = smoothEma(ys, w);
      const theirs = tensorboardSmoothing(ys, w);
      ours.forEach((v, i) => assert.ok(Object.is(v, theirs[i]) || Math.abs(v - theirs[i]) < 1e-12, `w=${w} i=${i}`));
    }
  });

  it('starts at the first value (debiased), not at zero, and leaves a constant series alone', () => {
    assert.equal(smoothEma([5, 5, 5], 0.9)[0], 5);
    assert.ok(Math.abs(smoothEma([10, 0], 0.9)[0] - 10) < 1e-12);
    assert.deepEqual([...smoothEma([0.1, 0.1, 0.1], 0.6)], [0.1, 0.1, 0.1]);
  });
});

describe('decimate', () => {
  const N = 100_000;
  const x = Float64Array.from({ length: N }, (_, i) => i);
  const y = Float64Array.from({ length: N }, (_, i) => Math.sin(i / 1000));
  const wall = Float64Array.from({ length: N }, (_, i) => 1e9 + i / 10);
  y[54_321] = 50; // a spike
  y[77_777] = -50;

  it("keeps at most 4 points a bucket, in x order, every spike, and each point's time and band", () => {
    const d = decimate({ x, y, wall }, N, 0, N - 1, 500);
    assert.ok(d.x.length <= 2000, `${d.x.length} points`);
    for (let i = 1; i < d.x.length; i++) assert.ok(d.x[i] > d.x[i - 1]);
    assert.ok(d.y.includes(50) && d.y.includes(-50), 'spikes survive');
    assert.equal(Math.max(...d.hi!), 50);
    assert.equal(Math.min(...d.lo!), -50);
    for (let i = 0; i < d.x.length; i++) {
      assert.equal(d.wall[i], 1e9 + d.x[i] / 10, 'a kept point keeps its own time');
      assert.ok(d.lo![i] <= d.y[i] && d.y[i] <= d.hi![i], 'a point lies within its band');
    }
    assert.equal(d.inRange, N);
    assert.equal(d.x[0], 0);
    assert.equal(d.x.at(-1), N - 1);
  });

  it('decimates any x-range; a zoomed range with few points comes back whole, without a band', () => {
    const d = decimate({ x, y }, N, 54_300, 54_400, 500);
    assert.equal(d.inRange, 101);
    assert.deepEqual(
      [...d.x],
      Array.from({ length: 101 }, (_, i) => 54_300 + i),
    );
    assert.equal(d.y[21], 50);
    assert.equal(d.lo, undefined);
    assert.ok(d.wall.every(Number.isNaN), 'no times given: unknown');
  });

  it('merges the bands of points decimated before (the webview shrinking what it holds)', () => {
    const once = decimate({ x, y, wall }, N, 0, N - 1, 2000);
    const twice = decimate(once, once.x.length, 0, N - 1, 100);
    assert.ok(twice.x.length <= 400);
    assert.equal(Math.max(...twice.hi!), 50);
    assert.equal(Math.min(...twice.lo!), -50);
    const whole = decimate(once, once.x.length, 0, 10, 100);
    assert.ok(whole.lo && whole.lo.length === whole.x.length, 'a band given is kept even when nothing is dropped');
  });

  it('ignores non-finite values for the band but keeps them in the line', () => {
    const yy = Float64Array.from({ length: 1000 }, (_, i) => (i === 500 ? NaN : i === 600 ? -Infinity : i));
    const d = decimate({ x, y: yy }, 1000, 0, 999, 10);
    assert.ok(d.lo!.every(Number.isFinite) && d.hi!.every(Number.isFinite));
    assert.equal(d.hi!.at(-1), 999);
    assert.ok(Number.isNaN(d.y[d.x.indexOf(500)]), "a bucket's first point is drawn even when it is NaN (a gap)");
  });
});
