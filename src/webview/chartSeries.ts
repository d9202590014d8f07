/** A chart's uPlot series: per drawn line its faint raw line (when smoothed), its line, and its band's edges. */
import type uPlot from 'uplot';
import type { LineStyle } from './colors';
import type { HeldSeries } from './heldSeries';
import { faint } from './paint';

/** What each uPlot series (after x) draws: which line, and which of its columns. */
export interface Role {
  line: number;
  part: 'raw' | 'main' | 'lo' | 'hi';
}

export interface LineSeries {
  series: uPlot.Series[];
  bands: uPlot.Band[];
  roles: Role[];
  colors: string[];
}

/** `label`: a line's legend label; `value`: a value as the legend reads it. */
export function lineSeries(
  xLabel: string,
  drawn: HeldSeries[],
  look: { styles: LineStyle[]; smoothed: boolean[]; banded: boolean[]; hidden: Set<string> },
  label: (l: HeldSeries) => string,
  value: (v: number | null | undefined) => string,
): LineSeries {
  const out: LineSeries = { series: [{ label: xLabel }], bands: [], roles: [], colors: [] };
  drawn.forEach((l, i) => {
    const { color, dash, width } = look.styles[i];
    out.colors.push(color);
    const line = { spanGaps: true, points: { show: false }, show: !look.hidden.has(l.key), ...(dash && { dash }) };
    const add = (part: Role['part'], s: uPlot.Series) => {
      out.series.push({ ...line, ...s });
      out.roles.push({ line: i, part });
      return out.series.length - 1;
    };
    if (look.smoothed[i]) add('raw', { label: `${label(l)} (raw)`, stroke: faint(color, 0.3), width: 1 });
    // uPlot's default marks a line's points while they are sparse, so a lone point (the first
    // epoch's value) shows; the faint raw line and the band's edges never mark theirs
    add('main', { label: label(l), stroke: color, width, points: { fill: color }, value: (_u, v) => value(v) });
    if (look.banded[i]) {
      // the lowest and highest value each decimated point stands for, filled between
      const lo = add('lo', { label: `${label(l)} (min)`, stroke: 'transparent', width: 0 });
      const hi = add('hi', { label: `${label(l)} (max)`, stroke: 'transparent', width: 0 });
      out.bands.push({ series: [hi, lo], fill: faint(color, 0.2) });
    }
  });
  return out;
}
