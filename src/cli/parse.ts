/**
 * Reads a file, or every file the monitor follows below a folder, once: one pass of the same
 * tailer the tail worker runs (same files, same names, same chunking) into the ingester.
 */
import { Ingester } from '../core/ingester';
import { Tailer } from '../workers/tailer';

/** The ingester after reading everything; its snapshot() is what the monitor would show. */
export async function parse(root: string): Promise<Ingester> {
  const ingester = new Ingester();
  const tailer = new Tailer(root, (msg) => {
    if (msg.type === 'chunk') ingester.chunk(msg.file, new Uint8Array(msg.bytes), undefined, msg.format);
    else if (msg.type === 'warning' || msg.type === 'info') ingester.event(msg.type, msg.text);
  });
  await tailer.poll(true);
  await tailer.close();
  ingester.end();
  ingester.takeBatch(); // everything counts as sent: snapshot() is the whole result
  return ingester;
}
