/**
 * As a user in a folder VS Code does not trust yet (Workspace Trust on): "Start Training Monitor"
 * → run the active Python file is held, with our prompt; the user grants trust in VS Code's own
 * UI from that prompt, and the run they asked for starts and is charted with no second command.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { alive, until } from '../helpers';
import { chartInk, monitorView, shot, startE2e } from './e2e';
import type { Server } from './server';
import { assertMonitorBeside, command, type Workbench } from './workbench';

/** The run folders of launched trainings in the workspace. */
function runDirs(workspace: string): string[] {
  const runs = path.join(workspace, '.training-monitor', 'runs');
  return fs.existsSync(runs) ? fs.readdirSync(runs).filter((d) => d.endsWith('-train.py')) : [];
}

describe('First run in an untrusted folder (code-server + Chromium, Workspace Trust on)', () => {
  let workspace: string;
  let server: Server;
  let bench: Workbench;

  before(async () => {
    ({ workspace, server, bench } = await startE2e('tm-trust-', { 'security.workspace.trust.enabled': true }));
  });

  after(async () => {
    await bench?.close();
    await server?.stop();
    for (const dir of workspace ? runDirs(workspace) : []) {
      const record = path.join(workspace, '.training-monitor', 'runs', dir, 'run.json');
      const pid = fs.existsSync(record) ? (JSON.parse(fs.readFileSync(record, 'utf8')) as { pid?: number }).pid : undefined;
      if (pid && alive(pid)) process.kill(-pid, 'SIGKILL'); // never leave a training behind
    }
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await shot(bench.page, 'e2e-trust-failed.png');
  });

  it('holds the launch until the user trusts the folder from our prompt, then starts it and charts it', async () => {
    const { page } = bench;
    // the folder opens in Restricted Mode (the smoke-test driver shows no startup trust dialog)
    await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).first().waitFor({ timeout: 30_000 });

    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill('train.py');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'train.py' }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.monaco-editor .view-lines', { hasText: 'A small but real training' }).first().waitFor();

    await command(page, 'Training Monitor: Start Training Monitor');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Run the active Python file' }).click();

    // our prompt (the smoke-test driver keeps toasts hidden: it is read in the Notification Center)
    await command(page, 'Notifications: Show Notifications');
    const prompt = page.locator('.notifications-center .notification-list-item', { hasText: 'runs training commands only in a trusted workspace' });
    await prompt.waitFor({ timeout: 30_000 });
    await page.waitForTimeout(1000);
    assert.deepEqual(runDirs(workspace), [], 'nothing ran in Restricted Mode');
    await shot(page, 'e2e-trust-prompt.png');
    await prompt.locator('.monaco-button', { hasText: 'Manage Workspace Trust' }).click();

    // VS Code's Workspace Trust editor: the user trusts the folder there
    const trust = page.locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust$/ }).first();
    await trust.waitFor({ timeout: 30_000 });
    await shot(page, 'e2e-trust-editor.png');
    await trust.click();
    await page.locator('.workspace-trust-editor', { hasText: 'You trust this folder' }).waitFor({ timeout: 30_000 });
    // the run starts at once; only its monitor waits until the user is back at the code
    await until(() => runDirs(workspace).length === 1, 30_000, 'the run to start while the trust editor is open');
    // the user closes VS Code's trust editor (it opens as a modal over the workbench); nothing else is asked of them
    await page.locator('.monaco-modal-editor-block .action-label[aria-label^="Close"]').first().click();
    await page.locator('.monaco-modal-editor-block').waitFor({ state: 'hidden', timeout: 10_000 });

    // the launch asked for goes on: the run starts and its first points are drawn
    const view: FrameLocator = monitorView(page);
    await view.locator('.chart[data-metric="loss"] canvas').first().waitFor({ timeout: 60_000 });
    await view.locator('[aria-label="Output"] pre', { hasText: 'Epoch 1/20' }).waitFor({ timeout: 60_000 });
    const ink = await chartInk(view, 'loss');
    assert.ok(ink > 500, `the loss chart is drawn (${ink} pixels)`);
    assert.equal(runDirs(workspace).length, 1, 'one run: the one asked for before trust');
    // beside the code, not a tab over it (it was asked for while the trust editor was up)
    await assertMonitorBeside(page, 'train.py');
    await shot(page, 'e2e-trust-started.png');

    await page.locator('.statusbar-item[aria-label="Stop Training"]').click();
    await view.locator('.run-state', { hasText: 'stopped' }).waitFor({ timeout: 30_000 });
  });
});
