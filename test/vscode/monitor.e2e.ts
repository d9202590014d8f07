/**
 * As a user: the packaged VSIX installed into code-server, the demo workspace open, F1 → "Training
 * Monitor: Start Training Monitor" → run the active Python file → charts and Output fill in the
 * webview → a window reload, after which the run is followed again → Stop in the status bar → the
 * training's process group is gone.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { alive } from '../helpers';
import type { FrameLocator, Page } from 'playwright-core';
import { packageVsix } from './packaging';
import { demoWorkspace, ensureCodeServer, resultsDir, startCodeServer, type Server } from './server';
import { openWorkbench, type Workbench } from './workbench';

function runRecord(workspace: string): { pid: number; status: string; exitCode?: number } | undefined {
  const runs = path.join(workspace, '.training-monitor', 'runs');
  if (!fs.existsSync(runs)) return undefined;
  const [dir] = fs.readdirSync(runs);
  const file = dir && path.join(runs, dir, 'run.json');
  return file && fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : undefined;
}

async function command(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await input.fill(`>${title}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor();
  await page.keyboard.press('Enter');
}

async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(resultsDir, { recursive: true });
  await page.screenshot({ path: path.join(resultsDir, name) });
}

describe('Training Monitor as a user clicks (code-server + Chromium)', () => {
  let workDir: string;
  let workspace: string;
  let server: Server;
  let bench: Workbench;

  before(async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tm-e2e-'));
    const vsix = packageVsix(workDir);
    workspace = demoWorkspace(workDir);
    server = await startCodeServer(ensureCodeServer(), { workDir, install: [vsix], settings: { 'security.workspace.trust.enabled': false } });
    bench = await openWorkbench(`${server.url}/?folder=${encodeURIComponent(workspace)}`, workDir);
  });

  after(async () => {
    await bench?.close();
    await server?.stop();
    const run = workspace && runRecord(workspace);
    if (run && alive(run.pid)) process.kill(-run.pid, 'SIGKILL'); // never leave a training behind
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await shot(bench.page, 'e2e-failed.png');
  });

  it('starts the active Python file from the command palette, charts it live, and stops it from the status bar', async () => {
    const { page } = bench;
    // Open train.py with Quick Open, as a user would.
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill('train.py');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'train.py' }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.tab.active', { hasText: 'train.py' }).waitFor();

    await command(page, 'Training Monitor: Start Training Monitor');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Run the active Python file' }).click();

    // The monitor opens beside the editor; the run fills it.
    const view: FrameLocator = page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
    await view.locator('.chart[data-metric="loss"] canvas').first().waitFor({ timeout: 60_000 });
    await view.locator('[aria-label="Output"] pre', { hasText: 'Epoch 3/20' }).waitFor({ timeout: 60_000 });
    const ink = await view.locator('.chart[data-metric="loss"] canvas').first().evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
      return n;
    });
    assert.ok(ink > 1000, `the loss chart is drawn (${ink} pixels)`);
    assert.equal(await view.locator('.run-state').textContent(), 'running');

    const run = runRecord(workspace);
    assert.ok(run && alive(run.pid), 'the training runs');
    const stop = page.locator('.statusbar-item[aria-label="Stop Training"]');
    await stop.waitFor();
    assert.match((await page.locator('.statusbar-item', { hasText: 'train.py' }).first().textContent()) ?? '', /train\.py · loss \d/);
    await shot(page, 'e2e-running.png');

    // A window reload ends the extension host, not the training: the new window finds the run
    // alive, follows it again and rebuilds everything from its files.
    await page.reload();
    await page.waitForSelector('.statusbar', { timeout: 60_000 });
    await stop.waitFor({ timeout: 60_000 });
    assert.ok(alive(run.pid), 'the training survived the reload');
    await view.locator('[aria-label="Output"] pre', { hasText: 'Epoch 1/20' }).waitFor({ timeout: 60_000 });
    await view.locator('.chart[data-metric="loss"] canvas').first().waitFor({ timeout: 60_000 });
    assert.match(await view.locator('[aria-label="Events"] pre').textContent() ?? '', /Following .*\(pid \d+\)/);
    assert.equal(await page.locator('.tab', { hasText: 'Training Monitor' }).count(), 1, 'the restored panel, not a second one');
    await shot(page, 'e2e-reloaded.png');

    await stop.click();
    await view.locator('.run-state', { hasText: 'stopped' }).waitFor({ timeout: 30_000 });
    assert.equal(await view.locator('.run-state').textContent(), 'stopped (exit 130)');
    const ended = runRecord(workspace)!;
    assert.equal(ended.status, 'stopped');
    assert.equal(ended.exitCode, 130);
    assert.equal(alive(run.pid), false, 'the training process is gone');
    assert.throws(() => process.kill(-run.pid, 0), 'nothing of its process group is left');
    await view.locator('[aria-label="Output"] pre', { hasText: 'Interrupted: saved checkpoint' }).waitFor();
    await view.locator('[aria-label="Events"] pre', { hasText: 'the workers ended' }).waitFor({ state: 'attached' });
    assert.equal(await stop.isVisible(), false, 'the Stop button leaves with the run');
    await shot(page, 'e2e-stopped.png');
  });
});
