/**
 * One uPlot chart of the grid: its lines (a smoothed line over its faint raw one, and the band of
 * decimated points), its legend, zoom, and PNG export. Zooming asks the host for the window at
 * full fidelity; until "Follow" (or a double-click) the chart keeps that x range while points arrive.
 */
import uPlot from 'uplot';
import type { WindowSeries, XKind } from '../core/protocol/batch';
import type { HeldSeries } from './heldSeries';
import { aligned, bandsShown, forScales, heldColumns, windowColumns, yColumns, type LineColumns } from './plotData';
import { chooseLines, type Choice } from './sameMetric';
import { readout, tickLabels } from './ticks';
import { drawable, drawMarkers, markersOf, type Marker } from './yValues';
import { chartPng, cssVar, shownLegend } from './paint';
import { gridStroke, type LineStyle } from './colors';
import { Tooltip } from './tooltip';
import { smoothable } from './smoothing';
import { NO_MAPPING } from './epochSteps';
import { legendKeys, zoomKeys } from './keys';
import { chartNote, headButton, legendLabel, legendTitle, shownRange } from './chartParts';
import { lineSeries, type Role } from './chartSeries';
import { outlierFree, yControl, yRange, type YAxis } from './yRange';
import type { ViewOptions } from './view';

/** How a chart positions points: a series' own x kind, or time since the run began. */
export type AxisKind = XKind | 'relative';

export const isTimeAxis = (a: AxisKind) => a === 'relative' || a === 'wall';

export type Range = [number, number];

export interface ChartHooks {
  /** A legend click switched line `key` off or on (false for every key: "Show all"). */
  hidden(chart: Chart, keys: string[], hidden: boolean): void;
  exportPng(name: string, png: string): void;
  /** The user zoomed this chart to `range` of its axis, or reset it (undefined). */
  zoomed(chart: Chart, range: Range | undefined): void;
  /** Asks the host for `keys` in [x0, x1] (by x, or wall-clock seconds when `wall`); returns the request's id. */
  window(chart: Chart, keys: string[], x0: number, x1: number, buckets: number, wall: boolean): number;
  /** The user set this chart's y axis (yRange.ts). */
  yAxis(chart: Chart, axis: YAxis): void;
  /** The user chose to draw every file's line of a metric in this chart (or only the best one's). */
  allSources(chart: Chart, on: boolean): void;
  /** Whether the values of file `source` are stored as written, not rounded for print (sameMetric.ts). */
  exact(source: string): boolean;
  /** The drawn lines' colours and dashes (colors.ts: stable per metric, by run when runs are compared). */
  styles(lines: HeldSeries[]): LineStyle[];
  /** A line's file as its legend names it (an overlaid run's under the name the user gave it). */
  sourceText(line: HeldSeries): string;
}

const X_LABEL: Record<AxisKind, string> = { step: 'step', epoch: 'epoch', wall: 'time', index: 'update', relative: 'time (s)' };

export class Chart {
  readonly element: HTMLElement;
  readonly lines: HeldSeries[] = [];
  /** The lines drawn: one per metric (its best file) unless every file's line is asked for. */
  private drawn: HeldSeries[] = [];
  private choices = new Map<string, Choice>();
  private showAll = false;
  private readonly sources: HTMLButtonElement;
  /** Keys of the lines switched off in the legend (this chart's, for the run shown). */
  private hidden = new Set<string>();
  private readonly unhide: HTMLButtonElement;
  private plot: uPlot | undefined;
  private readonly body: HTMLElement;
  private readonly follow: HTMLButtonElement;
  /** Says why a chart by time is empty. */
  private readonly note: HTMLElement;
  /** Zoomed in: the x range, the window asked for, and (once it came) its series. */
  private zoom: { range: Range; id: number; series?: Map<string, WindowSeries> } | undefined;
  /** The series the plot was built with (smoothing and bands add series): a change needs a new uPlot. */
  private roles: Role[] = [];
  private layout = '';
  /** Seconds that count as zero on a relative-time axis (as last drawn). */
  private origin = 0;
  /** The power of ten the drawn y values were divided by (uPlot finds no ticks past about 1e16). */
  private yShift = 0;
  private yTicks = '';
  /** Where drawn lines became NaN or infinite (by index in `drawn`), and their colours as last built. */
  private markers: Array<Marker & { line: number }> = [];
  private markersText = '';
  private colors: string[] = [];
  private readonly hover = new Tooltip();
  private height = 180;
  /** Per-epoch lines drawn on this step chart, and how their epochs map to steps. */
  private readonly toStep = new Map<string, (e: Float64Array) => Float64Array>();
  private readonly epochNote: HTMLElement;
  /** Whether each drawn line is smoothed, as last drawn. */
  private smoothed: boolean[] = [];
  private yAxis: YAxis = { mode: 'auto' };
  /** The outlier-free y range of the last draw (when ignoring outliers). */
  private robust: [number, number] | undefined;
  private yControl: HTMLElement;

