// Builds every bundle: the extension (Node, `vscode` external), the two workers, the webview
// (browser), the CLI, and with --tests the suites that run inside VS Code.
// Flags: --watch, --production (minified, no source maps), --tests (also turns on the extension's
// test hooks, TEST_HOOKS, which every other build drops). Required as a module, it gives
// `builds(flags)` and builds nothing.
const esbuild = require('esbuild');
const fs = require('node:fs');
const path = require('node:path');

/** Every bundle for a set of flags. */
function builds(args) {
  const production = args.has('--production');
  const watch = args.has('--watch');

  const common = {
    bundle: true,
    minify: production,
    sourcemap: production ? false : 'linked',
    logLevel: watch ? 'info' : 'warning',
    legalComments: 'none',
  };
  const node = { ...common, platform: 'node', format: 'cjs', target: 'node20' };

  const list = [
    {
      ...node,
      entryPoints: { extension: 'src/extension/extension.ts' },
      outdir: 'dist',
      external: ['vscode'],
      define: { TEST_HOOKS: String(args.has('--tests')) },
    },
    { ...node, entryPoints: { tail: 'src/workers/tail.ts', refine: 'src/workers/refine.ts' }, outdir: 'dist/workers' },
    { ...node, entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
    {
      ...common,
      platform: 'browser',
      format: 'iife',
      target: 'chrome120',
      entryPoints: { main: 'src/webview/main.ts' },
      outdir: 'dist/webview',
    },
  ];

  if (args.has('--tests')) {
    // Tests that run inside the extension host: mocha and the like stay in node_modules.
    const suite = 'test/vscode/suite';
    const entries = fs
      .readdirSync(suite)
      .filter((f) => f.endsWith('.ts'))
      .map((f) => path.join(suite, f));
    list.push({ ...node, entryPoints: entries, outdir: 'out/test/vscode/suite', packages: 'external', external: ['vscode'] });
  }
  return list;
}

const watchLog = {
  name: 'watch-log',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((r) => console.log(`[watch] build finished${r.errors.length ? ` with ${r.errors.length} errors` : ''}`));
  },
};

async function main(args) {
  const production = args.has('--production');
  const watch = args.has('--watch');
  // A release holds only what this build wrote (no maps left by a development build).
  if (production) fs.rmSync('dist', { recursive: true, force: true });
  if (watch) {
    for (const b of builds(args)) await (await esbuild.context({ ...b, plugins: [watchLog] })).watch();
    return;
  }
  await Promise.all(builds(args).map((b) => esbuild.build(b)));
  fs.chmodSync('dist/cli.js', 0o755);
}

if (require.main === module) {
  main(new Set(process.argv.slice(2))).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
module.exports = { builds };
