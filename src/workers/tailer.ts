/**
 * Follows the files of a run directory (or one file): new files, appended bytes, truncation and
 * replacement. It only moves bytes; the refiner makes sense of them.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { formatOf } from '../core/formats';
import { alsoName, type AlsoFollowed, type TailToRefine } from '../core/protocol/tail';

/** Largest read, so one huge append does not become one huge message. */
const READ_BYTES = 4 << 20;
/** Bytes before the offset checked to tell an append from a rewrite that kept the size or grew. */
const SIGNATURE_BYTES = 64;
/** Folders not worth walking. */
const SKIP_DIRS = new Set(['node_modules', '.git', '__pycache__', 'checkpoints', 'wandb']);
const MAX_DEPTH = 6;
/** How often the folder tree is walked for new files when no watch event says so. */
const RELIST_MS = 1000;

interface Followed {
  rel: string;
  abs: string;
  handle: fs.FileHandle;
  ino: number;
  offset: number;
  /** The last bytes read (up to SIGNATURE_BYTES, ending at `offset`). */
  signature: Uint8Array;
  size: number;
  mtimeMs: number;
}

export type TailSink = (msg: TailToRefine, transfer?: ArrayBuffer[]) => void;

export class Tailer {
  private followed = new Map<string, Followed>();
  private warned = new Set<string>();
  /** Passes run one after another, never two at once on the same offsets. */
  private last: Promise<void> = Promise.resolve();
  private listed: string[] = [];
  private listedAt = 0;
  /** Whether bytes read now were written just now (after the first pass, or in a launched run), so their read time dates them. */
  private dated: boolean;

  /** `live`: the files are new, so even the first pass reads bytes just written. `also`: followed besides the root. */
  constructor(
    private readonly root: string,
    private readonly send: TailSink,
    live = false,
    private readonly also: AlsoFollowed[] = [],
  ) {
    this.dated = live;
  }

  /** One pass: find files, read what was appended to each. Calls queue behind each other. */
  poll(): Promise<void> {
    this.last = this.last.then(() => this.pass());
    return this.last;
  }

  /** Something changed in the tree (a watch event): walk it again on the next pass. */
  relist(): void {
    this.listedAt = 0;
  }

  private async pass(): Promise<void> {
    if (Date.now() - this.listedAt >= RELIST_MS) {
      // Stamped before the walk: a relist() asked for while it runs must still count afterwards.
      this.listedAt = Date.now();
      this.listed = await this.list();
    }
    for (const abs of this.listed) {
      try {
        await this.follow(abs);
      } catch (err) {
        this.warnOnce(abs, `${this.rel(abs)}: cannot read (${(err as Error).message}).`);
      }
    }
    this.dated = true; // what was there before following began has been read
  }

  async close(): Promise<void> {
    await this.last;
    for (const f of this.followed.values()) await f.handle.close().catch(() => undefined);
    this.followed.clear();
  }

  private async follow(abs: string): Promise<void> {
    const st = await fs.stat(abs).catch(() => undefined);
    let f = this.followed.get(abs);
    if (!st) return; // vanished between listing and stat; what was read stays
    if (f && st.ino !== f.ino) {
      await this.readToEnd(f); // the old file's last bytes, then the new one from its start
      await f.handle.close();
      this.followed.delete(abs);
      this.send({ type: 'reset', file: f.rel, reason: 'the file was replaced' });
      f = undefined;
    }
    if (!f) {
      f = { rel: this.rel(abs), abs, handle: await fs.open(abs, 'r'), ino: st.ino, offset: 0, signature: new Uint8Array(0), size: 0, mtimeMs: 0 };
      this.followed.set(abs, f);
    } else if (st.size === f.size && st.mtimeMs === f.mtimeMs) {
      return; // unchanged
    } else if (st.size < f.offset) {
      this.restart(f, 'the file shrank');
    } else if (!(await this.signatureHolds(f))) {
      // Rewritten in place, as long as before or longer (Lightning rewrites metrics.csv whole, with a new column).
      this.restart(f, 'the file was rewritten');
    }
    f.size = st.size;
    f.mtimeMs = st.mtimeMs;
    await this.readToEnd(f);
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
    const now = new Uint8Array(n);
    const { bytesRead } = await f.handle.read(now, 0, n, f.offset - n);
    return bytesRead === n && Buffer.compare(now, f.signature) === 0;
  }

  private async readToEnd(f: Followed): Promise<void> {
    for (;;) {
      const buf = new Uint8Array(READ_BYTES);
      const { bytesRead } = await f.handle.read(buf, 0, READ_BYTES, f.offset);
      if (bytesRead === 0) return;
      f.offset += bytesRead;
      const keep = Math.min(SIGNATURE_BYTES, bytesRead);
      const sig = new Uint8Array(Math.min(SIGNATURE_BYTES, f.signature.length + keep));
      sig.set(f.signature.subarray(f.signature.length - (sig.length - keep)));
      sig.set(buf.subarray(bytesRead - keep, bytesRead), sig.length - keep);
      f.signature = sig;
      const bytes = buf.buffer.slice(0, bytesRead);
      this.send(this.dated ? { type: 'chunk', file: f.rel, bytes, time: Date.now() } : { type: 'chunk', file: f.rel, bytes }, [bytes]);
      if (bytesRead < READ_BYTES) return;
    }
  }

  private async list(): Promise<string[]> {
    const out: string[] = [];
    const st = await fs.stat(this.root).catch(() => undefined);
    if (st?.isFile()) out.push(this.root);
    else if (st) await this.walk(this.root, out);
    for (const a of this.also) {
      const s = await fs.stat(a.path).catch(() => undefined);
      if (s?.isFile()) out.push(a.path);
      else if (s) await this.walk(a.path, out);
    }
    return out;
  }

  /** The files below `top` the refiner can read, into `out`. */
  private async walk(top: string, out: string[]): Promise<void> {
    const walk = async (dir: string, depth: number): Promise<void> => {
      const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        const abs = path.join(dir, e.name);
        if (e.isDirectory()) {
          if (depth < MAX_DEPTH && !SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) await walk(abs, depth + 1);
        } else if (e.isFile() && formatOf(e.name)) {
          out.push(abs);
        }
      }
    };
    await walk(top, 0);
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
