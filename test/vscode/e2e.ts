/** What every e2e file starts from: the packaged VSIX in code-server on a fresh demo workspace, Chromium on its workbench. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FrameLocator, Page } from 'playwright-core';
import { packageVsix } from './packaging';
import { demoWorkspace, ensureCodeServer, resultsDir, startCodeServer, type Server } from './server';
import { openWorkbench, type Workbench } from './workbench';

export interface E2e {
  workDir: string;
  workspace: string;
  server: Server;
  bench: Workbench;
}

/** `settings`: the user settings code-server starts with (Workspace Trust on or off). */
export async function startE2e(prefix: string, settings: Record<string, unknown>): Promise<E2e> {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const vsix = packageVsix(workDir);
  const workspace = demoWorkspace(workDir);
  const server = await startCodeServer(ensureCodeServer(), { workDir, install: [vsix], settings });
  try {
    const bench = await openWorkbench(`${server.url}/?folder=${encodeURIComponent(workspace)}`, workDir);
    return { workDir, workspace, server, bench };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

/** A screenshot into test-results/. */
export async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(resultsDir, { recursive: true });
  await page.screenshot({ path: path.join(resultsDir, name) });
}

/** The monitor webview's page inside the workbench. */
export function monitorView(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
}

/** Pixels drawn (alpha > 0) in a metric's chart canvas. */
export function chartInk(view: FrameLocator, metric: string): Promise<number> {
  return view
    .locator(`.chart[data-metric="${metric}"] canvas`)
    .first()
    .evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
      return n;
    });
}
