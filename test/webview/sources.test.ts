/** One line per metric when several files of a run report it, in real Chromium. */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { until } from '../helpers';
import { f64, harnessPerTest, inkedPixels, resultsDir, RUN, type Harness } from './harness';

const OTHER = { ...RUN, name: 'other.py', command: 'python3 -u other.py' };
const BLUE: [number, number, number] = [0x37, 0x94, 0xff];
const ORANGE: [number, number, number] = [0xd1, 0x86, 0x16];
const epochs = [0, 1, 2, 3, 4];
// a Keras fit: the bar prints `loss: 0.6931` (Keras `Progbar` formats `%.4f`); CSVLogger writes
// each float's repr into training.log (keras `callbacks.CSVLogger.on_epoch_end`)
const exact = epochs.map((e) => Math.fround(0.7 / (e + 1) + 0.01 * Math.sin(e)));
const printed = exact.map((v) => Number(v.toFixed(4)));
const series = (source: string, name: string, x: number[], y: number[], xKind = 'epoch') => ({
  key: `${source}:${name}`,
  name,
  source,
  xKind,
  x: f64(x),
  y: f64(y),
});
const keras = [series('stdout.log', 'loss', epochs, printed), series('training.log', 'loss', epochs, exact)];
const snapshot = (list: unknown[], run = RUN) => ({ type: 'snapshot', run, batch: { series: list, logs: [], events: [] } });
const legend = (h: Harness) => h.page.$$eval('.chart .u-legend .u-series:not(.raw) .u-label', (els) => els.map((e) => e.textContent));
const tooltips = (h: Harness) => h.page.$$eval('.chart .u-legend .u-series:not(.raw)', (els) => els.slice(1).map((e) => (e as HTMLElement).title));
const frame = (h: Harness) => h.page.waitForTimeout(120);

describe('One line per metric across files (real Chromium)', () => {
  const harness = harnessPerTest('sources');
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });

  it('draws a metric once, from the file that keeps its digits; the tooltip names the other; the control draws both, per run', async () => {
    await h.send(snapshot(keras));
    await frame(h);
    assert.deepEqual(await legend(h), ['epoch', 'loss']);
    const [tip] = await tooltips(h);
    assert.match(tip, /^loss from training\.log \(stored values\)/);
    assert.match(tip, /Also in stdout\.log as loss \(printed, rounded, not drawn\)/);
    assert.ok((await inkedPixels(h.page, '.chart canvas', BLUE)) > 200, 'the one line is drawn');
    assert.equal(await inkedPixels(h.page, '.chart canvas', ORANGE), 0, 'and no second one');
    const control = h.page.locator('.chart .all-sources');
    assert.equal(await control.textContent(), '+1 from other files');

    await control.click();
    await frame(h);
    assert.deepEqual(await legend(h), ['epoch', 'loss · training.log', 'loss · stdout.log']);
    assert.ok((await inkedPixels(h.page, '.chart canvas', ORANGE)) > 100, 'the printed line is drawn too');
    assert.match((await tooltips(h))[1], /^loss from stdout\.log \(printed, rounded\)\.\nAlso in training\.log as loss \(stored values\)\.$/);
    assert.equal(await control.getAttribute('aria-pressed'), 'true');
    await h.page.screenshot({ path: path.join(resultsDir, 'sources-all.png') });
    const state = await until(async () => {
      const s = (await h.state()) as { runs?: Record<string, { allSources?: string[] }> };
      return s.runs && s;
    });
    assert.deepEqual(state.runs, { 'train.py\npython3 -u train.py': { allSources: ['loss'] } });

    await h.reload();
    await h.send(snapshot(keras));
    await frame(h);
    assert.equal((await legend(h)).length, 3, 'the choice survives a reload');
    await h.send(snapshot(keras, OTHER));
    await frame(h);
    assert.deepEqual(await legend(h), ['epoch', 'loss'], 'another run keeps its own choice');
    await h.send(snapshot(keras));
    await frame(h);
    assert.equal((await legend(h)).length, 3, 'and coming back restores this one');
    await h.page.click('.chart .all-sources');
    await frame(h);
    assert.deepEqual(await legend(h), ['epoch', 'loss']);
  });

  it("joins the Trainer's event-file names to its printed keys, picks among stored files by points, and keeps other runs' lines", async () => {
    const steps = Array.from({ length: 20 }, (_, i) => (i + 1) * 10);
    const loss = steps.map((s) => Number((2 / Math.sqrt(s)).toFixed(4))); // the Trainer rounds its logged loss to 4 digits
    const evalSteps = [100, 200];
    await h.send(
      snapshot([
        series('stdout.log', 'loss', steps, loss, 'step'),
        series('out/checkpoint-150/trainer_state.json', 'loss', steps.slice(0, 15), loss.slice(0, 15), 'step'),
        series('runs/Dec02_01-00-00_vm/events.out.tfevents.1795405318.vm.1.0', 'train/loss', steps, loss.map(Math.fround), 'step'),
        series('stdout.log', 'eval_loss', evalSteps, [0.21, 0.15], 'step'),
        series('runs/Dec02_01-00-00_vm/events.out.tfevents.1795405318.vm.1.0', 'eval/loss', evalSteps, [0.21, 0.15].map(Math.fround), 'step'),
        { ...series('stdout.log', 'loss', steps, loss, 'step'), key: 'run1\u0000stdout.log:loss', source: 'train.py 00:10 · stdout.log' },
        // the Trainer logs its epoch with each dict: an axis, not a chart
        series(
          'stdout.log',
          'epoch',
          steps,
          steps.map((s) => s / 100),
          'step',
        ),
        series(
          'runs/Dec02_01-00-00_vm/events.out.tfevents.1795405318.vm.1.0',
          'train/epoch',
          steps,
          steps.map((s) => s / 100),
          'step',
        ),
      ]),
    );
    await frame(h);
    assert.deepEqual(await h.page.$$eval('.chart h3', (els) => els.map((e) => e.textContent)), ['loss']);
    assert.deepEqual(await legend(h), ['step', 'train/loss', 'eval/loss', 'loss'], 'one line per metric and run');
    const [tip] = await tooltips(h);
    assert.match(
      tip,
      /^train\/loss from runs\/.*events\.out\.tfevents.* \(stored values\)\.\nAlso in stdout\.log as loss \(printed, rounded, not drawn\), out\/checkpoint-150\/trainer_state\.json as loss \(stored values, not drawn\)\.$/,
    );
    assert.equal(await h.page.textContent('.chart .all-sources'), '+3 from other files');
  });
});
