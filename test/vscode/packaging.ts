/**
 * Builds the VSIX exactly as `npm run package` does, into `outDir`; then the test build again, as
 * packaging leaves a release build (without test hooks) in dist/.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { repoRoot } from './server';

export function packageVsix(outDir: string): string {
  const file = path.join(outDir, 'training-monitor.vsix');
  execFileSync('npm', ['run', '--silent', 'package', '--', '-o', file], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync('node', ['esbuild.js', '--tests'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  return file;
}