  constructor(
    /** Its group (groups.ts): what the run's UI state names it by. */
    readonly id: string,
    readonly title: string,
    readonly axis: AxisKind,
    private readonly hooks: ChartHooks,
  ) {
    this.element = document.createElement('section');
    this.element.className = 'chart';
    this.element.dataset.x = axis;
    const head = document.createElement('div');
    head.className = 'chart-head';
    const name = document.createElement('h3');
    name.textContent = axis === 'step' || isTimeAxis(axis) ? title : `${title} (by ${X_LABEL[axis]})`;
    const follows = 'Zoomed in: new points do not move this chart. Follow the live edge again (or double-click the chart).';
    this.follow = headButton('follow', 'Follow', follows, () => hooks.zoomed(this, undefined), true);
    const save = headButton('save-png', 'PNG', 'Save this chart as a PNG image', () => {
      const canvas = this.plot?.root.querySelector('canvas');
      const run = document.querySelector('.run-title')?.textContent ?? '';
      const png = canvas && chartPng(canvas, name.textContent ?? this.title, run, this.plot ? shownLegend(this.plot.root) : []);
      if (png) hooks.exportPng(name.textContent ?? this.title, png);
    });
    this.sources = headButton('all-sources', '', '', () => hooks.allSources(this, !this.showAll), true);
    this.unhide = headButton('show-all', '', 'Draw every line the legend switched off', () => hooks.hidden(this, [...this.hidden], false), true);
    this.yControl = yControl(this.yAxis, (a) => hooks.yAxis(this, a));
    head.append(name, this.sources, this.unhide, this.follow, this.yControl, save);
    this.body = document.createElement('div');
    this.body.className = 'chart-body';
    this.note = chartNote(
      'chart-note',
      'No wall-clock times are known for these points: they were already in the files when the monitor began to follow them.',
    );
    this.epochNote = chartNote('chart-note epoch-note', NO_MAPPING);
    this.element.append(head, this.note, this.epochNote, this.body);
    zoomKeys(
      this.body,
      name.textContent ?? title,
      () => this.zoom?.range ?? shownRange(this.plot),
      (r) => hooks.zoomed(this, r),
    );
  }

  /** Draws every file's line of a metric (on), or only the best file's. */
  setShowAll(on: boolean): void {
    this.showAll = on;
  }

  /** The lines switched off (set for the run shown); the next draw makes a new uPlot. */
  setHidden(keys: Set<string>): void {
    this.hidden = keys;
    this.rebuild();
  }

  /** This chart's y axis (kept by the page); the control shows it (`control`: false when the change came from it). */
  setYAxis(axis: YAxis, control = true): void {
    const same = JSON.stringify(axis) === JSON.stringify(this.yAxis);
    this.yAxis = axis;
    if (same || !control) {
      if (!same) this.rebuild();
      return;
    }
    const fresh = yControl(axis, (a) => this.hooks.yAxis(this, a));
    this.yControl.replaceWith(fresh);
    this.yControl = fresh;
    this.rebuild();
  }

  /** Says (on a per-epoch chart beside step charts) that its epochs could not be placed at steps. */
  unmapped(on: boolean): void {
    if (this.epochNote.hidden === on) this.epochNote.hidden = !on;
  }

