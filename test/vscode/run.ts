/**
 * Runs the integration suites (test/vscode/suite) inside a real VS Code: code-server with the
 * extension loaded from source, the workbench opened in Chromium with the test payload; once with
 * Workspace Trust off (index), once in restricted mode (restricted). The
 * suite's exit code comes back through the smoke-test driver's `codeAutomationExit`.
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { demoWorkspace, ensureCodeServer, repoRoot, resultsDir, startCodeServer, type Installation } from './server';
import { processStart } from '../../src/extension/guard';
import { SCREENSHOT, SUITE_PREFIX } from './suite/index';
import { consoleText, devUrl, openWorkbench } from './workbench';

/** Opens `workspace` in a fresh code-server with `settings` and runs the suite module `suite` there; its exit code. */
async function runSuite(
  inst: Installation,
  suite: string,
  settings: Record<string, unknown>,
  prepare: (workspace: string) => void = () => undefined,
): Promise<number> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tm-integration-'));
  const workspace = demoWorkspace(workDir);
  prepare(workspace);
  const server = await startCodeServer(inst, { workDir, settings });
  let exitCode: number | undefined;
  const bench = await openWorkbench(
    devUrl(server.url, server.port, workspace, repoRoot, path.join(repoRoot, 'out', 'test', 'vscode', 'suite', `${suite}.js`)),
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
        if (at < 0) return;
        const line = text.slice(at + SUITE_PREFIX.length);
        const shot = line.startsWith(SCREENSHOT) && path.basename(line.slice(SCREENSHOT.length).trim());
        if (shot) {
          fs.mkdirSync(resultsDir, { recursive: true });
          await page.screenshot({ path: path.join(resultsDir, shot) }).catch(() => undefined);
        } else process.stdout.write(line + '\n');
      });
    },
  );
  const deadline = Date.now() + 300_000;
  while (exitCode === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  fs.mkdirSync(resultsDir, { recursive: true });
  await bench.page.screenshot({ path: path.join(resultsDir, `integration-${suite}.png`) }).catch(() => undefined);
  await bench.close();
  await server.stop();
  if (exitCode === undefined) {
    console.error(`The ${suite} suite did not finish within 5 minutes.`);
    return 1;
  }
  fs.rmSync(workDir, { recursive: true, force: true });
  return exitCode;
}

/**
 * Runs a workspace could ship in `.training-monitor/runs`: one naming pid 1 with an `also` path
 * outside the workspace, and one naming a live process group (with its true start time) that a
 * trusted window would take over. Returns what ends that process.
 */
function plantRuns(ws: string): () => void {
  const runs = path.join(ws, '.training-monitor', 'runs');
  const sleeper = spawn('sleep', ['600'], { detached: true, stdio: 'ignore' });
  sleeper.unref();
  const plant = (name: string, record: object) => {
    fs.mkdirSync(path.join(runs, name), { recursive: true });
    fs.writeFileSync(
      path.join(runs, name, 'run.json'),
      JSON.stringify({ name, command: 'x', cwd: ws, start: new Date().toISOString(), status: 'running', ...record }),
    );
  };
  plant('20260101-000000-pid1', { pid: 1, also: [{ path: '/etc/passwd', as: 'stdout.log' }] });
  fs.writeFileSync(path.join(ws, '.training-monitor', '.gitignore'), '*\n'); // activates the extension, as a real run folder does
  plant('20260101-000001-live', { pid: sleeper.pid, pidStart: processStart(sleeper.pid!) });
  plant('20260101-000002-job', { slurmJob: '1', also: [{ path: '/etc/passwd', as: 'stdout.log' }] });
  return () => {
    try {
      process.kill(-sleeper.pid!, 'SIGKILL');
    } catch {
      // ended
    }
  };
}

async function main(): Promise<number> {
  execFileSync(process.execPath, ['esbuild.js', '--tests'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'] });
  const inst = ensureCodeServer();
  // TM_SUITE=restricted (or index) runs one suite only, while working on it.
  const only = process.env.TM_SUITE;
  // Trust off: the main suite launches processes from the demo workspace.
  const trusted = only && only !== 'index' ? 0 : await runSuite(inst, 'index', { 'security.workspace.trust.enabled': false });
  // Trust on and the folder not trusted: restricted mode, with command settings and runs a workspace could plant.
  let unplant = () => undefined as void;
  const restricted =
    only && only !== 'restricted'
      ? 0
      : await runSuite(inst, 'restricted', { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' }, (ws) => {
          fs.mkdirSync(path.join(ws, '.vscode'), { recursive: true });
          fs.writeFileSync(
            path.join(ws, '.vscode', 'settings.json'),
            JSON.stringify({ 'trainingMonitor.command': 'touch planted-command-ran', 'trainingMonitor.env': { PLANTED: '1' } }),
          );
          unplant = plantRuns(ws);
        });
  unplant();
  return trusted || restricted;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
