/**
 * Follows the files of a run directory (or one file): new files, appended bytes, truncation and
 * replacement. It only moves bytes, and says what each file holds (by name, else by its first
 * bytes); the ingester makes sense of them.
 */
import { constants as C } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { sniff, SNIFF_BYTES, type FileFormat } from '../core/formats';
import { alsoName, type AlsoFollowed, type TailToRefine } from '../core/protocol/tail';
import { kind, Lister, type Listed, type Want } from './listing';
import { nextRelist, quietUntil, RELIST_MS } from './quiet';

/** Largest read, so one huge append does not become one huge message. */
export const READ_BYTES = 4 << 20;
/** Bytes before the offset checked to tell an append from a rewrite that kept the size or grew. */
const SIGNATURE_BYTES = 64;
/** A file unchanged this long gives its descriptor back (reopened by path when it grows). */
const IDLE_MS = 5000;
/** Descriptors held at most: the least recently changed files give theirs back first. */
const MAX_OPEN = 128;
/** Opened without blocking (a FIFO where a log was) and without following a last link we did not vet. */
const OPEN_FLAGS = C.O_RDONLY | (C.O_NONBLOCK ?? 0);

interface Followed {
  rel: string;
  abs: string;
  handle: fs.FileHandle | undefined;
  want: Want;
  /** Decided from the first bytes (or the name); undefined until then. */
  format: FileFormat | undefined;
  ino: number;
  offset: number;
  /** The last bytes read (up to SIGNATURE_BYTES, ending at `offset`). */
  signature: Uint8Array;
  size: number;
  mtimeMs: number;
  /** When its size or time last changed (ms). */
  changedAt: number;
  /** When to stat it next (ms): later and later while it stays quiet. */
  statAt: number;
  /** Not text after all (a checkpoint without extension). */
  ignored?: boolean;
}

export type TailSink = (msg: TailToRefine, transfer?: ArrayBuffer[]) => void;

export class Tailer {
  private followed = new Map<string, Followed>();
  private warned = new Set<string>();
  private readonly lister: Lister;
  /** Passes run one after another, never two at once on the same offsets. */
  private last: Promise<void> = Promise.resolve();
  private listed: Listed[] = [];
  private listedBy = new Map<string, Listed>();
  private listedAt = 0;
  private relistMs = RELIST_MS;
  /** Whether bytes read now were written just now (after the first pass, or in a launched run), so their read time dates them. */
  private dated: boolean;
  private spare: ArrayBuffer[] = [];
  /** For the first bytes (format) and the signature of every file. */
  private readonly buf = new Uint8Array(Math.max(SNIFF_BYTES, SIGNATURE_BYTES));
  /** Set for the last pass (drain, or the CLI's one pass): decide what a file holds from what there is. */
  private final = false;
  /** Descriptors held now (about: counted on open, recounted when idle ones are given back). */
  private opened = 0;
  /** Files stat'ed so far (tests read it to see the back-off of quiet files). */
  stats = 0;
  /** Whether the last pass found a file changed (new, grown, replaced). */
  moved = false;
  /**
   * In the last pass, asked before each read of `f` at `offset` (`size` bytes now): where reading
   * stops for now; the rest is read in a later pass, or not at all when `seek` moves past it. The
   * CLI parses parts of a big event file on another thread this way.
   */
  readUpTo: (f: { rel: string; abs: string; format: FileFormat; offset: number; size: number }) => number = (f) => f.size;
  /** Called before each chunk is sent; a promise it returns holds it until the consumer wants more (flow control). */
  ready: () => Promise<void> | undefined = () => undefined;

  /** `live`: the files are new, so even the first pass reads bytes just written. `also`: followed besides the root. */
  constructor(
    private readonly root: string,
    private readonly send: TailSink,
    live = false,
    private readonly also: AlsoFollowed[] = [],
  ) {
    this.dated = live;
    this.lister = new Lister(
      root,
      also,
      (abs) => this.rel(abs),
      (key, text) => this.warnOnce(key, text),
    );
  }

  /** One pass: find files, read what was appended to each. Calls queue behind each other. `final`: nothing more will be written. */
  poll(final = false): Promise<void> {
    this.last = this.last.then(() => {
      this.final ||= final;
      return this.pass();
    });
    return this.last;
  }

  /** Something changed in the tree (a watch event): walk it again on the next pass. */
  relist(): void {
    this.listedAt = 0;
    this.relistMs = RELIST_MS;
  }

  /** A watch event named `abs` (undefined: it named no file): stat it on the next pass, quiet or not. */
  touched(abs?: string): void {
    for (const l of abs === undefined ? this.listed : [this.listedBy.get(abs)]) if (l) l.statAt = 0;
  }

