/**
 * What only the test build's extension can do (esbuild.js defines TEST_HOOKS as true for
 * `--tests`, false for every other build, which then drops these): end a worker abruptly, as a
 * crash would, so the integration suite reaches the restart; do to the runs what a window reload
 * does.
 */
import type { Runs } from './runs';

declare global {
  /** Replaced at build time (esbuild.js `define`). */
  const TEST_HOOKS: boolean;
}

export interface TestHooks {
  /** Ends a worker of the shown run abruptly; resolves to its exit code. */
  crashWorker(name: 'tail' | 'refine'): Promise<number> | undefined;
  /**
   * What a window reload does to the runs: the workers and the notebook watcher end, then (after
   * `away`, what happens while no window watches) the recorded runs are taken up as on activation.
   */
  reload(away?: () => Thenable<unknown>): Promise<void>;
}

export function testHooks(runs: Runs, reload: TestHooks['reload']): TestHooks {
  return { crashWorker: (name) => runs.shown?.pipeline.crash(name), reload };
}
