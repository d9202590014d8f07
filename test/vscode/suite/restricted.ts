/** The suite of a restricted (untrusted) workspace: `run()` as in index.ts, for the second server of run.ts. */
import { runFiles } from './index';

export function run(): Promise<void> {
  return runFiles('restricted.test.js');
}
