/**
 * A burst of writes is read as it is written, by its watch events alone (timed passes are ten
 * minutes apart here): events that come while a pass runs start one more pass after it.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Pipeline } from '../../../src/workers/pipeline';
import { tempDir, until, workersDir } from '../../helpers';

/** Appends `lines` lines to `file`, one write each, as a training that prints and flushes does, about 0.2 ms apart. */
const WRITER = `
const fs = require('fs');
const fd = fs.openSync(process.argv[1], 'a');
for (let i = 1; i <= Number(process.argv[2]); i++) {
  fs.writeSync(fd, 'step=' + i + ' loss=' + (1 / i).toFixed(6) + '\\n');
  for (const t = performance.now(); performance.now() - t < 0.2; );
}
`;

describe('Watch events in a burst', function () {
  this.timeout(60_000);

  it('every line of a burst of 3,000 separate writes arrives with no timed pass to read it', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'stdout.log');
    fs.writeFileSync(file, '');
    let last = 0;
    // timed passes every 10 minutes: only watch events can start a pass within the test
    const p = new Pipeline(
      { root: dir, workersDir, updatesPerSecond: 20, pollMs: 600_000, live: true },
      {
        batch: (b) => {
          for (const s of b.series) if (s.name === 'loss' && s.x.length) last = Math.max(last, s.x[s.x.length - 1]);
        },
        error: (e) => assert.fail(e),
      },
    );
    try {
      await new Promise((resolve) => setTimeout(resolve, 500)); // the watch is set up
      for (const burst of [1, 2, 3]) {
        const child = spawn(process.execPath, ['-e', WRITER, file, '3000'], { stdio: 'ignore' });
        await new Promise((resolve) => child.on('exit', resolve));
        await until(() => last === 3000, 20_000, `burst ${burst}: step 3000 shown (last shown: ${last})`);
        last = 0;
        fs.truncateSync(file, 0); // the next burst starts over at step 1
        await until(() => fs.statSync(file).size === 0, 1000);
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    } finally {
      await p.dispose();
    }
  });
});
