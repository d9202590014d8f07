/**
 * Serves the built webview in the page the extension builds (same HTML, same CSP) over a local
 * HTTP server, and opens it in Debian's Chromium with a stand-in for `acquireVsCodeApi` that
 * records what the page posts.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { monitorHtml } from '../../src/extension/html';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const resultsDir = path.join(repoRoot, 'test-results');

/** A typed array as the tests send it: the harness page turns `{f64}` back into a Float64Array. */
export const f64 = (a: number[]) => ({ f64: a });
/** The run most tests show. */
export const RUN = { name: 'train.py', state: 'running', command: 'python3 -u train.py', canStop: true };
/** A series of `stdout.log` named `name`, over `steps`, with y = `y(step)`. */
export const stepSeries = (steps: number[], name: string, y: (s: number) => number) => ({
  key: `stdout.log:${name}`,
  name,
  source: 'stdout.log',
  xKind: 'step',
  x: f64(steps),
  y: f64(steps.map(y)),
});

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const TYPES: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html', '.map': 'application/json' };

/** The theme variables VS Code puts on a webview (a few of Dark Modern's). */
const THEME_CSS = `html {
  --vscode-foreground: #cccccc; --vscode-descriptionForeground: #9d9d9d; --vscode-errorForeground: #f85149;
  --vscode-editor-background: #1f1f1f; --vscode-font-family: system-ui, sans-serif; --vscode-font-size: 13px;
  --vscode-editor-font-family: monospace; --vscode-editorWidget-border: #454545; --vscode-panel-border: #2b2b2b;
  --vscode-charts-blue: #3794ff; --vscode-charts-orange: #d18616; --vscode-charts-green: #89d185;
  --vscode-charts-purple: #b180d7; --vscode-charts-red: #f14c4c; --vscode-charts-yellow: #cca700;
  --vscode-terminal-ansiRed: #cd3131; --vscode-terminal-ansiGreen: #0dbc79; --vscode-terminal-ansiBrightBlue: #3b8eea;
}
body { background: #1f1f1f; }`;

/** Stands in for VS Code's `acquireVsCodeApi`, recording posts; also records CSP violations. */
const FAKE_VSCODE_API = `
  window.__posted = [];
  window.__violations = [];
  // Kept in sessionStorage: like VS Code's, the state survives the page being reloaded.
  window.acquireVsCodeApi = () => ({
    postMessage: (m) => window.__posted.push(m),
    getState: () => JSON.parse(sessionStorage.getItem('vscode-state') ?? 'null') ?? undefined,
    setState: (s) => sessionStorage.setItem('vscode-state', JSON.stringify(s)),
  });
  document.addEventListener('securitypolicyviolation', (e) => window.__violations.push({ directive: e.violatedDirective, blocked: e.blockedURI }));
`;

/** Turns `{f64: [...]}` back into Float64Arrays in the page, as structured clone delivers them (null: NaN, which JSON lacks). */
const REVIVE = `function revive(v) {
  if (Array.isArray(v)) return v.map(revive);
  if (v && typeof v === 'object') return 'f64' in v ? Float64Array.from(v.f64, (n) => n ?? NaN) : Object.fromEntries(Object.entries(v).map(([k, x]) => [k, revive(x)]));
  return v;
}`;

