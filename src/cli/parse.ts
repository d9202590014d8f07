/**
 * Reads a file, or every file the monitor follows below a folder, once: one pass of the same
 * tailer the tail worker runs (same files, same names, same chunking) into the refiner.
 */
import { Refiner } from '../core/refiner';
import { Tailer } from '../workers/tailer';

/** The refiner after reading everything; its snapshot() is what the monitor would show. */
export async function parse(root: string): Promise<Refiner> {
  const refiner = new Refiner();
  const tailer = new Tailer(root, (msg) => {
    if (msg.type === 'chunk') refiner.chunk(msg.file, new Uint8Array(msg.bytes), undefined, msg.format);
    else if (msg.type === 'warning' || msg.type === 'info') refiner.event(msg.type, msg.text);
  });
  await tailer.poll(true);
  await tailer.close();
  refiner.end();
  refiner.takeBatch(); // everything counts as sent: snapshot() is the whole result
  return refiner;
}
