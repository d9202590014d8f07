/**
 * Snapshots and batches in order: the host's Outbox (extension/outbox.ts) over a real
 * MessageChannel to a stand-in page that keeps the page's rule (core/protocol/order.ts), fed by
 * real pipelines. A batch injected between the shown run's snapshot and an overlay's is neither
 * lost nor doubled.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import type { Batch } from '../../../../src/core/protocol/batch';
import { Held } from '../../../../src/core/protocol/order';
import type { HostToWebview } from '../../../../src/core/protocol/webview';
import { Outbox } from '../../../../src/extension/outbox';
import { Pipeline } from '../../../../src/workers/pipeline';
import { sleep, tempDir, until, workersDir } from '../../../helpers';

/** What the page holds: points by series key, and the stdout text with the number of its first line. */
class Page {
  readonly held = new Held();
  points = new Map<string, number[]>();
  stdout = { line: -1, text: '' };
  snapshots = 0;

  take(msg: HostToWebview): void {
    if (msg.type === 'snapshot') {
      this.snapshots++;
      this.held.snapshot(msg.seqs);
      this.points = new Map();
      this.stdout = { line: 0, text: '' };
      this.apply(msg.batch);
    } else if (msg.type === 'batch' && this.held.admits(msg.batch)) {
      this.apply(msg.batch);
    }
  }

  private apply(b: Batch): void {
    for (const s of b.series) this.points.set(s.key, [...(this.points.get(s.key) ?? []), ...s.x]);
    for (const l of b.logs) {
      if (l.stream !== 'stdout') continue;
      if (l.line !== undefined) this.stdout = { line: l.line, text: '' };
      this.stdout.text += l.text;
    }
  }
}

/** A run folder with its pipeline; `onBatch` takes each batch as the host does. */
function run(onBatch: (b: Batch) => Promise<void> | void) {
  const dir = tempDir();
  const log = path.join(dir, 'stdout.log');
  fs.writeFileSync(log, '');
  const seqs: number[] = [];
  let step = 0;
  const pipeline = new Pipeline(
    { root: dir, workersDir, updatesPerSecond: 50, pollMs: 10 },
    {
      batch: (b) => {
        seqs.push(b.seq!);
        return onBatch(b);
      },
      error: (t) => assert.fail(t),
    },
  );
  const write = (n: number) => {
    for (let i = 0; i < n; i++, step++) fs.appendFileSync(log, `step=${step} loss=${1 / (step + 1)}\n`);
  };
  return { log, pipeline, seqs, write, written: () => step };
}

const TAG = 'run1\u0000';

describe('Snapshots and batches in order (Outbox and the page rule)', () => {
  let channel: MessageChannel;
  let page: Page;
  let outbox: Outbox<HostToWebview>;
  beforeEach(() => {
    channel = new MessageChannel();
    page = new Page();
    channel.port2.on('message', (m: HostToWebview) => page.take(m));
    outbox = new Outbox((msg) => (channel.port1.postMessage(msg), Promise.resolve(true)));
  });
  afterEach(() => channel.port1.close());

  const steps = (n: number) => Array.from({ length: n }, (_, i) => i);

  it('a reload with a run overlaid: a batch of the shown run between the two snapshots reaches the page once', async () => {
    const shown = run((batch) => outbox.batch({ type: 'batch', batch }));
    const overlay = run((b) =>
      outbox.batch({ type: 'batch', batch: { series: b.series.map((s) => ({ ...s, key: TAG + s.key })), logs: [], events: [], seq: b.seq, run: 'run1' } }),
    );
    shown.write(50);
    overlay.write(30);
    await until(() => shown.seqs.length && overlay.seqs.length, 10_000, 'first batches');
    await sleep(100);
    let injected = 0;
    let before = 0;
    await outbox.snapshot(async () => {
      // a batch held back since the reload began, which the snapshot asked after it holds
      const seen = shown.seqs.length;
      shown.write(10);
      await until(() => shown.seqs.length > seen, 10_000, 'a batch before the snapshot');
      before = shown.seqs[shown.seqs.length - 1];
      const main = await shown.pipeline.snapshot();
      // the shown run writes on while the overlay's snapshot is awaited
      shown.write(20);
      await until(() => shown.seqs.some((s) => s > main.seq!), 10_000, 'a batch of the shown run after its snapshot');
      injected = shown.seqs.filter((s) => s > main.seq!).length;
      const o = await overlay.pipeline.snapshot();
      const series = [...main.series, ...o.series.map((s) => ({ ...s, key: TAG + s.key }))];
      return { type: 'snapshot', run: undefined, batch: { ...main, series }, seqs: { '': main.seq!, run1: o.seq! } };
    }, true);
    assert.ok(injected > 0, 'a batch came between the snapshots');
    assert.ok(before > 0, 'a batch the snapshot holds came while it was made');
    shown.write(10);
    overlay.write(5);
    await Promise.all([shown.pipeline.drain(), overlay.pipeline.drain()]);
    await until(
      () => page.points.get('stdout.log:loss')?.length === 90 && page.points.get(TAG + 'stdout.log:loss')?.length === 35,
      5000,
      'every point on the page',
    );
    await sleep(50);
    assert.deepEqual(page.points.get('stdout.log:loss'), steps(90), 'each step of the shown run once, in order');
    assert.deepEqual(page.points.get(TAG + 'stdout.log:loss'), steps(35), 'and of the overlay');
    assert.equal(page.stdout.line, 0);
    assert.equal(page.stdout.text, fs.readFileSync(shown.log, 'utf8'), 'the log text as written: line numbers match the host');
  });

  it('snapshots made again and again while the run writes: nothing lost, nothing doubled', async () => {
    const shown = run((batch) => outbox.batch({ type: 'batch', batch }));
    let writing = true;
    const writer = (async () => {
      while (writing) {
        shown.write(3);
        await sleep(3);
      }
    })();
    const make = async (): Promise<HostToWebview> => {
      const batch = await shown.pipeline.snapshot();
      await sleep(20); // another run's snapshot, a listing of past runs: batches come meanwhile
      return { type: 'snapshot', run: undefined, batch, seqs: { '': batch.seq! } };
    };
    for (let i = 0; i < 8; i++) {
      await outbox.snapshot(make, i % 2 === 0);
      await sleep(30);
    }
    // two asked at once go in order
    await Promise.all([outbox.snapshot(make), outbox.snapshot(make, true)]);
    writing = false;
    await writer;
    await shown.pipeline.drain();
    const n = shown.written();
    await until(() => page.points.get('stdout.log:loss')?.length === n, 5000, `all ${n} points`);
    await sleep(50);
    assert.equal(page.snapshots, 10);
    assert.deepEqual(page.points.get('stdout.log:loss'), steps(n));
    assert.equal(page.stdout.text, fs.readFileSync(shown.log, 'utf8'));
  });
});
