/**
 * The same integration suite in desktop VS Code, downloaded by `@vscode/test-electron` (needs
 * access to update.code.visualstudio.com; machines without it use `npm run test:vscode`).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { demoWorkspace, repoRoot } from './server';

async function main(): Promise<void> {
  execFileSync(process.execPath, ['esbuild.js', '--tests'], { cwd: repoRoot, stdio: 'inherit' });
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tm-electron-'));
  await runTests({
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: path.join(repoRoot, 'out', 'test', 'vscode', 'suite', 'index.js'),
    launchArgs: [demoWorkspace(workDir), '--disable-workspace-trust', '--disable-extensions', '--skip-welcome'],
  });
}

main().catch((err) => {
  console.error(`Desktop VS Code tests failed: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
