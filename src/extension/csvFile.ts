/** Writing a run's CSV table to a file as it is made (free of `vscode`: tested in Node with real files). */
import * as fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { csvChunks } from '../core/exportCsv';
import type { SeriesDelta } from '../core/protocol/batch';

/**
 * Streams the table of `series` to `file`, pausing while the disk catches up; rejects with the
 * write's error (a full disk, a folder that is gone), after removing the partial file.
 */
export async function writeCsvFile(series: SeriesDelta[], file: string): Promise<void> {
  try {
    await pipeline(Readable.from(csvChunks(series)), fs.createWriteStream(file));
  } catch (err) {
    if (fs.statSync(file, { throwIfNoEntry: false })?.isFile()) fs.rmSync(file, { force: true });
    throw err;
  }
}
