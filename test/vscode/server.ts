/**
 * A real VS Code for tests and the demo: code-server from npm (VS Code with a real Node extension
 * host) on a pinned Node 24, installed on first use into `.vscode-test/`, and Debian's Chromium as
 * its window. Desktop VS Code cannot be downloaded on machines without general internet access.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const cacheDir = path.join(repoRoot, '.vscode-test');
export const resultsDir = path.join(repoRoot, 'test-results');
export const CODE_SERVER_VERSION = '4.139.1';
const NODE_MAJOR = 24;

/** The npm package that ships Node's binary (and headers) for this platform. */
function nodePackage(): string {
  const os = { linux: 'linux', darwin: 'darwin', win32: 'win' }[process.platform as string];
  const arch = { x64: 'x64', arm64: 'arm64' }[process.arch as string];
  if (!os || !arch) throw new Error(`No Node ${NODE_MAJOR} package for ${process.platform}-${process.arch}`);
  return `node-${os}-${arch}`;
}

function log(text: string): void {
  process.stderr.write(`[vscode-test] ${text}\n`);
}

/**
 * The environment without what an outer `npm run` set (`npm_node_execpath`, `NODE`,
 * `npm_config_*`…): with those, a nested npm runs install scripts on the outer Node.
 */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|NODE$|INIT_CWD$)/i.test(k)));
}

function npmInstall(prefix: string, spec: string, env: NodeJS.ProcessEnv = cleanEnv()): void {
  fs.rmSync(prefix, { recursive: true, force: true });
  execFileSync('npm', ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--prefix', prefix, spec], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

export interface Installation {
  /** Folder holding Node 24's `node`; must come first on PATH (code-server's launcher is `#!/usr/bin/env node`). */
  nodeBin: string;
  codeServer: string;
}

/** Installs the pinned Node and code-server once; later calls reuse the cache. */
export function ensureCodeServer(): Installation {
  const nodeHome = path.join(cacheDir, 'node24', 'node_modules', nodePackage());
  const nodeBin = path.join(nodeHome, 'bin');
  if (!fs.existsSync(path.join(cacheDir, 'node24', '.complete'))) {
    log(`installing Node ${NODE_MAJOR} (${nodePackage()}) into ${path.relative(repoRoot, cacheDir)}/node24`);
    npmInstall(path.join(cacheDir, 'node24'), `${nodePackage()}@${NODE_MAJOR}`);
    fs.writeFileSync(path.join(cacheDir, 'node24', '.complete'), '');
  }
  const csDir = path.join(cacheDir, 'cs');
  const marker = path.join(csDir, '.complete');
  if (!fs.existsSync(marker) || fs.readFileSync(marker, 'utf8') !== CODE_SERVER_VERSION) {
    log(`installing code-server ${CODE_SERVER_VERSION} (native modules build against Node ${NODE_MAJOR}; ~2 minutes)`);
    npmInstall(csDir, `code-server@${CODE_SERVER_VERSION}`, {
      ...cleanEnv(),
      PATH: `${nodeBin}${path.delimiter}${process.env.PATH}`,
      // Build native modules against Node 24's headers, not the machine's Node.
      npm_config_nodedir: nodeHome,
      // npm ≥ 11.19 skips dependencies' install scripts unless allowed; code-server's build needs them.
      npm_config_dangerously_allow_all_scripts: 'true',
    });
    fs.writeFileSync(marker, CODE_SERVER_VERSION);
  }
  const bin = process.platform === 'win32' ? 'code-server.cmd' : 'code-server';
  return { nodeBin, codeServer: path.join(csDir, 'node_modules', '.bin', bin) };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'update.mode': 'none',
  'workbench.tips.enabled': false,
};

export interface ServerOptions {
  /** Holds user data, extensions and the config; created fresh by the caller. */
  workDir: string;
  /** Extra user settings. */
  settings?: Record<string, unknown>;
  /** Passed to code-server before it starts serving (e.g. `--install-extension x.vsix`). */
  install?: string[];
  port?: number;
  /** Binds to this host (the demo may serve other machines on a trusted network). */
  host?: string;
}

export interface Server {
  url: string;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function startCodeServer(inst: Installation, opts: ServerOptions): Promise<Server> {
  const env = { ...process.env, PATH: `${inst.nodeBin}${path.delimiter}${process.env.PATH}` };
  const userData = path.join(opts.workDir, 'user-data');
  const extensions = path.join(opts.workDir, 'extensions');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...opts.settings }, null, 2));
  // A config with one key keeps code-server from writing ~/.config/code-server/config.yaml.
  const config = path.join(opts.workDir, 'config.yaml');
  fs.writeFileSync(config, 'auth: none\n');
  const common = ['--config', config, '--user-data-dir', userData, '--extensions-dir', extensions];
  for (const arg of opts.install ?? []) {
    execFileSync(inst.codeServer, [...common, '--install-extension', arg], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const port = opts.port ?? (await freePort());
  const host = opts.host ?? '127.0.0.1';
  const out = fs.openSync(path.join(opts.workDir, 'code-server.log'), 'a');
  const child = spawn(
    inst.codeServer,
    [
      ...common,
      '--auth',
      'none',
      '--bind-addr',
      `${host}:${port}`,
      '--disable-telemetry',
      '--disable-update-check',
      '--vscode-option',
      'enable-smoke-test-driver',
    ],
    { env, detached: true, stdio: ['ignore', out, out] }, // its own group: stopping it ends its helpers too
  );
  fs.closeSync(out);
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited (${child.exitCode}); see ${opts.workDir}/code-server.log`);
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > until) throw new Error('code-server did not answer /healthz within 60 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    port,
    process: child,
    stop: async () => {
      const gone = new Promise<void>((r) => (child.exitCode !== null ? r() : child.once('exit', () => r())));
      const signal = (s: NodeJS.Signals) => {
        try {
          process.kill(-child.pid!, s);
        } catch {
          // already gone
        }
      };
      signal('SIGTERM');
      const timer = setTimeout(() => signal('SIGKILL'), 5000);
      await gone;
      clearTimeout(timer);
    },
  };
}

/** A throwaway copy of the demo workspace, so runs do not litter the repository. */
export function demoWorkspace(workDir: string): string {
  const ws = path.join(workDir, 'workspace');
  fs.cpSync(path.join(repoRoot, 'demo'), ws, { recursive: true });
  return ws;
}
