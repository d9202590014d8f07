/** Opens the code-server workbench in Debian's Chromium, as a user's browser would. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from '../webview/harness';

export interface Workbench {
  page: Page;
  context: BrowserContext;
  close(): Promise<void>;
}

export async function openWorkbench(url: string, workDir: string, before?: (page: Page) => Promise<void>): Promise<Workbench> {
  const profile = path.join(workDir, 'chromium-profile');
  fs.mkdirSync(profile, { recursive: true });
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  await before?.(page);
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  await page.waitForSelector('.statusbar', { timeout: 60_000 });
  return { page, context, close: () => context.close() };
}

/** Runs a command from the palette. Just after the workbench loads, extensions' commands may not be listed yet: the palette is opened again until it lists it. */
export async function command(page: Page, title: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill(`>${title}`);
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    try {
      await row.waitFor({ timeout: 10_000 });
      break;
    } catch (err) {
      if (attempt === 6) throw err;
      await page.keyboard.press('Escape');
    }
  }
  await page.keyboard.press('Enter');
}

/** The workbench URL that loads an extension from source and, optionally, its integration tests. */
export function devUrl(base: string, port: number, folder: string, extensionPath: string, testsPath?: string): string {
  const remote = (p: string) => `vscode-remote://127.0.0.1:${port}${p}`;
  const payload: string[][] = [
    ['extensionDevelopmentPath', remote(extensionPath)],
    ['skipWelcome', 'true'],
  ];
  if (testsPath) payload.push(['extensionTestsPath', remote(testsPath)]);
  return `${base}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/** Browser console arguments as text: `%c` styles dropped, `%s`/`%d` filled in as Node would. */
export function consoleText(args: string[]): string {
  if (!args.length) return '';
  const [first, ...rest] = args;
  const styles = first.match(/%c/g)?.length ?? 0;
  return format(first.replace(/%c/g, ''), ...rest.slice(styles));
}

/** The monitor is open in an editor group of its own, beside `file`'s that still shows `file` (modal editors aside). */
export async function assertMonitorBeside(page: Page, file: string): Promise<void> {
  const groups = await page.evaluate(() =>
    Array.from(document.querySelectorAll('.part.editor:not(.modal-editor-part) .editor-group-container')).map((g) => ({
      tabs: Array.from(g.querySelectorAll('.tab')).map((t) => t.textContent ?? ''),
      active: g.querySelector('.tab.active')?.textContent ?? '',
    })),
  );
  const seen = JSON.stringify(groups);
  const code = groups.findIndex((g) => g.tabs.some((t) => t.includes(file)));
  const monitor = groups.findIndex((g) => g.tabs.some((t) => t.includes('Training Monitor')));
  assert.ok(code >= 0 && monitor >= 0, `${file} and the monitor are open: ${seen}`);
  assert.notEqual(monitor, code, `the monitor is in a group of its own, beside ${file}: ${seen}`);
  assert.ok(groups[code].active.includes(file), `${file} stays in view: ${seen}`);
}
