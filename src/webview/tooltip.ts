/**
 * The values under the cursor, in a small box beside it, sorted by value (highest first) as people
 * ask of TensorBoard; the legend stays one row of chips. Built from uPlot's cursor: only while the
 * cursor is over a plot, so it costs nothing while points stream in.
 */
import type uPlot from 'uplot';

export interface TooltipRow {
  label: string;
  color: string;
  value: number;
  text: string;
}

/** The rows at the cursor: each shown line with a value there, highest first. */
export function rowsAt(u: uPlot, idx: number, main: (seriesIndex: number) => boolean, text: (v: number) => string): TooltipRow[] {
  const rows: TooltipRow[] = [];
  for (let i = 1; i < u.series.length; i++) {
    const s = u.series[i];
    if (!main(i) || s.show === false) continue;
    const v = u.data[i][idx];
    if (v == null || v !== v) continue;
    rows.push({ label: String(s.label ?? ''), color: typeof s.stroke === 'function' ? '' : String(s.stroke ?? ''), value: v, text: text(v) });
  }
  return rows.sort((a, b) => b.value - a.value);
}

export class Tooltip {
  readonly element: HTMLElement;

  constructor() {
    this.element = document.createElement('div');
    this.element.className = 'chart-tooltip';
    this.element.setAttribute('role', 'status');
    this.element.hidden = true;
  }

  /** Follows uPlot's cursor: the rows at its index, or nothing while it is off the plot. */
  at(u: uPlot, xText: (x: number) => string, main: (seriesIndex: number) => boolean, value: (v: number) => string): void {
    const { idx, left, top } = u.cursor;
    if (idx == null || left == null || left < 0 || top == null) return this.hide();
    this.show(xText(u.data[0][idx]), rowsAt(u, idx, main, value), left, top, u.over.clientWidth);
  }

  /** Shows `rows` under heading `x` near (left, top) of the plot area, inside `width`. */
  show(x: string, rows: TooltipRow[], left: number, top: number, width: number): void {
    if (!rows.length) {
      this.hide();
      return;
    }
    const head = document.createElement('div');
    head.className = 'tt-x';
    head.textContent = x;
    const body = rows.map((r) => {
      const row = document.createElement('div');
      row.className = 'tt-row';
      const swatch = document.createElement('span');
      swatch.className = 'tt-swatch';
      swatch.style.background = r.color;
      const name = document.createElement('span');
      name.className = 'tt-label';
      name.textContent = r.label;
      const value = document.createElement('span');
      value.className = 'tt-value';
      value.textContent = r.text;
      row.append(swatch, name, value);
      return row;
    });
    this.element.replaceChildren(head, ...body);
    this.element.hidden = false;
    // beside the cursor, on the side with room
    const w = this.element.offsetWidth;
    this.element.style.left = `${left + 12 + w > width ? Math.max(0, left - 12 - w) : left + 12}px`;
    this.element.style.top = `${Math.max(0, top - 8)}px`;
  }

  hide(): void {
    this.element.hidden = true;
  }
}
