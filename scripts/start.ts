/**
 * `npm start`: builds and packages the extension, installs the VSIX into the pinned code-server
 * (cached under .vscode-test/), opens a copy of the demo workspace and prints the URL to open.
 * With --desktop, or when a desktop `code` is on PATH, installs into desktop VS Code and opens it
 * instead. Options: --port N, --host H (default 127.0.0.1), --desktop.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageVsix } from '../test/vscode/packaging';
import { cacheDir, demoWorkspace, ensureCodeServer, startCodeServer } from '../test/vscode/server';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

function desktopCode(): string | undefined {
  if (process.platform === 'win32') return spawnSync('where', ['code']).status === 0 ? 'code' : undefined;
  const found = spawnSync('sh', ['-c', 'command -v code'], { encoding: 'utf8' });
  // code-server's own `code` shim is not desktop VS Code.
  return found.status === 0 && !found.stdout.includes('code-server') ? found.stdout.trim() : undefined;
}

async function main(): Promise<void> {
  const workDir = path.join(cacheDir, 'demo');
  fs.mkdirSync(workDir, { recursive: true });
  console.log('Building and packaging the extension…');
  const vsix = packageVsix(workDir);
  const workspace = fs.existsSync(path.join(workDir, 'workspace')) ? path.join(workDir, 'workspace') : demoWorkspace(workDir);

  const code = process.argv.includes('--desktop') ? desktopCode() ?? 'code' : desktopCode();
  if (code) {
    execFileSync(code, ['--install-extension', vsix, '--force'], { stdio: 'inherit' });
    execFileSync(code, [workspace, path.join(workspace, 'train.py')], { stdio: 'inherit' });
    console.log(`Opened ${workspace} in VS Code. Run "Training Monitor: Start Training Monitor" from the Command Palette.`);
    return;
  }

  console.log('Starting code-server (the first run installs it: about 2 minutes)…');
  const port = Number(option('--port') ?? 8080);
  const server = await startCodeServer(ensureCodeServer(), { workDir, install: [vsix], port, host: option('--host') });
  const url = `${server.url.replace('127.0.0.1', option('--host') ?? '127.0.0.1')}/?folder=${encodeURIComponent(workspace)}`;
  console.log(`\nTraining Monitor is installed in VS Code (code-server). Open:\n\n  ${url}\n`);
  console.log('Then open train.py and run "Training Monitor: Start Training Monitor" (F1). Ctrl-C here stops the server.');
  let stopping = false;
  const stop = () => {
    stopping = true;
    void server.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  server.process.on('exit', (c) => {
    if (stopping) return;
    console.log(`code-server exited (${c}); its log: ${path.join(workDir, 'code-server.log')}`);
    process.exit(1);
  });
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
