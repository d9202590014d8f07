/**
 * Reads a file, or every file the monitor follows below a folder, once: one pass of the same
 * tailer the tail worker runs (same files, same names, same chunking) into the ingester. With
 * `spawn`, big event files are parsed on two threads (eventsSplit.ts).
 */
import { Ingester } from '../core/ingester';
import type { Batch } from '../core/protocol/batch';
import { Tailer } from '../workers/tailer';
import { EventsSplit, type SpawnPart } from './eventsSplit';

/** The ingester after reading everything, and the one batch that carried it all. */
export async function parseAll(root: string, spawn?: SpawnPart): Promise<{ ingester: Ingester; batch: Batch }> {
  const ingester = await readAll(root, spawn);
  // everything counts as sent: snapshot() is the whole result, as is this batch (without a second copy)
  return { ingester, batch: ingester.takeBatch() };
}

/** The ingester after reading everything, its batch not yet taken (`takeBatch`, or `takeCounts` for a table). */
export async function readAll(root: string, spawn?: SpawnPart): Promise<Ingester> {
  const ingester = new Ingester();
  const tailer = new Tailer(root, (msg) => {
    if (msg.type === 'chunk') {
      ingester.chunk(msg.file, new Uint8Array(msg.bytes), undefined, msg.format);
      // the event parser copies what it holds, as do the byte readers of JSON Lines and CSV;
      // printed output (its lines go to the log text, which may keep views) and the rest are not recycled
      if (msg.format === 'tfevents' || msg.format === 'jsonl' || msg.format === 'csv') tailer.recycle(msg.bytes);
    } else if (msg.type === 'warning' || msg.type === 'info') ingester.event(msg.type, msg.text);
  });
  const split = spawn && new EventsSplit(spawn);
  split?.attach(tailer);
  await tailer.poll(true);
  if (split && (await split.absorb(ingester, tailer))) await tailer.poll(true);
  await tailer.close();
  ingester.end();
  return ingester;
}

/** The ingester after reading everything; its snapshot() is what the monitor would show. */
export async function parse(root: string, spawn?: SpawnPart): Promise<Ingester> {
  return (await parseAll(root, spawn)).ingester;
}