  private async pass(): Promise<void> {
    this.moved = false;
    if (Date.now() - this.listedAt >= this.relistMs) {
      // Stamped before the walk: a relist() asked for while it runs must still count afterwards.
      this.listedAt = Date.now();
      const [before, after] = [this.listed, (this.listed = await this.lister.list())];
      this.relistMs = nextRelist(this.relistMs, before.length === after.length && before.every((l, i) => l.abs === after[i].abs));
      this.listedBy = new Map(this.listed.map((l) => [l.abs, l]));
      for (const l of this.listed) l.statAt = this.followed.get(l.abs)?.statAt;
      // files no longer listed (deleted, moved away) give their descriptors back at once
      for (const f of this.followed.values()) if (f.handle && !this.listedBy.has(f.abs)) await this.closeFile(f);
    }
    const now = Date.now();
    for (const l of this.listed) {
      if (!this.final && now < (l.statAt ?? 0)) continue; // quiet: not yet
      const { abs, want } = l;
      try {
        await this.follow(abs, want).catch(async (err: NodeJS.ErrnoException) => {
          if (err.code !== 'EMFILE' && err.code !== 'ENFILE') throw err;
          await this.closeIdle(0); // out of descriptors: give every one back, then try again
          await this.follow(abs, want);
        });
      } catch (err) {
        this.warnOnce(abs, `${this.rel(abs)}: cannot read (${(err as Error).message}).`);
      }
      l.statAt = this.followed.get(abs)?.statAt;
    }
    // after the reads: files found binary by their bytes count too
    const skipped = this.lister.takeSkipped();
    if (skipped) this.send({ type: 'info', text: skipped });
    await this.closeIdle(IDLE_MS);
    if (!this.dated && !this.final) this.send({ type: 'caughtUp' }); // an attached run's backlog is read
    this.dated = true; // what was there before following began has been read
  }

  async close(): Promise<void> {
    await this.last;
    for (const f of this.followed.values()) await f.handle?.close().catch(() => undefined);
    this.followed.clear();
  }

  private async follow(abs: string, want: Want): Promise<void> {
    this.stats++;
    const st = await fs.stat(abs).catch(() => undefined);
    let f = this.followed.get(abs);
    // deleted (or moved) since the listing: what was read stays, the descriptor goes
    if (!st) return f?.handle ? this.closeFile(f) : undefined;
    if (!st.isFile()) {
      // a FIFO, a device or a folder where a log was: never opened (a FIFO blocks, /dev/zero has no end)
      this.warnOnce(`${kind(st)}:${abs}`, `${this.rel(abs)}: not a regular file (${kind(st)}); not read.`);
      return;
    }
    if (f && st.ino !== f.ino) {
      if (f.handle) await this.readToEnd(f, Infinity).catch(() => undefined); // the old file's last bytes, then the new one from its start
      await f.handle?.close().catch(() => undefined);
      this.followed.delete(abs);
      this.send({ type: 'reset', file: f.rel, reason: 'the file was replaced' });
      f = undefined;
    }
    if (!f) {
      f = {
        rel: this.rel(abs),
        abs,
        handle: undefined,
        want,
        format: 'format' in want ? want.format : undefined,
        ino: st.ino,
        offset: 0,
        signature: new Uint8Array(0),
        size: -1,
        mtimeMs: 0,
        changedAt: Date.now(),
        statAt: 0,
      };
      this.followed.set(abs, f);
    } else if (f.ignored || (st.size === f.size && st.mtimeMs === f.mtimeMs)) {
      f.statAt = quietUntil(Date.now(), f.changedAt, this.listed.length); // unchanged
      return;
    }
    f.statAt = 0;
    this.moved = true;
    if (!(await this.open(f))) return;
    if (st.size < f.offset) this.restart(f, 'the file shrank');
    else if (!(await this.signatureHolds(f))) {
      // Rewritten in place, as long as before or longer (Lightning rewrites metrics.csv whole, with a new column).
      this.restart(f, 'the file was rewritten');
    }
    f.size = st.size;
    f.mtimeMs = st.mtimeMs;
    f.changedAt = Date.now();
    if (!f.format && !(await this.decideFormat(f, st.size))) return;
    // Never past the size seen now: a file that grows without end costs one pass at a time.
    await this.readToEnd(f, st.size);
    if (f.offset < st.size) f.size = -1; // not all read: the next pass reads on
  }

  /** Opens `f` by path unless it holds a descriptor; false when what is there now is not the file followed. */
  private async open(f: Followed): Promise<boolean> {
    if (f.handle) return true;
    if (++this.opened > MAX_OPEN) await this.closeIdle(0); // bounded, whatever the number of files
    const handle = await fs.open(f.abs, OPEN_FLAGS);
    const st = await handle.stat().catch(() => undefined);
    if (!st?.isFile() || st.ino !== f.ino) {
      await handle.close().catch(() => undefined);
      return false; // replaced between stat and open: the next pass sees it
    }
    f.handle = handle;
    return true;
  }

