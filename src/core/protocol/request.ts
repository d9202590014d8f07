/**
 * One way to ask and answer across a boundary (host ↔ refine worker, webview ↔ host). A question
 * carries an `id`; its answer has the question's `type` and `id`, or is an `error` reply with the
 * id. The asking side holds what is pending here and nowhere else: every question ends answered,
 * failed (an error reply, a timeout) or cancelled (`cancel`, `dispose`), never waiting for ever.
 * The answering side wraps its work in `answer`, which turns a throw into an error reply.
 * Browser-safe: the webview bundle uses it too.
 */

/** What crosses a boundary as a question or an answer. */
export interface Exchanged {
  type: string;
  id: number;
}

/** The answer to question `id` when answering failed. */
export interface ErrorReply {
  type: 'error';
  id: number;
  message: string;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A question as the asker writes it: the id is the helper's. */
export type Question<Q extends Exchanged> = DistributiveOmit<Q, 'id'>;

/** Why a question got no answer. */
export type Failure = 'error' | 'timeout' | 'cancelled';

export class RequestError extends Error {
  constructor(
    message: string,
    readonly failure: Failure,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

/** Whether `err` says the question was cancelled (the asker moved on), not that answering failed. */
export function isCancelled(err: unknown): boolean {
  return err instanceof RequestError && err.failure === 'cancelled';
}

interface Pending<Q> {
  question: Q;
  resolve(answer: unknown): void;
  reject(err: RequestError): void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** The asking side: questions `Q`, answers `A` (each of the same `type` as its question). */
export class Requests<Q extends Exchanged, A extends Exchanged> {
  private readonly pending = new Map<number, Pending<Q>>();
  private lastId = 0;
  private disposed: string | undefined;

  /**
   * `send` posts a question (to whoever answers now); `timeoutMs` is the default wait for an
   * answer (Infinity: none; such questions end with their answer, `cancel` or `dispose`).
   */
  constructor(
    private readonly send: (question: Q) => void,
    private readonly timeoutMs = Infinity,
  ) {}

  /** Asks `question`; the promise rejects with a RequestError on an error reply, a timeout or a cancel. */
  ask<T extends Q['type']>(question: { type: T } & Question<Extract<Q, { type: T }>>, timeoutMs = this.timeoutMs): Promise<Extract<A, { type: T }>> {
    if (this.disposed !== undefined) return Promise.reject(new RequestError(this.disposed, 'cancelled'));
    const id = ++this.lastId;
    const full = { ...question, id } as unknown as Q;
    return new Promise((resolve, reject) => {
      const timer =
        timeoutMs === Infinity
          ? undefined
          : setTimeout(() => this.fail(id, new RequestError(`No answer to ${full.type} within ${Math.round(timeoutMs / 1000)} s`, 'timeout')), timeoutMs);
      // a pending question must not keep a Node process alive
      (timer as { unref?: () => void } | undefined)?.unref?.();
      this.pending.set(id, { question: full, resolve: resolve as (a: unknown) => void, reject, timer });
      this.send(full);
    });
  }

  /**
   * Takes a message that may answer a pending question: true when it did (settled now), false
   * when it answers none (late: timed out or cancelled before, or not an answer at all).
   */
  settle(msg: A | ErrorReply): boolean {
    const p = this.pending.get(msg.id);
    if (!p) return false;
    if (msg.type === 'error') return this.fail(msg.id, new RequestError((msg as ErrorReply).message, 'error'));
    if (msg.type !== p.question.type) return this.fail(msg.id, new RequestError(`${p.question.type} was answered by ${msg.type}`, 'error'));
    this.forget(msg.id);
    p.resolve(msg);
    return true;
  }

  /** Sends every pending question again: the one who would have answered is gone, a new one is there. */
  resend(): void {
    for (const p of [...this.pending.values()]) this.send(p.question);
  }

  /** Rejects every pending question as cancelled; later questions are asked as before. */
  cancel(why: string): void {
    for (const id of [...this.pending.keys()]) this.fail(id, new RequestError(why, 'cancelled'));
  }

  /** Cancels what is pending, and every later question at once. */
  dispose(why = 'no longer asking'): void {
    this.disposed = why;
    this.cancel(why);
  }

  /** Questions awaiting their answer. */
  get size(): number {
    return this.pending.size;
  }

  private fail(id: number, err: RequestError): boolean {
    const p = this.pending.get(id);
    if (!p) return false;
    this.forget(id);
    p.reject(err);
    return true;
  }

  private forget(id: number): void {
    clearTimeout(this.pending.get(id)?.timer);
    this.pending.delete(id);
  }
}

/**
 * The answering side: runs `work` for `question` and replies with what it returns, or with an
 * error reply when it throws or rejects, so the asker never waits on a failure it cannot see.
 */
export async function answer<Q extends Exchanged, R>(question: Q, work: (q: Q) => R | Promise<R>, reply: (msg: R | ErrorReply) => void): Promise<void> {
  let result: R;
  try {
    result = await work(question);
  } catch (err) {
    return reply(errorReply(question.id, err));
  }
  try {
    reply(result);
  } catch (err) {
    reply(errorReply(question.id, err)); // the answer could not be sent (a value that does not clone)
  }
}

function errorReply(id: number, err: unknown): ErrorReply {
  return { type: 'error', id, message: err instanceof Error ? err.message : String(err) };
}
