import { strict as assert } from 'node:assert';
import * as esbuild from 'esbuild';
import * as path from 'node:path';

// esbuild.js, required as a module: the real build configuration, built here in memory.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { builds } = require('../../../esbuild.js') as { builds(flags: Set<string>): esbuild.BuildOptions[] };
const root = path.join(__dirname, '../../..');

async function extensionBundle(flags: string[]): Promise<string> {
  const options = builds(new Set(flags)).find((b) => JSON.stringify(b.entryPoints).includes('extension.ts'));
  assert.ok(options, 'esbuild.js builds the extension');
  const out = await esbuild.build({ ...options, absWorkingDir: root, write: false, sourcemap: false, logLevel: 'silent' });
  return out.outputFiles.find((f) => f.path.endsWith('extension.js'))!.text;
}

describe('test hooks', () => {
  it('only the test build can end a worker or forget the runs on request; a release cannot', async function () {
    this.timeout(60_000);
    const release = await extensionBundle(['--production']);
    const tests = await extensionBundle(['--tests']);
    // the hook's one call into the pipeline: `.crash(`
    assert.match(tests, /\.crash\(/, 'the test build keeps the hook');
    assert.doesNotMatch(release, /\.crash\(/, 'a release drops it');
    assert.doesNotMatch(release, /TEST_HOOKS/, 'the flag is replaced at build time');
    // the reload hook forgets every run of the window: `.all.splice(0)`
    assert.match(tests, /\.all\.splice\(0\)/, 'the test build keeps the reload hook');
    assert.doesNotMatch(release, /\.all\.splice\(0\)/, 'a release drops the reload hook');
  });
});
