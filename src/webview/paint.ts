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

/** A legend entry as the image draws it: the line's colour and its label. */
export interface PngLegend {
  color: string;
  label: string;
}

/** The legend entries of the lines drawn (not switched off) under `root`, a uPlot chart: colour and label. */
export function shownLegend(root: HTMLElement): PngLegend[] {
  const out: PngLegend[] = [];
  for (const row of root.querySelectorAll<HTMLElement>('.u-legend .u-series')) {
    if (row.classList.contains('u-off') || getComputedStyle(row).display === 'none') continue;
    const marker = row.querySelector<HTMLElement>('.u-marker');
    const label = row.querySelector('.u-label')?.textContent ?? '';
    if (!marker || !label) continue;
    // the swatch is its background: a colour, or the colour's dash pattern (colors.ts swatchBackground)
    const style = getComputedStyle(marker);
    const color = style.backgroundImage.startsWith('repeating') ? /rgba?\([^)]*\)/.exec(style.backgroundImage)?.[0] : style.backgroundColor;
    out.push({ color: color ?? style.backgroundColor, label });
  }
  return out;
}

/**
 * A chart's canvas as drawn, at device resolution, on the theme's background: its title and the
 * run's name above, its legend (the lines shown) below. A `data:` URL.
 */
export function chartPng(plotCanvas: HTMLCanvasElement, title: string, run: string, legend: PngLegend[]): string {
  const ratio = plotCanvas.width / plotCanvas.clientWidth || 1;
  const px = (n: number) => Math.round(n * ratio);
  const font = cssVar('--vscode-font-family', 'sans-serif');
  const out = document.createElement('canvas');
  const ctx = out.getContext('2d')!;
  // the legend's rows: entries laid left to right, wrapping at the image's width
  ctx.font = `${px(11)}px ${font}`;
  const rows: Array<Array<PngLegend & { x: number }>> = [[]];
  let x = px(8);
  for (const entry of legend) {
    const w = px(18) + ctx.measureText(entry.label).width + px(12);
    if (x + w > plotCanvas.width && rows[rows.length - 1].length) {
      rows.push([]);
      x = px(8);
    }
    rows[rows.length - 1].push({ ...entry, x });
    x += w;
  }
  const head = px(24);
  const row = px(18);
  out.width = plotCanvas.width;
  out.height = head + plotCanvas.height + (legend.length ? rows.length * row + px(6) : 0);
  ctx.fillStyle = cssVar('--vscode-editor-background', '#1f1f1f');
  ctx.fillRect(0, 0, out.width, out.height);
  const fg = cssVar('--vscode-foreground', '#ccc');
  ctx.fillStyle = fg;
  ctx.font = `600 ${px(12)}px ${font}`;
  ctx.fillText(title, px(8), px(16));
  if (run) {
    const after = px(8) + ctx.measureText(title).width + px(12);
    ctx.font = `${px(11)}px ${font}`;
    ctx.fillStyle = cssVar('--vscode-descriptionForeground', '#999');
    ctx.fillText(run, after, px(16));
  }
  ctx.drawImage(plotCanvas, 0, head);
  ctx.font = `${px(11)}px ${font}`;
  rows.forEach((entries, r) => {
    const y = head + plotCanvas.height + px(4) + r * row;
    for (const e of entries) {
      ctx.fillStyle = e.color;
      ctx.fillRect(e.x, y + px(6), px(12), px(3));
      ctx.fillStyle = fg;
      ctx.fillText(e.label, e.x + px(16), y + px(11));
    }
  });
  return out.toDataURL('image/png');
}
