/**
 * What only the test build's extension can do (esbuild.js defines TEST_HOOKS as true for
 * `--tests`, false for every other build, which then drops these): end a worker abruptly, as a
 * crash would, so the integration suite reaches the restart.
 */
import type { Runs } from './runs';

declare global {
  /** Replaced at build time (esbuild.js `define`). */
  const TEST_HOOKS: boolean;
}

export interface TestHooks {
  /** Ends a worker of the shown run abruptly; resolves to its exit code. */
  crashWorker(name: 'tail' | 'refine'): Promise<number> | undefined;
}

export function testHooks(runs: Runs): TestHooks | undefined {
  if (!TEST_HOOKS) return undefined;
  return { crashWorker: (name) => runs.shown?.pipeline.crash(name) };
}
