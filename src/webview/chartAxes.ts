/** A chart's two uPlot axes, in the theme's colours, sized to fit short panels and long labels. */
import type uPlot from 'uplot';
import type { AxisKind } from './chart';
import { gridStroke } from './colors';
import { cssVar } from './paint';
import { tickLabels } from './ticks';

/** What each x axis is called under the plot, in its tooltip and its notes. */
export const X_LABEL: Record<AxisKind, string> = { step: 'step', epoch: 'epoch', wall: 'time', index: 'update', relative: 'time (s)' };

/** The font of the axes (and of the markers drawn over the plot). */
export const axisFont = (): string => `11px ${cssVar('--vscode-font-family', 'sans-serif')}`;

/** `native`: x is the series' own (not time), labelled compactly; `yLabels`: the y ticks' texts. */
export function plotAxes(axis: AxisKind, native: boolean, yLabels: (splits: number[]) => string[]): uPlot.Axis[] {
  const font = axisFont();
  const grid = gridStroke();
  const common = { stroke: cssVar('--vscode-foreground', '#ccc'), grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, font };
  return [
    // the x axis and its name in 44 px (uPlot's default 80 left a short panel no plot)
    {
      ...common,
      label: X_LABEL[axis],
      labelFont: font,
      size: 28,
      labelSize: 16,
      labelGap: 0,
      ...(native && { values: (_u: uPlot, splits: number[]) => tickLabels(splits) }),
    },
    // as wide as its longest label (`-2.5e+63` does not fit uPlot's fixed 50 px)
    {
      ...common,
      values: (_u, splits) => yLabels(splits),
      size: (_u, values) => Math.max(40, 20 + 7 * Math.max(0, ...(values ?? []).map((v) => v.length))),
    },
  ];
}
