/**
 * The charts by keyboard: legend chips are toggle buttons (Space or Enter), a chart's plot takes
 * focus and zooms with + and −, pans with ← and →, and follows the live edge again with 0 or
 * Escape. What changes is announced to screen readers through one polite live region.
 */
import type uPlot from 'uplot';

let region: HTMLElement | undefined;

/** Says `text` to a screen reader (and leaves it on the page for whoever reads it). */
export function announce(text: string): void {
  if (!region) {
    region = document.createElement('div');
    region.className = 'announce';
    region.setAttribute('role', 'status');
    region.setAttribute('aria-live', 'polite');
    document.body.append(region);
  }
  region.textContent = text;
}

/** Makes each main legend row a toggle button: focusable, its state announced, Space/Enter toggles. */
export function legendKeys(u: uPlot, rows: NodeListOf<HTMLElement>, isMain: (seriesIndex: number) => boolean): void {
  rows.forEach((row, i) => {
    if (i === 0 || !isMain(i)) return;
    const label = String(u.series[i].label ?? '');
    const sync = () => row.setAttribute('aria-pressed', String(u.series[i].show !== false));
    row.tabIndex = 0;
    row.setAttribute('role', 'button');
    row.setAttribute('aria-label', `${label}: shown (Space to hide)`);
    sync();
    row.addEventListener('keydown', (e) => {
      if (e.key !== ' ' && e.key !== 'Enter') return;
      e.preventDefault();
      const show = u.series[i].show === false;
      u.setSeries(i, { show });
      sync();
      row.setAttribute('aria-label', `${label}: ${show ? 'shown (Space to hide)' : 'hidden (Space to show)'}`);
      announce(`${label} ${show ? 'shown' : 'hidden'}`);
    });
    row.addEventListener('click', () => queueMicrotask(sync));
  });
}

/** What zoom keys ask: a new x range, or the live edge again (undefined). */
export type ZoomTo = (range: [number, number] | undefined) => void;

/** Zoom and pan keys on a chart's focusable plot; `range` is the x range shown now. */
export function zoomKeys(target: HTMLElement, title: string, range: () => [number, number] | undefined, zoom: ZoomTo): void {
  target.tabIndex = 0;
  target.setAttribute('role', 'img');
  target.setAttribute('aria-label', `${title} chart. Plus and minus zoom, left and right arrows pan, 0 follows the live edge.`);
  target.addEventListener('keydown', (e) => {
    const r = range();
    if (!r) return;
    const [a, b] = r;
    const w = b - a;
    const mid = (a + b) / 2;
    let next: [number, number] | undefined | null = null;
    if (e.key === '+' || e.key === '=') next = [mid - w / 4, mid + w / 4];
    else if (e.key === '-' || e.key === '_') next = [mid - w, mid + w];
    else if (e.key === 'ArrowLeft') next = [a - w / 4, b - w / 4];
    else if (e.key === 'ArrowRight') next = [a + w / 4, b + w / 4];
    else if (e.key === '0' || e.key === 'Escape') next = undefined;
    if (next === null) return;
    e.preventDefault();
    zoom(next);
    const fmt = (v: number) => String(Number(v.toPrecision(4)));
    announce(next ? `${title}: zoomed to ${fmt(next[0])} – ${fmt(next[1])}` : `${title}: following the live edge`);
  });
}