  get zoomed(): boolean {
    return this.zoom !== undefined;
  }

  /** `toStep`: for a per-epoch line on a step chart, where its epochs lie in steps (epochSteps.ts). */
  add(line: HeldSeries, toStep?: (e: Float64Array) => Float64Array): void {
    if (this.lines.includes(line)) return;
    this.lines.push(line);
    if (toStep) this.toStep.set(line.key, toStep);
    this.rebuild(); // a new line needs a new uPlot
  }

  /** Options changed (smoothing, log scale, theme): the next draw makes a new uPlot. */
  rebuild(): void {
    this.plot?.destroy();
    this.plot = undefined;
  }

  /**
   * Zooms to `range` (asking the host for that window at full fidelity), or back to following the
   * live edge. Every chart on an axis zooms together.
   */
  zoomTo(range: Range | undefined): void {
    this.follow.hidden = !range;
    this.element.classList.toggle('zoomed', !!range);
    if (!range) {
      this.zoom = undefined;
      return;
    }
    const wall = isTimeAxis(this.axis);
    const shift = this.axis === 'relative' ? this.origin : 0;
    const buckets = Math.max(100, Math.round((this.plot?.bbox.width ?? 800) / devicePixelRatio));
    const keys = this.lines.filter((l) => !this.toStep.has(l.key)).map((l) => l.key); // per-epoch lines stay as held
    this.zoom = { range, id: this.hooks.window(this, keys, range[0] + shift, range[1] + shift, buckets, wall) };
  }

  /** The host's answer to a window this chart asked for; false when it is no longer wanted. */
  showWindow(id: number, series: WindowSeries[]): boolean {
    if (this.zoom?.id !== id) return false;
    this.zoom.series = new Map(series.map((s) => [s.key, s]));
    return true;
  }

  /** Draws at `width` × `height` CSS pixels (the plot's; the legend comes under it). */
  draw(width: number, height: number, view: ViewOptions, origin: number): void {
    this.origin = origin;
    this.height = height;
    this.choose();
    const cols = this.drawn.map((l, i) => this.columns(l, i, view, origin));
    const banded = this.bands(cols, width, view);
    const styles = this.hooks.styles(this.drawn);
    const look = styles.map((st) => (st.dash ? `${st.color} ${st.dash.join(' ')}` : st.color)).join(';');
    // which lines are drawn smoothed (over a faint raw twin): the dense ones (smoothing.ts)
    this.smoothed = cols.map((c) => c.raw !== undefined);
    const layout = `${this.smoothed.join()}|${banded.join()}|${this.drawn.map((l) => l.key).join('\u0000')}|${look}`;
    if (layout !== this.layout) this.rebuild();
    const ready = drawable(aligned(cols.map((c, i) => [c.x, ...yColumns(c, banded[i])])), view.logY);
    let data = ready.data;
    this.yShift = ready.shift;
    this.robust = undefined;
    if (this.yAxis.mode === 'outliers' && !view.logY) ({ data, robust: this.robust } = outlierFree(data, banded, this.smoothed));
    this.describeMarkers();
    this.note.hidden = !(isTimeAxis(this.axis) && data[0].length === 0);
    const range = this.zoom?.range;
    if (!this.plot) {
      this.layout = layout;
      this.plot = new uPlot(this.options(width, view, banded, styles), data, this.body);
      this.plot.over.append(this.hover.element);
      this.plot.over.addEventListener('mouseleave', () => this.hover.hide());
      this.element.dataset.styles = look;
      this.labelLegendRows();
      legendKeys(this.plot, this.plot.root.querySelectorAll<HTMLElement>('.u-legend .u-series'), (i) => this.roles[i - 1]?.part === 'main');
      this.countHidden();
      this.plot.over.addEventListener('dblclick', () => this.hooks.zoomed(this, undefined));
      if (range) this.plot.setScale('x', { min: range[0], max: range[1] });
      return;
    }
    const plot = this.plot;
    plot.batch(() => {
      if (plot.width !== width || plot.height !== height) plot.setSize({ width, height });
      plot.setData(data, !range);
      // the y range follows what the zoomed x range shows
      if (range) plot.setScale('x', { min: range[0], max: range[1] });
    });
  }

