/** Messages from the webview, checked at the host boundary (issue 13, item 4). */
import { strict as assert } from 'node:assert';
import { checkWebviewMessage, MAX_BUCKETS, MAX_LOG_LINES } from '../../../../src/core/protocol/validate';
import type { WebviewToHost } from '../../../../src/core/protocol/webview';

const ok = (m: unknown) => checkWebviewMessage(m).ok;
const why = (m: unknown) => {
  const r = checkWebviewMessage(m);
  return r.ok ? '' : r.why;
};

describe('webview message validation', () => {
  const window = { type: 'window', id: 3, keys: ['stdout.log:loss'], x0: 0, x1: 100, buckets: 800, axis: 'x' };
  const lines = { type: 'logLines', id: 4, stream: 'stdout', from: 0, count: 200 };

  it('passes every message the webview sends, as it is', () => {
    const good: WebviewToHost[] = [
      { type: 'ready' },
      { type: 'stop' },
      { type: 'exportCsv' },
      { type: 'exportPng', name: 'loss', png: 'data:image/png;base64,AAAA' },
      window as WebviewToHost,
      { ...window, axis: 'wall', x0: -5.5, x1: -5.5, buckets: MAX_BUCKETS, keys: [] } as WebviewToHost,
      lines as WebviewToHost,
      { ...lines, from: 1e9, count: MAX_LOG_LINES } as WebviewToHost,
      { type: 'logSearch', id: 0, stream: 'stderr', query: 'nan' },
      { type: 'copy', text: 'line 1\nline 2' },
      { type: 'showRun', id: '/w/.training-monitor/runs/x' },
      { type: 'overlay', id: '/w/x', on: false },
    ];
    for (const m of good) {
      const r = checkWebviewMessage(m);
      assert.ok(r.ok, JSON.stringify(m) + (r.ok ? '' : r.why));
      assert.equal(r.msg, m);
    }
  });

  it('drops a zoom window with buckets out of 1..4096 (buckets -1 made the refine worker throw and restart)', () => {
    for (const buckets of [-1, 0, 0.5, 4097, 1e9, NaN, Infinity, '800', null])
      assert.equal(why({ ...window, buckets }), 'window: buckets is not an integer in 1..4096', String(buckets));
    assert.match(why({ ...window, x0: NaN }), /x0 and x1/);
    assert.match(why({ ...window, x0: 5, x1: 1 }), /x0 <= x1/);
    assert.match(why({ ...window, x1: Infinity }), /x0 and x1/);
    assert.match(why({ ...window, axis: 'y' }), /axis/);
    assert.match(why({ ...window, keys: 'loss' }), /keys/);
    assert.match(why({ ...window, keys: [1] }), /keys/);
    assert.match(why({ ...window, keys: new Array(10_001).fill('k') }), /keys/);
    assert.match(why({ ...window, keys: ['k'.repeat(10_001)] }), /keys/);
    assert.match(why({ ...window, id: -1 }), /id/);
  });

  it('drops log line requests that are unbounded or negative', () => {
    for (const count of [0, -1, 10_001, 1e12, 2.5, '200'])
      assert.equal(why({ ...lines, count }), 'logLines: count is not an integer in 1..10000', String(count));
    for (const from of [-1, 0.5, NaN, Number.MAX_SAFE_INTEGER + 2])
      assert.equal(why({ ...lines, from }), 'logLines: from is not a non-negative integer', String(from));
    assert.match(why({ ...lines, stream: 7 }), /stream/);
    assert.match(why({ type: 'logSearch', id: 1, stream: 's', query: 'q'.repeat(10_001) }), /query/);
  });

  it('drops anything that is not one of the messages, without throwing', () => {
    const hostile: unknown[] = [
      null,
      undefined,
      7,
      'stop',
      [],
      [{ type: 'stop' }],
      {},
      { type: 'Stop' },
      { type: 'constructor' },
      { type: '__proto__' },
      { type: 'toString' },
      { type: { toString: 'stop' } },
    ];
    for (const m of hostile) assert.equal(ok(m), false, JSON.stringify(m));
    assert.equal(why({ type: 'x'.repeat(1000) }), `unknown type ${JSON.stringify('x'.repeat(40))}`);
    assert.match(why({ type: 'overlay', id: 'x', on: 'yes' }), /on is not a boolean/);
    assert.match(why({ type: 'showRun', id: { path: '/' } }), /id/);
    assert.match(why({ type: 'copy', text: 5 }), /text/);
    assert.match(why({ type: 'exportPng', name: 'a', png: null }), /png/);
  });
});
