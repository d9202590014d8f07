/**
 * What the host sends one webview, in an order that loses nothing and doubles nothing. Batches
 * are numbered per run (`Batch.seq`) and a snapshot carries, per run, the number of the last batch
 * it holds (`seqs`): while a snapshot is being made (the shown run's, then each overlay's, each
 * awaited), the batches that come are held here and sent after it, and the page drops those the
 * snapshot already holds. No argument about which message was posted when is needed.
 * No `vscode` here: the unit tests drive it with the page's rule (core/protocol/order.ts).
 */
export class Outbox<M> {
  /** A snapshot was sent: batches go to the page. Before, they are dropped (the snapshot will hold them). */
  private opened = false;
  /** Batches that came while a snapshot was being made, with what to tell their sender once posted. */
  private held: Array<{ msg: M; done: () => void }> | undefined;
  /** Snapshots go one at a time, in the order they were asked for (the last one asked is the last shown). */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly post: (msg: M) => PromiseLike<unknown>) {}

  /** Whether the page got a snapshot. */
  get loaded(): boolean {
    return this.opened;
  }

  /** Sends a batch now, or once the snapshot being made is sent; resolves when the page took it (or it was dropped). */
  batch(msg: M): Promise<void> {
    if (this.held) return new Promise((done) => this.held!.push({ msg, done }));
    if (!this.opened) return Promise.resolve();
    return Promise.resolve(this.post(msg)).then(() => undefined);
  }

  /**
   * Makes a snapshot and sends it, then what came meanwhile. `reload`: the page starts empty and
   * counts as not loaded until its snapshot is sent. A snapshot that fails to be made sends nothing
   * (the held batches follow what the page holds) and rejects.
   */
  snapshot(make: () => Promise<M>, reload = false): Promise<void> {
    if (reload) this.opened = false;
    this.held ??= [];
    const turn = this.queue.then(async () => {
      this.held ??= []; // an earlier snapshot's turn sent what it held
      let snapshot: M | undefined;
      try {
        snapshot = await make();
      } finally {
        this.flush(snapshot);
      }
    });
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private flush(snapshot: M | undefined): void {
    const held = this.held ?? [];
    this.held = undefined;
    if (snapshot !== undefined) {
      this.opened = true;
      void this.post(snapshot);
    }
    // posts are delivered in order: each batch after the snapshot, which the page compares it with
    for (const { msg, done } of held) {
      if (this.opened) void Promise.resolve(this.post(msg)).then(done, done);
      else done();
    }
  }
}
