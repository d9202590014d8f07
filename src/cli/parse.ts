/** Reads a file, or every file the monitor reads below a folder, through the refiner at once. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatOf } from '../core/formats';
import { Refiner } from '../core/refiner';

function files(root: string): string[] {
  const st = fs.statSync(root);
  if (st.isFile()) return [root];
  return fs
    .readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && formatOf(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/** The refiner after reading everything; its snapshot() is what the monitor would show. */
export function parse(root: string): Refiner {
  const refiner = new Refiner();
  const base = fs.statSync(root).isFile() ? path.dirname(root) : root;
  for (const file of files(root)) {
    refiner.chunk(path.relative(base, file).split(path.sep).join('/'), fs.readFileSync(file));
  }
  refiner.end();
  refiner.takeBatch(); // everything counts as sent: snapshot() is the whole result
  return refiner;
}

