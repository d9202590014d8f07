/**
 * Series explosion: a run that logs thousands of distinct names keeps MAX_SERIES of them with one
 * warning, in bounded memory; long names are cut with a hash (distinct ones stay distinct); a name
 * never keeps alive the decoded chunk it was read from. Memory is the process's own, measured
 * after a full garbage collection, against generous bounds.
 */
import { strict as assert } from 'node:assert';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { Ingester } from '../../../src/core/ingester';
import { MAX_NAME_CHARS, MAX_SERIES, SeriesStore, storedName } from '../../../src/core/series';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const used = () => {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external; // big decoded strings may live outside the heap
};
const MB = 1 << 20;
const enc = new TextEncoder();

/** Feeds `text` to a fresh ingester as a file of that name, in 4 MB chunks, as the tail worker does. */
function feed(r: Ingester, file: string, text: string): void {
  const bytes = enc.encode(text);
  for (let i = 0; i < bytes.length; i += 4 * MB) {
    r.chunk(file, bytes.subarray(i, i + 4 * MB));
    r.takeBatch();
  }
  r.end();
}

const seriesOf = (r: Ingester) => r.snapshot().series;

describe('Series explosion', function () {
  this.timeout(60_000);

  it('200k distinct JSONL keys: the first 2,000 series kept, one warning naming the others, bounded memory', () => {
    const before = used();
    const r = new Ingester();
    const lines = Array.from({ length: 200_000 }, (_, i) => `{"step": 1, "k${i}": 0.5}\n`).join('');
    feed(r, 'metrics.jsonl', lines);
    const batch = r.takeBatch();
    const grown = used() - before;
    assert.equal(seriesOf(r).length, MAX_SERIES);
    const said = [...r.snapshot().events, ...batch.events].filter((e) => /series/.test(e.text));
    assert.equal(said.length, 1, said.map((e) => e.text).join('\n'));
    assert.match(said[0].text, /at most 2,000 series: k2000, k2001, k2002, k2003, k2004 and (at least )?[0-9,]{5,} more were not kept/);
    assert.ok(grown < 100 * MB, `${(grown / MB).toFixed(0)} MB held`);
  });

  it('a CSV header of 50k columns keeps 2,000 series in bounded memory', () => {
    const before = used();
    const r = new Ingester();
    const cols = Array.from({ length: 50_000 }, (_, i) => `c${i}`);
    const rows = Array.from({ length: 20 }, (_, s) => [s, ...cols.map(() => 0.5)].join(','));
    feed(r, 'metrics.csv', ['step', ...cols].join(',') + '\n' + rows.join('\n') + '\n');
    const grown = used() - before;
    const series = seriesOf(r);
    assert.equal(series.length, MAX_SERIES);
    assert.equal(series[0].x.length, 20);
    assert.ok(grown < 100 * MB, `${(grown / MB).toFixed(0)} MB held`);
  });

  it('names of 100 kB that differ only at their end stay distinct, cut to MAX_NAME_CHARS', () => {
    const r = new Ingester();
    const stem = 'n'.repeat(100_000);
    const names = Array.from({ length: 300 }, (_, i) => `${stem}${i}`);
    feed(r, 'metrics.jsonl', names.map((n, i) => `{"step": ${i}, "${n}": ${i}}\n`).join(''));
    const series = seriesOf(r);
    assert.equal(series.length, 300);
    assert.equal(new Set(series.map((s) => s.name)).size, 300);
    assert.ok(series.every((s) => s.name.length <= MAX_NAME_CHARS && s.name.startsWith('nnnn')));
    assert.equal(storedName(names[7]), series[7].name, 'the same name is cut the same way each time');
    assert.equal(storedName('loss'), 'loss');
  });

  it('a new name sliced from a decoded 4 MB chunk does not keep the chunk alive', () => {
    const store = new SeriesStore();
    const before = used();
    for (let i = 0; i < 50; i++) {
      // as a parser finds it: a slice of the text the chunk decoded to
      const bytes = new Uint8Array(4 * MB).fill(97);
      const tail = enc.encode(` metric_${i}_of_a_run=0.5\n`);
      bytes.set(tail, bytes.length - tail.length);
      const text = new TextDecoder().decode(bytes);
      const at = text.indexOf('metric_');
      store.add('stdout.log', text.slice(at, text.indexOf('=', at)), 'step', 1, 0.5);
    }
    const grown = used() - before;
    assert.equal(store.takeDeltas().length, 50);
    // 50 pinned chunks are 200 MB
    assert.ok(grown < 50 * MB, `${(grown / MB).toFixed(0)} MB held after 50 chunks`);
  });
});
