/**
 * As a user: the packaged VSIX installed into code-server, the demo workspace open, F1 → "Training
 * Monitor: Start Training Monitor" → run the active Python file → charts and Output fill in the
 * webview → a window reload, after which the run is followed again → Stop in the status bar → the
 * training's process group is gone.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { alive, groupAlive, until } from '../helpers';
import type { FrameLocator } from 'playwright-core';
import { chartInk, monitorView, shot, startE2e } from './e2e';
import type { Server } from './server';
import { assertMonitorBeside, command, type Workbench } from './workbench';

function runRecord(workspace: string): { pid: number; status: string; exitCode?: number } | undefined {
  const runs = path.join(workspace, '.training-monitor', 'runs');
  if (!fs.existsSync(runs)) return undefined;
  const dir = fs.readdirSync(runs).find((d) => d.endsWith('-train.py')); // the launched training's, not the Slurm job's
  const file = dir && path.join(runs, dir, 'run.json');
  return file && fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : undefined;
}

describe('Training Monitor as a user clicks (code-server + Chromium)', () => {
  let workspace: string;
  let server: Server;
  let bench: Workbench;

  before(async () => {
    ({ workspace, server, bench } = await startE2e('tm-e2e-', { 'security.workspace.trust.enabled': false }));
  });

  after(async () => {
    await bench?.close();
    await server?.stop();
    const run = workspace && runRecord(workspace);
    if (run && alive(run.pid)) process.kill(-run.pid, 'SIGKILL'); // never leave a training behind
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    await shot(bench.page, `e2e-failed-${this.currentTest.title.split(' ').slice(0, 3).join('-')}.png`);
    // a quick pick a failed test left open would take the next test's clicks
    await bench.page.keyboard.press('Escape');
    await bench.page.keyboard.press('Escape');
  });

  it('attaches to a Slurm job from the command palette, and stops it from the status bar', async () => {
    const { page } = bench;
    const dir = path.join(workspace, 'cluster');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'job.sh'),
      '#!/bin/bash\ntrap \'echo "Interrupted: saved checkpoint"; exit 130\' INT\nfor i in $(seq 1 900); do echo "step=$i loss=0.$((1000 - i))"; sleep 0.1 & wait $!; done\n',
    );
    const id = execFileSync('sbatch', ['--parsable', '--job-name=cluster-job', `--output=${dir}/slurm-%j.out`, 'job.sh'], {
      cwd: dir,
      encoding: 'utf8',
    }).trim();
    try {
      await command(page, 'Training Monitor: Start Training Monitor');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Attach to a Slurm job' }).click();
      await page.locator('.quick-input-list .monaco-list-row', { hasText: `${id}  cluster-job` }).click();
      const view: FrameLocator = monitorView(page);
      await view.locator('.run-title', { hasText: 'cluster-job' }).waitFor({ timeout: 60_000 });
      await view.locator('[aria-label="Output"] pre', { hasText: 'step=20' }).waitFor({ timeout: 60_000 });
      await view.locator('.chart[data-metric="loss"] canvas').first().waitFor();
      await shot(page, 'e2e-slurm.png');
      // A window reload: the job is found again from its run.json and followed through the scheduler.
      await page.reload();
      await page.waitForSelector('.statusbar', { timeout: 60_000 });
      await page.locator('.statusbar-item[aria-label="Stop Training"]').waitFor({ timeout: 60_000 });
      await view.locator('.run-title', { hasText: 'cluster-job' }).waitFor({ timeout: 60_000 });
      await view.locator('#tab-events').click();
      await view.locator('[aria-label="Events"] pre', { hasText: `(Slurm job ${id})` }).waitFor({ timeout: 30_000 });
      await view.locator('#tab-stdout').click();
      await page.locator('.statusbar-item[aria-label="Stop Training"]').click();
      await view.locator('.run-state', { hasText: 'stopped' }).waitFor({ timeout: 60_000 });
      assert.equal(await view.locator('.run-state').textContent(), 'stopped (exit 130)');
      await view.locator('[aria-label="Output"] pre', { hasText: 'Interrupted: saved checkpoint' }).waitFor();
    } finally {
      execFileSync('scancel', [id]);
    }
  });

  it('starts the active Python file from the command palette, charts it live, and stops it from the status bar', async () => {
    const { page } = bench;
    // Open train.py with Quick Open, as a user would.
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill('train.py');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'train.py' }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.tab.active', { hasText: 'train.py' }).waitFor();
    // the tab shows before the file is read; the extension sees the editor once its text is in
    await page.locator('.monaco-editor .view-lines', { hasText: 'A small but real training' }).first().waitFor();

    await command(page, 'Training Monitor: Start Training Monitor');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Run the active Python file' }).click();

    // The monitor opens beside the editor; the run fills it.
    const view: FrameLocator = monitorView(page);
    await view.locator('.chart[data-metric="loss"] canvas').first().waitFor({ timeout: 60_000 });
    await view.locator('[aria-label="Output"] pre', { hasText: 'Epoch 3/20' }).waitFor({ timeout: 60_000 });
    const ink = await chartInk(view, 'loss');
    assert.ok(ink > 1000, `the loss chart is drawn (${ink} pixels)`);
    assert.equal(await view.locator('.run-state').textContent(), 'running');
    await assertMonitorBeside(page, 'train.py');

    // Find in the Output tab: the refine worker searches stdout.log and the match is highlighted.
    await view.locator('.log-find[aria-label="Find in Output"]').fill('epoch 2/20');
    await view.locator('.log-find[aria-label="Find in Output"]').press('Enter');
    await view.locator('.log-count', { hasText: '1 of 1' }).first().waitFor({ timeout: 10_000 });
    await view.locator('.current-match mark', { hasText: 'Epoch 2/20' }).waitFor();
    // Copy, with nothing selected, puts the lines in view on the clipboard through VS Code's.
    await bench.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await view.locator('.log-copy').first().click();
    await until(
      async () => /Epoch 2\/20/.test(await page.evaluate(() => navigator.clipboard.readText()).catch(() => '')),
      10_000,
      'the copied lines on the clipboard',
    );

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
    // the restored layout may put the monitor behind train.py: a user clicks its tab
    await page.locator('.tab', { hasText: 'Training Monitor' }).first().click();
    await view.locator('[aria-label="Output"] pre', { hasText: 'Epoch 1/20' }).waitFor({ timeout: 60_000 });
    await view.locator('.chart[data-metric="loss"] canvas').first().waitFor({ timeout: 60_000 });
    await view.locator('#tab-events').click(); // a log pane renders the rows in view: the tab must show
    await view.locator('[aria-label="Events"] pre', { hasText: /Following .*\(pid \d+\)/ }).waitFor({ timeout: 10_000 });
    assert.equal(await page.locator('.tab', { hasText: 'Training Monitor' }).count(), 1, 'the restored panel, not a second one');
    await shot(page, 'e2e-reloaded.png');

    await stop.click();
    await view.locator('.run-state', { hasText: 'stopped' }).waitFor({ timeout: 30_000 });
    assert.equal(await view.locator('.run-state').textContent(), 'stopped (exit 130)');
    const ended = runRecord(workspace)!;
    assert.equal(ended.status, 'stopped');
    assert.equal(ended.exitCode, 130);
    assert.equal(alive(run.pid), false, 'the training process is gone');
    assert.equal(groupAlive(run.pid), false, 'nothing of its process group is left');
    await view.locator('[aria-label="Events"] pre', { hasText: 'the workers ended' }).waitFor();
    await view.locator('#tab-stdout').click();
    await view.locator('[aria-label="Output"] pre', { hasText: 'Interrupted: saved checkpoint' }).waitFor();
    assert.equal(await stop.isVisible(), false, 'the Stop button leaves with the run');
    await shot(page, 'e2e-stopped.png');
  });
  it('submits the active Python file to Slurm from the quick pick, and stops the job from the panel', async () => {
    const { page } = bench;
    await page.locator('.tab', { hasText: 'train.py' }).first().click(); // the editor the previous test opened
    await command(page, 'Training Monitor: Start Training Monitor');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Submit to Slurm' }).click();
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'in a generated batch script' }).click();
    const view: FrameLocator = monitorView(page);
    await view.locator('.run-state', { hasText: 'running' }).waitFor({ timeout: 60_000 });
    await view.locator('[aria-label="Output"] pre', { hasText: 'Epoch 2/20' }).waitFor({ timeout: 60_000 });
    await view.locator('#tab-events').click();
    const started = await view.locator('[aria-label="Events"] pre', { hasText: /Started sbatch job\.sbatch \(Slurm job \d+\)/ }).textContent();
    const id = /Slurm job (\d+)/.exec(started ?? '')![1];
    await shot(page, 'e2e-slurm-submit.png');
    await view.locator('#stop').click();
    await view.locator('.run-state', { hasText: 'stopped' }).waitFor({ timeout: 60_000 });
    assert.equal(await view.locator('.run-state').textContent(), 'stopped (exit 130)');
    assert.equal(
      execFileSync('squeue', [`--jobs=${id}`, '--states=all', '--noheader', '--format=%T'], { encoding: 'utf8' }).trim(),
      'FAILED',
      'Slurm says it failed: the training exited 130 after saving',
    );
    await view.locator('#tab-stdout').click();
    await view.locator('[aria-label="Output"] pre', { hasText: 'Interrupted: saved checkpoint' }).waitFor();
  });
});
