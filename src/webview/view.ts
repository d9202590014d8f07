/** The dashboard's view options (kept in the webview's state) and the chart filter. */

/** `native`: each series' own x (step, epoch or update count). */
export type XMode = 'native' | 'relative' | 'wall';

export interface ViewOptions {
  xMode: XMode;
  /** TensorBoard's smoothing weight, 0 (off) to 0.999. */
  smoothing: number;
  logY: boolean;
  /** Log-scaled steps or epochs (time axes stay linear); points at x ≤ 0 are left out. */
  logX: boolean;
  /** Shows the charts whose title or series match: a substring, or a regex as `/…/`. */
  filter: string;
  /** The x range each axis is zoomed to (by axis: `step`, `epoch`, `relative`…); absent: following the live edge. */
  zoom: Record<string, [number, number]>;
  /** Each chart's plot height in CSS pixels (a short panel draws them lower still, so one fits). */
  chartHeight: number;
}

export const CHART_HEIGHTS: Array<[number, string]> = [
  [120, 'Low'],
  [180, 'Medium'],
  [280, 'Tall'],
];

export const DEFAULT_VIEW: ViewOptions = { xMode: 'native', smoothing: 0, logY: false, logX: false, filter: '', zoom: {}, chartHeight: 180 };

/** A filter as typed: `/re/flags` is a regex, anything else a case-insensitive substring. */
export function matcher(filter: string): (text: string) => boolean {
  const re = /^\/(.+)\/([a-z]*)$/.exec(filter.trim());
  if (re) {
    try {
      const r = new RegExp(re[1], re[2]);
      return (t) => r.test(t);
    } catch {
      // not a valid regex: taken as text
    }
  }
  const needle = filter.trim().toLowerCase();
  return (t) => t.toLowerCase().includes(needle);
}
