/** Colours from the theme, and a chart's canvas as a PNG. */

export function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

/** A colour at `alpha`, for the raw line drawn faint behind its smoothed one, and for bands. */
export function faint(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{6})$/i.exec(color);
  if (!hex) return color;
  const n = parseInt(hex[1], 16);
  return `rgba(${n >> 16}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

/** A chart's canvas as drawn, under its title, on the theme's background: a `data:` URL. */
export function chartPng(plotCanvas: HTMLCanvasElement, title: string): string {
  const ratio = plotCanvas.width / plotCanvas.clientWidth || 1;
  const band = Math.round(24 * ratio);
  const out = document.createElement('canvas');
  out.width = plotCanvas.width;
  out.height = plotCanvas.height + band;
  const ctx = out.getContext('2d')!;
  ctx.fillStyle = cssVar('--vscode-editor-background', '#1f1f1f');
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.fillStyle = cssVar('--vscode-foreground', '#ccc');
  ctx.font = `600 ${Math.round(12 * ratio)}px ${cssVar('--vscode-font-family', 'sans-serif')}`;
  ctx.fillText(title, 8 * ratio, 16 * ratio);
  ctx.drawImage(plotCanvas, 0, band);
  return out.toDataURL('image/png');
}