export interface Harness {
  page: Page;
  /** Messages the page posted to the host, in order. */
  posted(): Promise<Array<{ type: string }>>;
  /** CSP violations the page reported. */
  violations(): Promise<Array<{ directive: string; blocked: string }>>;
  /** Posts a host → webview message (typed arrays survive: it runs in the page). */
  send(msg: unknown): Promise<void>;
  /** Puts `value` (typed arrays revived) in the page as `window[name]`, ready to post outside any timing. */
  stage(name: string, value: unknown): Promise<void>;
  /** What the page saved with `setState`. */
  state(): Promise<unknown>;
  /** Reloads the page, as VS Code does when a hidden webview was destroyed and is shown again. */
  reload(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A fresh harness for each test of the calling suite (read it inside the tests); a failing test
 * leaves a full-page screenshot under test-results/.
 */
export function harnessPerTest(name: string): () => Harness {
  let h: Harness | undefined;
  beforeEach(async () => {
    h = await openHarness();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      fs.mkdirSync(resultsDir, { recursive: true });
      await h!.page.screenshot({ path: path.join(resultsDir, `${name}-failed-${Date.now()}.png`), fullPage: true });
    }
    await h!.close();
  });
  return () => h!;
}

export async function openHarness(): Promise<Harness> {
  let origin = '';
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(monitorHtml({ cspSource: origin, script: `${origin}/dist/webview/main.js`, style: `${origin}/dist/webview/main.css` }));
      return;
    }
    if (url.pathname === '/theme.css') {
      res.writeHead(200, { 'content-type': 'text/css' });
      res.end(THEME_CSS);
      return;
    }
    const file = path.join(repoRoot, path.normalize(url.pathname));
    if (!file.startsWith(path.join(repoRoot, 'dist', 'webview')) || !fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const browser: Browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  await page.addInitScript(FAKE_VSCODE_API);
  await page.goto(origin + '/');
  await page.addStyleTag({ url: `${origin}/theme.css` });
  return {
    page,
    posted: () => page.evaluate(() => (window as unknown as { __posted: Array<{ type: string }> }).__posted),
    violations: () => page.evaluate(() => (window as unknown as { __violations: Array<{ directive: string; blocked: string }> }).__violations),
    // A string, not a function: the test runner's transpiler would add helpers the page lacks.
    send: (msg) => page.evaluate(`window.postMessage((${REVIVE})(${JSON.stringify(msg)}), '*')`),
    stage: (name, value) => page.evaluate(`window[${JSON.stringify(name)}] = (${REVIVE})(${JSON.stringify(value)})`),
    state: () => page.evaluate(() => JSON.parse(sessionStorage.getItem('vscode-state') ?? 'null')),
    reload: async () => {
      await page.reload();
      await page.addStyleTag({ url: `${origin}/theme.css` });
    },
    close: async () => {
      await browser.close();
      server.close();
    },
  };
}

/**
 * Number of painted canvas pixels under `selector`; with `rgb`, only those within a small
 * distance of that colour (a series' stroke, not the axes and grid); with `alpha`, only those
 * whose opacity is in [min, max] (the canvas is transparent: a faint line keeps its colour and
 * loses opacity).
 */
export function inkedPixels(page: Page, selector: string, rgb?: [number, number, number], alpha: [number, number] = [1, 255]): Promise<number> {
  return page.evaluate(
    ([sel, c, a]) => {
      let n = 0;
      for (const canvas of Array.from(document.querySelectorAll<HTMLCanvasElement>(sel as string))) {
        const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        for (let i = 0; i < d.length; i += 4) {
          if (d[i + 3] < a[0] || d[i + 3] > a[1]) continue;
          if (!c) n++;
          else if (Math.abs(d[i] - c[0]) + Math.abs(d[i + 1] - c[1]) + Math.abs(d[i + 2] - c[2]) < 60) n++;
        }
      }
      return n;
    },
    [selector, rgb ?? null, alpha] as const,
  );
}

/** Moves the cursor to fraction `fx` across chart `chart`'s plot area and returns the legend's values. */
export async function legendValuesAt(h: Harness, chart: string, fx: number): Promise<string[]> {
  const box = (await h.page.locator(`.chart[data-metric="${chart}"] .u-over`).boundingBox())!;
  await h.page.mouse.move(box.x + box.width * fx, box.y + box.height / 2);
  await h.page.waitForTimeout(50);
  return h.page.$$eval(`.chart[data-metric="${chart}"] .u-legend .u-series:not(.raw) .u-value`, (els) => els.map((e) => e.textContent ?? ''));
}

/** Drags across chart `chart` from fraction `from` to `to` of its plot area's width: a zoom. */
export async function dragAcross(h: Harness, chart: string, from: number, to: number): Promise<void> {
  const box = (await h.page.locator(`.chart[data-metric="${chart}"] .u-over`).boundingBox())!;
  await h.page.mouse.move(box.x + box.width * from, box.y + 20);
  await h.page.mouse.down();
  await h.page.mouse.move(box.x + box.width * to, box.y + 40, { steps: 5 });
  await h.page.mouse.up();
}
