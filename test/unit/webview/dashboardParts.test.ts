/** The dashboard's pure parts: which lines are smoothed, epochs placed at steps, robust y ranges, run labels, sections. */
import { strict as assert } from 'node:assert';
import { epochToStep } from '../../../src/webview/epochSteps';
import { HeldSeries } from '../../../src/webview/heldSeries';
import { durationText, runText, startText } from '../../../src/webview/runLabels';
import { chartOrder, sectionOf } from '../../../src/webview/sections';
import { isCounter, smoothable } from '../../../src/webview/smoothing';
import { robustRange } from '../../../src/webview/yRange';

const lineOf = (x: number[], y: number[]) => {
  const l = new HeldSeries('k', 'epoch', 'stdout.log');
  l.add({
    key: 'k',
    name: 'epoch',
    source: 'stdout.log',
    xKind: 'step',
    x: Float64Array.from(x),
    y: Float64Array.from(y),
    wall: new Float64Array(x.length).fill(NaN),
  });
  return l;
};

describe('dashboard parts', () => {
  it('smooths dense series, not a handful of points nor a counter', () => {
    const noisy = Array.from({ length: 50 }, (_, i) => 1 / (i + 1) + (i % 2) * 0.1);
    assert.equal(smoothable(noisy, noisy.length), true);
    assert.equal(smoothable(noisy.slice(0, 5), 5), false, 'five evaluation points');
    const seen = Array.from({ length: 50 }, (_, i) => (i + 1) * 32);
    assert.equal(isCounter(seen, seen.length), true);
    assert.equal(smoothable(seen, seen.length), false);
    assert.equal(isCounter([3, 2, 5], 3), false, 'goes down');
    assert.equal(isCounter([0.5, 1, 2], 3), false, 'not whole');
  });

  it('places epochs at their steps through (step, epoch) records, extrapolating past them', () => {
    const map = epochToStep(lineOf([250, 500, 750, 1000], [1, 2, 3, 4]))!;
    assert.deepEqual(Array.from(map(Float64Array.from([1, 2.5, 4, 5]))), [250, 625, 1000, 1250]);
    assert.equal(epochToStep(lineOf([10], [0.1])), undefined, 'one record places nothing');
    assert.equal(epochToStep(lineOf([10, 20], [1, 1])), undefined, 'nor one epoch');
  });

  it('finds a y range that leaves a spike out', () => {
    const ys = Array.from({ length: 1000 }, (_, i) => (i === 500 ? 1e6 : 1 + Math.sin(i) * 0.1));
    const [lo, hi] = robustRange([ys])!;
    assert.ok(lo > 0.8 && hi < 1.2, `${lo}–${hi}`);
    assert.equal(robustRange([[NaN, undefined]]), undefined);
  });

  it("says a run's name, start, duration and state", () => {
    assert.equal(durationText(42_000), '42 s');
    assert.equal(durationText(12 * 60_000 + 5000), '12 min');
    assert.equal(durationText(3 * 3600_000 + 5 * 60_000), '3 h 05 min');
    assert.equal(durationText(50 * 3600_000), '2 d 2 h');
    const now = new Date(2026, 11, 2, 12, 0);
    assert.equal(startText(new Date(2026, 11, 2, 9, 30).toISOString(), now), '09:30');
    assert.equal(startText(new Date(2026, 10, 20, 17, 0).toISOString(), now), '2026-11-20 17:00');
    const run = {
      id: '/r',
      label: 'train.py 09:30',
      name: 'train.py',
      start: new Date(2026, 11, 2, 9, 30).toISOString(),
      state: 'running' as const,
      shown: true,
      overlaid: false,
    };
    assert.equal(runText(run, {}, now), 'train.py · 09:30 · 2 h 30 min · running');
    assert.equal(runText(run, { '/r': 'baseline' }, now), 'baseline · 09:30 · 2 h 30 min · running');
    assert.equal(runText({ ...run, start: undefined }, {}, now), 'train.py 09:30 — running', "no start known: the host's label");
  });

  it('puts charts in sections by prefix, in a stable order', () => {
    assert.equal(sectionOf('metric:train/tokens', 'train/tokens'), 'train');
    assert.equal(sectionOf('metric:eval_bleu', 'eval_bleu'), 'eval');
    assert.equal(sectionOf('metric:gpu3/power', 'gpu3/power.draw [W]'), 'gpu');
    assert.equal(sectionOf('gpu-memory', 'GPU memory'), 'gpu');
    assert.equal(sectionOf('loss', 'loss'), '', 'the families stay in the general section');
    const charts = [
      { id: 'metric:b', title: 'b' },
      { id: 'accuracy', title: 'accuracy' },
      { id: 'metric:a', title: 'a' },
      { id: 'loss', title: 'loss' },
    ];
    assert.deepEqual(
      charts.sort(chartOrder).map((c) => c.title),
      ['loss', 'accuracy', 'a', 'b'],
    );
  });
});
