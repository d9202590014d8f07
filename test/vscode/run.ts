/**
 * Runs the integration suite (test/vscode/suite) inside a real VS Code: code-server with the
 * extension loaded from source, the workbench opened in Chromium with the test payload. The
 * suite's exit code comes back through the smoke-test driver's `codeAutomationExit`.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { demoWorkspace, ensureCodeServer, repoRoot, resultsDir, startCodeServer } from './server';
import { SUITE_PREFIX } from './suite/index';
import { consoleText, devUrl, openWorkbench } from './workbench';

async function main(): Promise<number> {
  execFileSync(process.execPath, ['esbuild.js', '--tests'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  const inst = ensureCodeServer();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tm-integration-'));
  const workspace = demoWorkspace(workDir);
  // Trust is tested separately; here the suite launches processes from the demo workspace.
  const server = await startCodeServer(inst, { workDir, settings: { 'security.workspace.trust.enabled': false } });
  let exitCode: number | undefined;
  const bench = await openWorkbench(
    devUrl(server.url, server.port, workspace, repoRoot, path.join(repoRoot, 'out', 'test', 'vscode', 'suite', 'index.js')),
    workDir,
    async (page) => {
      await page.exposeFunction('codeAutomationExit', (code: number) => {
        exitCode = code;
      });
      page.on('console', async (msg) => {
        const args = await Promise.all(msg.args().map((a) => a.jsonValue().catch(() => '')));
        // The suite's mocha output (extension host console); the workbench's own noise stays out.
        const text = consoleText(args.map(String));
        const at = text.indexOf(SUITE_PREFIX);
        if (at >= 0) process.stdout.write(text.slice(at + SUITE_PREFIX.length) + '\n');
      });
    },
  );
  const deadline = Date.now() + 300_000;
  while (exitCode === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  fs.mkdirSync(resultsDir, { recursive: true });
  await bench.page.screenshot({ path: path.join(resultsDir, 'integration.png') }).catch(() => undefined);
  await bench.close();
  await server.stop();
  if (exitCode === undefined) {
    console.error('The integration suite did not finish within 5 minutes.');
    return 1;
  }
  fs.rmSync(workDir, { recursive: true, force: true });
  return exitCode;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