  /** What a file of undecided format holds, from its first bytes; false while too little is written to tell. */
  private async decideFormat(f: Followed, size: number): Promise<boolean> {
    if (!('sniff' in f.want)) return true;
    const n = Math.min(size, SNIFF_BYTES);
    const { bytesRead } = await f.handle!.read(this.buf, 0, n, 0);
    const now = this.final || size > SNIFF_BYTES || Date.now() - f.mtimeMs > IDLE_MS;
    const found = sniff(this.buf.subarray(0, bytesRead), f.want.sniff, now, bytesRead === size);
    if (found === undefined) {
      f.size = -1; // look again next pass
      return false;
    }
    if (found === 'configuration') {
      this.lister.skip('configuration', f.rel);
      f.ignored = true;
      return false;
    }
    if (found === 'binary') {
      // a file the user named gets a warning of its own; one found in a folder joins the list
      if (f.want.sniff === 'any' && f.abs === this.root) this.warnOnce(f.abs, `${f.rel}: not text (binary); not read.`);
      else this.lister.skip('binary', f.rel);
      f.ignored = true; // never read; looked at again if replaced
      return false;
    }
    f.format = found;
    return true;
  }

  private restart(f: Followed, reason: string): void {
    f.offset = 0;
    f.signature = new Uint8Array(0);
    this.send({ type: 'reset', file: f.rel, reason });
  }

  /** Whether the bytes just before the offset are still the ones read there. */
  private async signatureHolds(f: Followed): Promise<boolean> {
    const n = f.signature.length;
    if (n === 0) return true;
    const { bytesRead } = await f.handle!.read(this.buf, 0, n, f.offset - n);
    return bytesRead === n && Buffer.compare(this.buf.subarray(0, n), f.signature) === 0;
  }

  /** Reads from the offset up to `limit` (the size seen at stat time) or the end, whichever comes first. */
  private async readToEnd(f: Followed, limit: number): Promise<void> {
    if (!f.format) return;
    // Each read into a buffer of its own, which is sent (transferred) without a copy; the next
    // read is under way while the consumer parses this one.
    const upTo = (offset: number) => (this.final ? Math.min(limit, this.readUpTo({ rel: f.rel, abs: f.abs, format: f.format!, offset, size: limit })) : limit);
    const readAt = (offset: number, stop: number) => {
      const want = Math.min(READ_BYTES, stop - offset);
      const spare = want === READ_BYTES ? this.spare.pop() : undefined;
      const buf = spare ? new Uint8Array(spare) : new Uint8Array(want);
      return f.handle!.read(buf, 0, want, offset).then(({ bytesRead }) => ({ buf, bytesRead, want }));
    };
    let stop = upTo(f.offset);
    let next = f.offset < stop ? readAt(f.offset, stop) : undefined;
    while (next) {
      const { buf, bytesRead, want } = await next;
      next = undefined;
      if (bytesRead === 0) return;
      f.offset += bytesRead;
      if (bytesRead === want && f.offset < (stop = upTo(f.offset))) next = readAt(f.offset, stop);
      const keep = Math.min(SIGNATURE_BYTES, bytesRead);
      const sig = new Uint8Array(Math.min(SIGNATURE_BYTES, f.signature.length + keep));
      sig.set(f.signature.subarray(f.signature.length - (sig.length - keep)));
      sig.set(buf.subarray(bytesRead - keep, bytesRead), sig.length - keep);
      f.signature = sig;
      const bytes = bytesRead === buf.length ? buf.buffer : buf.slice(0, bytesRead).buffer;
      const msg: TailToRefine = { type: 'chunk', file: f.rel, bytes, format: f.format };
      const wait = this.ready();
      if (wait) await wait;
      if (this.dated) msg.time = Date.now();
      this.send(msg, [bytes]);
    }
  }

  /**
   * A chunk's buffer the consumer is done with (it kept no view of it), to be read into again:
   * fresh buffers cost page faults and garbage collections, 4 MB at a time.
   */
  recycle(bytes: ArrayBuffer): void {
    if (bytes.byteLength === READ_BYTES && this.spare.length < 2) this.spare.push(bytes);
  }

  /** `rel` is read up to `offset` already (by other means): the next pass reads on from there. */
  seek(rel: string, offset: number): void {
    for (const f of this.followed.values()) {
      if (f.rel !== rel) continue;
      f.offset = offset;
      f.signature = new Uint8Array(0);
      f.size = -1;
    }
  }

  private async closeFile(f: Followed): Promise<void> {
    const h = f.handle;
    f.handle = undefined;
    await h?.close().catch(() => undefined);
  }

  /** Gives back the descriptors of files unchanged for `idleMs`, and the oldest beyond MAX_OPEN. */
  private async closeIdle(idleMs: number): Promise<void> {
    const open: Followed[] = []; // every pass: no copy of every file followed, only of the open ones
    for (const f of this.followed.values()) if (f.handle) open.push(f);
    this.opened = 0;
    const now = Date.now();
    open.sort((a, b) => b.changedAt - a.changedAt);
    for (let i = 0; i < open.length; i++) {
      const f = open[i];
      if (i >= MAX_OPEN || now - f.changedAt >= idleMs) {
        await f.handle!.close().catch(() => undefined);
        f.handle = undefined;
      } else this.opened++;
    }
  }

  private rel(abs: string): string {
    const also = alsoName(this.also, abs, path.sep);
    if (also !== undefined) return also;
    const r = path.relative(this.root, abs);
    return r === '' ? path.basename(abs) : r.split(path.sep).join('/');
  }

  private warnOnce(key: string, text: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.send({ type: 'warning', text });
  }
}
