/**
 * Which files of a run directory (or a named file, and what is followed besides it) are read, and
 * as what; the others are noted by reason, for one event a pass.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { decide, formatOf, type FileFormat, type SniffKind } from '../core/formats';
import type { AlsoFollowed } from '../core/protocol/tail';

/** Folders not worth walking. */
const SKIP_DIRS = new Set(['node_modules', '.git', '__pycache__', 'checkpoints', 'wandb']);
const MAX_DEPTH = 6;
/** Names listed per reason in the event that says which files were not read. */
const LIST_NAMES = 6;

/** What a file is read as: known by its name, or to be told by its first bytes. */
export type Want = { format: FileFormat } | { sniff: SniffKind };

export interface Listed {
  abs: string;
  want: Want;
  /** Its file's statAt, kept here so a pass over thousands of quiet files is a scan of numbers. */
  statAt?: number;
}

export class Lister {
  /** Files found and not read, by reason, not yet told. */
  private skipped = new Map<string, string[]>();
  private skipSaid = new Set<string>();

  constructor(
    private readonly root: string,
    private readonly also: AlsoFollowed[],
    /** A path as the run names it. */
    private readonly rel: (abs: string) => string,
    private readonly warnOnce: (key: string, text: string) => void,
  ) {}

  async list(): Promise<Listed[]> {
    const out: Listed[] = [];
    const st = await fs.stat(this.root).catch((err: Error) => {
      this.warnOnce(`root:${this.root}`, `${this.root}: cannot read (${err.message}).`);
      return undefined;
    });
    // A file the user named is read by what it holds, whatever its name.
    const named = (p: string, as?: string): Want => {
      const format = formatOf(as ?? p);
      return format ? { format } : { sniff: 'any' };
    };
    if (st?.isFile()) out.push({ abs: this.root, want: named(this.root) });
    else if (st?.isDirectory()) await this.walk(this.root, out);
    else if (st) this.warnOnce(`type:${this.root}`, `${this.root}: not a regular file (${kind(st)}); not read.`);
    for (const a of this.also) {
      const s = await fs.stat(a.path).catch(() => undefined);
      if (s?.isFile()) out.push({ abs: a.path, want: named(a.path, a.as) });
      else if (s?.isDirectory()) await this.walk(a.path, out);
    }
    return out;
  }

  /** The files below `top` the ingester may read, into `out`; the others noted for one event. */
  private async walk(top: string, out: Listed[]): Promise<void> {
    const walk = async (dir: string, depth: number): Promise<void> => {
      let entries;
      try {
        entries = await fs.readdir(dir, { withFileTypes: true });
      } catch (err) {
        this.warnOnce(`dir:${dir}`, `${this.rel(dir)}: cannot list this folder (${(err as Error).message}); its files are not read.`);
        return;
      }
      for (const e of entries) {
        const abs = path.join(dir, e.name);
        if (e.isDirectory()) {
          if (depth < MAX_DEPTH && !SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) await walk(abs, depth + 1);
          continue;
        }
        if (e.name.startsWith('.')) continue;
        const rel = this.rel(abs);
        const d = decide(rel);
        if ('own' in d) continue;
        if ('skip' in d) {
          this.skip(d.skip, rel);
          continue;
        }
        if (e.isSymbolicLink()) {
          // Followed when it leads to a regular file; a link to a folder, a device or a FIFO is not.
          const t = await fs.stat(abs).catch(() => undefined);
          if (!t?.isFile()) {
            this.skip(t ? `a link to ${kind(t)}` : 'a broken link', rel);
            continue;
          }
        } else if (!e.isFile()) {
          this.skip(`not a regular file (${e.isFIFO() ? 'a FIFO' : e.isSocket() ? 'a socket' : 'a device'})`, rel);
          continue;
        }
        out.push({ abs, want: d });
      }
    };
    await walk(top, 0);
  }

  /** `rel` is not read, for `reason`: said in the next takeSkipped, once. */
  skip(reason: string, rel: string): void {
    const key = `${reason}\n${rel}`;
    if (this.skipSaid.has(key)) return;
    this.skipSaid.add(key);
    const names = this.skipped.get(reason) ?? [];
    names.push(rel);
    this.skipped.set(reason, names);
  }

  /** The event text for the files newly found and not read: `Not read: train.py, utils.py (source code); …`. */
  takeSkipped(): string | undefined {
    if (this.skipped.size === 0) return undefined;
    const parts = [...this.skipped].map(([reason, names]) => {
      const more = names.length > LIST_NAMES ? ` and ${names.length - LIST_NAMES} more` : '';
      return `${names.slice(0, LIST_NAMES).join(', ')}${more} (${reason})`;
    });
    this.skipped.clear();
    return `Not read: ${parts.join('; ')}.`;
  }
}

/** What a path that is not a regular file is, in words. */
export function kind(st: { isDirectory(): boolean; isFIFO(): boolean; isSocket(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean }): string {
  return st.isDirectory()
    ? 'a folder'
    : st.isFIFO()
      ? 'a FIFO'
      : st.isSocket()
        ? 'a socket'
        : st.isCharacterDevice() || st.isBlockDevice()
          ? 'a device'
          : 'not a regular file';
}
