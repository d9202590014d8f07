/**
 * Integration tests inside the extension host, with the `@vscode/test-electron` contract: the
 * workbench loads this module and awaits `run()`. Runs under code-server here
 * (`npm run test:vscode`) and under desktop VS Code where it can be downloaded (`npm run test:electron`).
 */
import Mocha from 'mocha';
import * as path from 'node:path';
import { format } from 'node:util';

/** Marks the suite's lines in the host's console, so a runner can tell them from the workbench's. */
export const SUITE_PREFIX = '[training-monitor-suite] ';
/** A suite line `SUITE_PREFIX + SCREENSHOT + name.png` asks the runner to save the window as it is now under test-results/. */
export const SCREENSHOT = 'screenshot: ';

/** The suite of a trusted workspace. */
export function run(): Promise<void> {
  return runFiles('monitor.test.js', 'slurm.test.js', 'notebook.test.js', 'notebookReload.test.js');
}

/** Runs the built test files of this folder with mocha, reporting through the host's console. */
export function runFiles(...files: string[]): Promise<void> {
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => console.log(SUITE_PREFIX + format(...args));
  // TM_GREP (from the runner's environment): only the tests whose titles match, while working on them
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 90_000, reporter: 'spec', grep: process.env.TM_GREP || undefined });
  for (const f of files) mocha.addFile(path.join(__dirname, f));
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} integration tests failed`)) : resolve()));
  });
}