  /** The y axis' labels, as values (shift undone); kept on the element for whoever reads the chart. */
  private yLabels(splits: number[]): string[] {
    const f = 10 ** this.yShift;
    const labels = tickLabels(this.yShift ? splits.map((v) => v * f) : splits);
    const text = labels.join(' ');
    if (text !== this.yTicks) this.element.dataset.yTicks = this.yTicks = text;
    return labels;
  }

  matches(test: (text: string) => boolean): boolean {
    return test(this.title) || this.lines.some((l) => test(l.name));
  }

  destroy(): void {
    this.plot?.destroy();
    this.element.remove();
  }

  /** Which lines to draw (sameMetric.ts), and the control that draws the others. */
  private choose(): void {
    this.choices = chooseLines(this.lines.map((l) => ({ key: l.key, name: l.name, source: l.source, points: l.length, exact: this.hooks.exact(l.source) })));
    // the copies after the best lines, which so keep their colours
    const best = this.lines.filter((l) => this.choices.get(l.key)!.primary);
    const copies = this.lines.length - best.length;
    this.drawn = this.showAll ? [...best, ...this.lines.filter((l) => !best.includes(l))] : best;
    const text = copies === 0 ? '' : this.showAll ? 'Best file only' : `+${copies} from other files`;
    if (text === this.sources.textContent) return; // each frame: touch the DOM only on a change
    this.sources.hidden = !text;
    this.sources.textContent = text;
    this.sources.title = this.showAll
      ? 'Draw each metric once, from the file that keeps the most exact values'
      : "These metrics are also in other files of this run: draw every file's line";
    this.sources.setAttribute('aria-pressed', String(this.showAll));
  }

  /** "Show all", while the legend has lines switched off. */
  private countHidden(): void {
    const n = this.drawn.filter((l) => this.hidden.has(l.key)).length;
    this.unhide.hidden = n === 0;
    this.unhide.textContent = `Show all (${n} hidden)`;
  }

  /** Which lines get their band drawn: those whose decimated columns show wider than the line. */
  private bands(cols: LineColumns[], width: number, view: ViewOptions): boolean[] {
    const px = this.plot ? this.plot.bbox.width / devicePixelRatio : width;
    return bandsShown(cols, this.zoom?.range, px, view.logX && !isTimeAxis(this.axis));
  }

  /**
   * A line's columns: from the zoom window when one came for it, else as held. Its markers are
   * found first: a log scale's cut (values ≤ 0) is no NaN.
   */
  private columns(l: HeldSeries, index: number, view: ViewOptions, origin: number): LineColumns {
    const w = this.zoom?.series?.get(l.key);
    const toStep = this.toStep.get(l.key);
    const held = (): LineColumns => {
      const h = heldColumns(l, view, isTimeAxis(this.axis), origin);
      return toStep ? { ...h, x: toStep(h.x) } : h;
    };
    const c = w ? windowColumns(w, view, this.axis === 'relative' ? origin : 0, smoothable(l.y, l.length)) : held();
    if (index === 0) this.markers = [];
    for (const m of markersOf(c.x, c.raw ?? c.main)) this.markers.push({ ...m, line: index });
    return forScales(c, view.logX && !isTimeAxis(this.axis), view.logY);
  }

  /** The markers in words, on the element (`loss: NaN at step 61`), for whoever reads the chart. */
  private describeMarkers(): void {
    const text = this.markers.map((m) => `${this.drawn[m.line].name}: ${m.kind} at ${X_LABEL[this.axis]} ${m.x}`).join('; ');
    if (text === this.markersText) return;
    this.markersText = text;
    if (text) this.element.dataset.markers = text;
    else delete this.element.dataset.markers;
  }

