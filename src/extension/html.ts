/**
 * The monitor page. Kept free of `vscode` so the Chromium test harness serves exactly the page,
 * CSP included, that VS Code shows.
 */
import { randomBytes } from 'node:crypto';

export interface PageResources {
  /** `webview.cspSource`: the origin local resources are served from. */
  cspSource: string;
  /** URIs (as strings) of the built `main.js` and `main.css`. */
  script: string;
  style: string;
}

export function nonce(): string {
  return randomBytes(18).toString('base64');
}

export function monitorHtml(r: PageResources, scriptNonce = nonce()): string {
  // No inline scripts or styles: the script by nonce, styles only from our own files. The toolkit
  // styles its components through adopted stylesheets, which `style-src` allows.
  const csp = [
    "default-src 'none'",
    `img-src ${r.cspSource} data:`,
    `font-src ${r.cspSource}`,
    `style-src ${r.cspSource}`,
    `script-src 'nonce-${scriptNonce}'`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${csp}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${r.style}">
  <title>Training Monitor</title>
</head>
<body>
  <div id="app"></div>
  <script nonce="${scriptNonce}" src="${r.script}"></script>
</body>
</html>`;
}
