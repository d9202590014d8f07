/**
 * The y values a chart hands uPlot, made drawable: non-finite values become gaps (an Infinity would
 * stretch the scale until nothing shows) and are marked where a line became NaN or infinite
 * instead; values beyond what uPlot finds ticks for are divided by a power of ten.
 */
import type uPlot from 'uplot';

/** Where a line became non-finite. */
export interface Marker {
  x: number;
  kind: 'NaN' | '+Inf' | '-Inf';
}

/** Markers a line gets at most: a line that keeps flipping is marked where it started to. */
const MARKERS_MAX = 8;

const kindOf = (v: number): Marker['kind'] => (v > 0 ? '+Inf' : v < 0 ? '-Inf' : 'NaN');

/** The points where `y` turns non-finite after a finite value (or at its first point). */
export function markersOf(x: ArrayLike<number>, y: ArrayLike<number>): Marker[] {
  const out: Marker[] = [];
  let finite = true;
  for (let i = 0; i < y.length && out.length < MARKERS_MAX; i++) {
    const v = y[i];
    const now = Number.isFinite(v);
    if (!now && finite) out.push({ x: x[i], kind: kindOf(v) });
    finite = now;
  }
  return out;
}

/**
 * The data with each non-finite y a gap, and y divided by 10^shift when its largest finite value
 * is from 1e15 up or below 1e-10 (uPlot finds no ticks there; labels and legend multiply back).
 * A log scale keeps its values (it cuts what it cannot draw itself). Copies only when it changes something.
 */
export function drawable(data: uPlot.AlignedData, logY: boolean): { data: uPlot.AlignedData; shift: number } {
  let max = 0;
  let gaps = false;
  for (let c = 1; c < data.length; c++) {
    const col = data[c];
    for (let i = 0; i < col.length; i++) {
      const v = col[i];
      if (v == null) continue;
      if (!Number.isFinite(v)) gaps = true;
      else if (Math.abs(v) > max) max = Math.abs(v);
    }
  }
  const shift = !logY && (max >= 1e15 || (max > 0 && max < 1e-10)) ? Math.floor(Math.log10(max)) : 0;
  if (!shift && !gaps) return { data, shift };
  const f = 10 ** shift;
  const out = data.map((col, c) => (c === 0 ? col : Array.from(col, (v) => (v == null || !Number.isFinite(v) ? undefined : v / f))));
  return { data: out as uPlot.AlignedData, shift };
}

/**
 * Draws each marker over the plot: a dashed rule at its x in its line's colour, a triangle at the
 * top edge, and what the value became (`NaN`, `+Inf`, `-Inf`) beside it. Runs in uPlot's draw hook.
 */
export function drawMarkers(u: uPlot, markers: Array<Marker & { color: string }>, font: string): void {
  if (!markers.length) return;
  const ctx = u.ctx;
  const { left, top, width, height } = u.bbox;
  const r = devicePixelRatio || 1;
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, width, height);
  ctx.clip();
  ctx.font = font.replace(/^(\d+)px/, (_, px: string) => `${Math.round(Number(px) * r)}px`);
  ctx.textBaseline = 'top';
  ctx.textAlign = 'left';
  for (const m of markers) {
    const x = Math.round(u.valToPos(m.x, 'x', true));
    if (x < left || x > left + width) continue;
    ctx.strokeStyle = ctx.fillStyle = m.color;
    ctx.lineWidth = r;
    ctx.setLineDash([3 * r, 3 * r]);
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + height);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.beginPath();
    ctx.moveTo(x - 5 * r, top);
    ctx.lineTo(x + 5 * r, top);
    ctx.lineTo(x, top + 8 * r);
    ctx.closePath();
    ctx.fill();
    // the label right of the rule, or left of it near the right edge
    const w = ctx.measureText(m.kind).width;
    const tx = x + 7 * r + w > left + width ? x - 7 * r - w : x + 7 * r;
    ctx.fillText(m.kind, tx, top + 2 * r);
  }
  ctx.restore();
}