  private options(width: number, view: ViewOptions, banded: boolean[], styles: LineStyle[]): uPlot.Options {
    const fg = cssVar('--vscode-foreground', '#ccc');
    const grid = gridStroke();
    const font = `11px ${cssVar('--vscode-font-family', 'sans-serif')}`;
    const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, font };
    const value = (v: number | null | undefined) => readout(v == null ? v : v * 10 ** this.yShift, uPlot.fmtNum);
    const look = { styles, smoothed: this.smoothed, banded, hidden: this.hidden };
    const { series, bands, roles, colors } = lineSeries(
      X_LABEL[this.axis],
      this.drawn,
      look,
      (l) => legendLabel(l, this.drawn, this.choices, this.hooks.sourceText),
      value,
    );
    [this.roles, this.colors] = [roles, colors];
    const native = !isTimeAxis(this.axis);
    return {
      width,
      height: this.height,
      legend: { show: true },
      cursor: { sync: { key: `training-monitor-${this.axis}` } },
      scales: {
        x: { time: this.axis === 'wall', ...(native && view.logX && { distr: 3 }) },
        y: view.logY ? { distr: 3 } : { range: (_u, min, max) => yRange(this.yAxis, min, max, this.yShift, this.robust) },
      },
      axes: [
        // the x axis and its name in 44 px (uPlot's default 80 left a short panel no plot)
        {
          ...axis,
          label: X_LABEL[this.axis],
          labelFont: font,
          size: 28,
          labelSize: 16,
          labelGap: 0,
          ...(native && { values: (_u: uPlot, splits: number[]) => tickLabels(splits) }),
        },
        // as wide as its longest label (`-2.5e+63` does not fit uPlot's fixed 50 px)
        {
          ...axis,
          values: (_u, splits) => this.yLabels(splits),
          size: (_u, values) => Math.max(40, 20 + 7 * Math.max(0, ...(values ?? []).map((v) => v.length))),
        },
      ],
      series,
      bands,
      hooks: {
        setCursor: [(u) => this.showTooltip(u)],
        // over the lines: where a shown line became NaN or infinite
        draw: [
          (u) => {
            const shown = (m: { line: number }) => this.roles.some((r, j) => r.line === m.line && r.part === 'main' && u.series[j + 1].show !== false);
            drawMarkers(
              u,
              this.markers.filter(shown).map((m) => ({ ...m, color: this.colors[m.line] })),
              font,
            );
          },
        ],
        setSelect: [
          (u) => {
            if (u.select.width <= 0) return;
            const range: Range = [u.posToVal(u.select.left, 'x'), u.posToVal(u.select.left + u.select.width, 'x')];
            // uPlot reports a drag's selection again as it applies it
            if (this.zoom?.range[0] !== range[0] || this.zoom.range[1] !== range[1]) this.hooks.zoomed(this, range);
          },
        ],
        // A legend click toggles a line, with its raw twin and band; the choice is remembered.
        setSeries: [
          (u, i) => {
            if (i === null || i === 0) return;
            const role = this.roles[i - 1];
            const show = u.series[i].show !== false;
            this.roles.forEach((r, j) => r.line === role.line && j !== i - 1 && u.series[j + 1].show !== show && u.setSeries(j + 1, { show }));
            this.hooks.hidden(this, [this.drawn[role.line].key], !show);
            this.countHidden();
          },
        ],
      },
    };
  }

  /** The values under the cursor, highest first (tooltip.ts). */
  private showTooltip(u: uPlot): void {
    const value = (v: number) => readout(v * 10 ** this.yShift, uPlot.fmtNum) ?? '';
    const xText = (x: number) => (this.axis === 'wall' ? new Date(x * 1000).toLocaleString() : `${X_LABEL[this.axis]} ${readout(x, uPlot.fmtNum)}`);
    this.hover.at(u, xText, (i) => this.roles[i - 1]?.part === 'main', value);
  }

  /**
   * The legend lists each line once (the faint raw lines and the band edges stay out of it), and
   * each row's tooltip says where else its metric appears.
   */
  private labelLegendRows(): void {
    const rows = this.plot!.root.querySelectorAll<HTMLElement>('.u-legend .u-series');
    rows.forEach((row, i) => {
      if (i === 0) return;
      const role = this.roles[i - 1];
      if (role.part !== 'main') row.classList.add('raw');
      else row.title = legendTitle(this.drawn[role.line], this.drawn, this.choices, this.hooks.exact);
    });
  }
}
