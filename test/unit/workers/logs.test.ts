import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Ingester } from '../../../src/core/ingester';
import { MAX_LINE_CHARS, readLines, searchLines } from '../../../src/workers/logRead';
import { tempDir } from '../../helpers';

/** Feeds `text` to the ingester as the tail worker would: bytes of `file`, in chunks of random sizes. */
function feed(r: Ingester, file: string, text: string, seed = 1): void {
  const bytes = Buffer.from(text);
  let s = seed;
  for (let at = 0; at < bytes.length;) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const n = 1 + (s % 9000);
    r.chunk(file, bytes.subarray(at, at + n));
    at += n;
  }
}

describe('Log lines read back from the files', () => {
  const lines = Array.from({ length: 60_000 }, (_, i) =>
    i % 1000 === 7
      ? `\x1b[31mERROR\x1b[0m at ${i}`
      : i % 500 === 3
        ? ` 10%|█ | 1/10\r 100%|██| 10/10 step ${i}`
        : `step=${i} loss=${1 / (i + 1)} ${'·'.repeat(i % 50)}`,
  );

  it('reads any range exactly as written, the partial last line included', async () => {
    const dir = tempDir();
    const text = lines.join('\n') + '\nhalf a li';
    fs.writeFileSync(path.join(dir, 'stdout.log'), text);
    const r = new Ingester();
    feed(r, 'stdout.log', text);
    assert.equal(r.logIndex.lines('stdout'), 60_000);
    const all = [...lines, 'half a li'];
    for (const [from, count] of [
      [0, 5],
      [255, 3],
      [256, 1],
      [12_345, 200],
      [59_990, 50],
      [60_000, 10],
      [70_000, 5],
    ]) {
      assert.deepEqual(await readLines({ root: dir, also: [] }, r.logIndex, 'stdout', from, count), all.slice(from, from + count), `lines ${from}+${count}`);
    }
  });

  it('follows a stream fed by two files, and says which lines a rewritten file lost', async () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'a'));
    fs.mkdirSync(path.join(dir, 'b'));
    const r = new Ingester();
    const write = (file: string, text: string) => {
      fs.appendFileSync(path.join(dir, file), text);
      r.chunk(file, Buffer.from(text));
    };
    write('a/stdout.log', 'a0\na1\n');
    write('b/stdout.log', 'b0\n');
    write('a/stdout.log', 'a2\n');
    assert.deepEqual(await readLines({ root: dir, also: [] }, r.logIndex, 'stdout', 0, 10), ['a0', 'a1', 'b0', 'a2']);
    fs.writeFileSync(path.join(dir, 'b/stdout.log'), 'new\n');
    r.reset('b/stdout.log', 'it shrank');
    r.chunk('b/stdout.log', Buffer.from('new\n'));
    const after = await readLines({ root: dir, also: [] }, r.logIndex, 'stdout', 0, 10);
    assert.deepEqual(after.slice(0, 2), ['a0', 'a1']);
    assert.match(after[2], /no longer in b\/stdout\.log/);
    assert.deepEqual(after.slice(3), ['a2', 'new']);
  });

  it('cuts a huge line, and finds text as shown (colour codes and progress redraws left out)', async () => {
    const dir = tempDir();
    const text = lines.join('\n') + '\n' + 'x'.repeat(50_000) + '\nlast\n';
    fs.writeFileSync(path.join(dir, 'stdout.log'), text);
    const r = new Ingester();
    feed(r, 'stdout.log', text, 7);
    const [huge, last] = await readLines({ root: dir, also: [] }, r.logIndex, 'stdout', 60_000, 2);
    assert.ok(huge.startsWith('x'.repeat(MAX_LINE_CHARS)) && huge.length < MAX_LINE_CHARS + 100 && /more characters/.test(huge));
    assert.equal(last, 'last');
    const errors = await searchLines({ root: dir, also: [] }, r.logIndex, 'stdout', 'error at', 1000);
    assert.deepEqual(errors, { lines: lines.flatMap((l, i) => (l.includes('ERROR') ? [i] : [])), complete: true });
    assert.equal(
      (await searchLines({ root: dir, also: [] }, r.logIndex, 'stdout', '10%|', 1000)).lines.length,
      0,
      'a redrawn-over frame is not what the line shows',
    );
    assert.deepEqual(await searchLines({ root: dir, also: [] }, r.logIndex, 'stdout', 'loss', 3), { lines: [0, 1, 2], complete: false });
  });

  it('numbers the lines of a snapshot, whose text is the recent part of the log', () => {
    const r = new Ingester();
    const text = lines.map((l) => l + ' '.repeat(40)).join('\n') + '\n';
    feed(r, 'stdout.log', text);
    r.takeBatch();
    const [log] = r.snapshot().logs;
    assert.ok(log.line! > 0, 'the oldest lines were left out');
    assert.equal(log.text.split('\n')[0], lines[log.line!] + ' '.repeat(40));
    assert.equal(log.line! + log.text.split('\n').length - 1, 60_000);
  });
});
