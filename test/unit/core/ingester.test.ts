import { strict as assert } from 'node:assert';
import { CsvParser } from '../../../src/core/parse/csv';
import { Ingester } from '../../../src/core/ingester';

const enc = new TextEncoder();

describe('Ingester', () => {
  it('a snapshot is what the batches so far carried; the next batch continues it, for every webview', () => {
    const r = new Ingester();
    r.chunk('stdout.log', enc.encode('step=1 loss=1.0\nstep=2 loss=0.5\n'));
    const b1 = r.takeBatch();
    assert.deepEqual([...b1.series[0].x], [1, 2]);
    assert.deepEqual(b1.logs, [{ stream: 'stdout', text: 'step=1 loss=1.0\nstep=2 loss=0.5\n' }]);
    r.chunk('stdout.log', enc.encode('step=3 loss=0.25\n'));
    const snap = r.snapshot(); // a webview reloads while step 3 is pending
    assert.deepEqual([...snap.series[0].y], [1, 0.5]);
    assert.equal(snap.logs[0].text, 'step=1 loss=1.0\nstep=2 loss=0.5\n');
    const next = r.takeBatch(); // every webview, the reloaded one too, gets step 3 once
    assert.deepEqual([...next.series[0].x], [3]);
    assert.deepEqual(next.logs, [{ stream: 'stdout', text: 'step=3 loss=0.25\n' }]);
    assert.deepEqual([...r.snapshot().series[0].x], [1, 2, 3]);
  });

  it('a redraw at the same position replaces the last value, sent again as a replacement', () => {
    const r = new Ingester();
    // the chunk ends inside the next frame, so the `\r` before it is known not to start a `\r\n`
    r.chunk('stdout.log', enc.encode('Epoch 1/1\n 1/2 - loss: 0.9\r 2/2 - loss: 0.8\r 2'));
    assert.deepEqual([...r.takeBatch().series[0].y], [0.9, 0.8]);
    r.chunk('stdout.log', enc.encode('/2 - loss: 0.7 - val_loss: 0.75\n'));
    const b = r.takeBatch();
    const loss = b.series.find((s) => s.name === 'loss')!;
    assert.deepEqual([[...loss.x], [...loss.y]], [[2], [0.7]], 'the point at x=2 again, with its new value');
    assert.deepEqual([...r.snapshot().series.find((s) => s.name === 'loss')!.y], [0.9, 0.7], 'the snapshot holds the replaced value');
  });

  it('re-reads a rewritten CSV without duplicating points, and says so', () => {
    const r = new Ingester();
    r.chunk('metrics.csv', enc.encode('step,loss\n1,0.9\n2,0.8\n'));
    r.reset('metrics.csv', 'the file shrank');
    r.chunk('metrics.csv', enc.encode('step,loss,acc\n1,0.9,0.1\n2,0.8,0.2\n3,0.7,0.3\n'));
    const b = r.takeBatch();
    const loss = b.series.find((s) => s.name === 'loss')!;
    assert.deepEqual([...loss.x], [1, 2, 3]);
    assert.deepEqual([...b.series.find((s) => s.name === 'acc')!.y], [0.1, 0.2, 0.3]);
    assert.match(b.events[0].text, /metrics\.csv: the file shrank; reading it again/);
  });

  it('reads CSV rows in place exactly as line by line, whatever byte the file is cut at', () => {
    // quotes (one spanning a line end), blank and indented lines, a wrong-width row, CRLF, NA
    const text = 'step,"loss, smoothed",note,acc\r\n1,0.5,plain,0.1\n\n2,"0.4","two\nlines",0.2\n  3,0.3,x,NA\n4,0.2\n5,0.1,"a,b",0.5\r\n6,1e-3,y,0.6';
    const byLine = new CsvParser();
    const expected = text
      .split(/\r?\n/)
      .flatMap((line) => byLine.parse(line))
      .map((p) => `${p.name}@${p.x}=${p.y}`);
    assert.equal(expected.length, 9, 'the row of the wrong width is the only loss');
    const read = (cut: number) => {
      const r = new Ingester();
      const bytes = enc.encode(text);
      r.chunk('metrics.csv', bytes.subarray(0, cut));
      r.chunk('metrics.csv', bytes.subarray(cut));
      r.end();
      return r.takeBatch().series.flatMap((s) => [...s.x].map((x, i) => `${s.name}@${x}=${s.y[i]}`));
    };
    const sorted = [...expected].sort();
    for (let cut = 0; cut <= text.length; cut++) assert.deepEqual(read(cut).sort(), sorted, `cut at byte ${cut}`);
  });

  it('keeps stdout and stderr apart and ignores files it does not read', () => {
    const r = new Ingester();
    r.chunk('stderr.log', enc.encode('Traceback\n'));
    r.chunk('stdout.log', enc.encode('hello\n'));
    r.chunk('model.ckpt', new Uint8Array([0, 1, 2, 255]));
    assert.deepEqual(r.takeBatch().logs, [
      { stream: 'stderr', text: 'Traceback\n' },
      { stream: 'stdout', text: 'hello\n' },
    ]);
  });

  it('parses the partial last line when the run ends', () => {
    const r = new Ingester();
    r.chunk('stdout.log', enc.encode('step=7 loss=0.1'));
    assert.deepEqual(r.takeBatch().series, []);
    r.end();
    assert.deepEqual([...r.takeBatch().series[0].x], [7]);
  });

  it('survives garbage bytes and keeps the good points around them', () => {
    const r = new Ingester();
    const garbage = new Uint8Array(4096).map((_, i) => (i * 7919) % 256);
    r.chunk('stdout.log', enc.encode('step=1 loss=1\n'));
    r.chunk('stdout.log', garbage);
    r.chunk('stdout.log', enc.encode('\nstep=2 loss=0.5\n'));
    r.end();
    const loss = r.takeBatch().series.find((s) => s.name === 'loss')!;
    assert.deepEqual([...loss.x], [1, 2]);
  });
});
