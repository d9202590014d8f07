/** The one request/answer helper, across a real MessageChannel (as between the host and a worker). */
import { strict as assert } from 'node:assert';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { answer, RequestError, Requests, type ErrorReply } from '../../../../src/core/protocol/request';
import { noUnhandledRejections, sleep } from '../../../helpers';

type Q = { type: 'double'; id: number; n: number } | { type: 'echo'; id: number; text: string; waitMs?: number };
type A = { type: 'double'; id: number; n: number } | { type: 'echo'; id: number; text: string };

/** An answering side on `port`: doubles, echoes after `waitMs`, throws on "fail", answers nothing on "mute". */
function answerer(port: MessagePort): void {
  port.on('message', (q: Q) => {
    if (q.type === 'echo' && q.text === 'mute') return;
    void answer(
      q,
      async (q): Promise<A | { type: 'echo'; id: number; text: () => void }> => {
        if (q.type === 'double') return { type: 'double', id: q.id, n: q.n * 2 };
        if (q.waitMs) await sleep(q.waitMs);
        if (q.text === 'fail') throw new Error('EISDIR: illegal operation on a directory, read');
        if (q.text === 'uncloneable') return { type: 'echo', id: q.id, text: () => undefined };
        return { type: 'echo', id: q.id, text: q.text };
      },
      (reply) => port.postMessage(reply),
    );
  });
}

function pair(timeoutMs?: number) {
  const { port1, port2 } = new MessageChannel();
  const requests = new Requests<Q, A>((q) => port1.postMessage(q), timeoutMs);
  port1.on('message', (m: A | ErrorReply) => requests.settle(m));
  answerer(port2);
  return { requests, close: () => (port1.close(), port2.close()) };
}

async function rejection(p: Promise<unknown>): Promise<RequestError> {
  const err = await p.then(
    () => assert.fail('expected a rejection'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof RequestError, String(err));
  return err;
}

describe('Requests and answer (request.ts)', () => {
  noUnhandledRejections();

  it('matches each answer to its question by id, whatever order they come in', async () => {
    const { requests, close } = pair();
    const slow = requests.ask({ type: 'echo', text: 'slow', waitMs: 80 });
    const fast = requests.ask({ type: 'double', n: 21 });
    assert.equal(requests.size, 2);
    assert.deepEqual(await fast, { type: 'double', id: 2, n: 42 });
    assert.equal((await slow).text, 'slow');
    assert.equal(requests.size, 0);
    close();
  });

  it('an error while answering comes back as an error reply: the asker stops waiting and hears why', async () => {
    const { requests, close } = pair();
    const err = await rejection(requests.ask({ type: 'echo', text: 'fail' }));
    assert.equal(err.failure, 'error');
    assert.match(err.message, /EISDIR/);
    // an answer that cannot be sent is an error reply too
    assert.equal((await rejection(requests.ask({ type: 'echo', text: 'uncloneable' }))).failure, 'error');
    assert.equal(requests.size, 0);
    close();
  });

  it('a question with no answer fails after its timeout, and its late answer is ignored', async () => {
    const { requests, close } = pair(100);
    const t0 = Date.now();
    const err = await rejection(requests.ask({ type: 'echo', text: 'mute' }));
    assert.equal(err.failure, 'timeout');
    assert.ok(Date.now() - t0 >= 90, `${Date.now() - t0} ms`);
    const late = requests.ask({ type: 'echo', text: 'late', waitMs: 300 }, 50);
    assert.equal((await rejection(late)).failure, 'timeout');
    await sleep(350); // the answer comes now: nothing pending takes it
    assert.equal(requests.settle({ type: 'echo', id: 2, text: 'late' }), false);
    assert.deepEqual(await requests.ask({ type: 'double', n: 1 }), { type: 'double', id: 3, n: 2 }, 'later questions still work');
    close();
  });

  it('cancel settles what is pending and goes on; dispose also refuses later questions', async () => {
    const { requests, close } = pair();
    const pending = [requests.ask({ type: 'echo', text: 'mute' }), requests.ask({ type: 'echo', text: 'slow', waitMs: 50 })];
    requests.cancel('a new snapshot');
    for (const p of pending) assert.equal((await rejection(p)).failure, 'cancelled');
    assert.equal((await requests.ask({ type: 'double', n: 2 })).n, 4);
    const last = requests.ask({ type: 'echo', text: 'mute' });
    requests.dispose('the workers ended');
    const err = await rejection(last);
    assert.deepEqual([err.failure, err.message], ['cancelled', 'the workers ended']);
    assert.equal((await rejection(requests.ask({ type: 'double', n: 3 }))).failure, 'cancelled');
    close();
  });

  it('resend asks what is pending again of whoever answers now', async () => {
    const mute = new MessageChannel(); // the first answerer never answers (a worker that died)
    let port = mute.port1;
    const requests = new Requests<Q, A>((q) => port.postMessage(q));
    const asked = requests.ask({ type: 'echo', text: 'again' });
    const live = new MessageChannel();
    answerer(live.port2);
    live.port1.on('message', (m: A | ErrorReply) => requests.settle(m));
    port = live.port1;
    requests.resend();
    assert.deepEqual(await asked, { type: 'echo', id: 1, text: 'again' });
    for (const p of [mute.port1, mute.port2, live.port1, live.port2]) p.close();
  });

  it('an answer of the wrong type fails its question', async () => {
    const requests = new Requests<Q, A>(() => undefined);
    const asked = requests.ask({ type: 'double', n: 1 });
    assert.equal(requests.settle({ type: 'echo', id: 1, text: 'x' }), true);
    assert.equal((await rejection(asked)).failure, 'error');
  });
});
