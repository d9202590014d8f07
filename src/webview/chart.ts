/**
 * One uPlot chart of the grid: its lines (a smoothed line over its faint raw one, and the band of
 * decimated points), its legend, zoom, and PNG export. Zooming asks the host for the window at
 * full fidelity; until "Follow" (or a double-click) the chart keeps that x range while points arrive.
 */
import uPlot from 'uplot';
import type { WindowSeries, XKind } from '../core/protocol/batch';
import type { Line } from './lines';
import { aligned, bandShows, forScales, heldColumns, windowColumns, yColumns, type LineColumns } from './plotData';
import { chooseLines, type Choice } from './sameMetric';
import { readout, tickLabels } from './ticks';
import { drawable, drawMarkers, markersOf, type Marker } from './yValues';
import { chartPng, cssVar, faint } from './paint';
import { gridStroke, type LineStyle } from './colors';
import { rowsAt, Tooltip } from './tooltip';
import { smoothable } from './smoothing';
import { NO_MAPPING } from './epochSteps';
import { legendKeys, zoomKeys } from './keys';
import { clampTo, robustRange, yControl, yRange, type YAxis } from './yRange';
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
  styles(lines: Line[]): LineStyle[];
  /** A line's file as its legend names it (an overlaid run's under the name the user gave it). */
  sourceText(line: Line): string;
}

const X_LABEL: Record<AxisKind, string> = { step: 'step', epoch: 'epoch', wall: 'time', index: 'update', relative: 'time (s)' };


/** What each uPlot series (after x) draws: which line, and which of its columns. */
interface Role {
  line: number;
  part: 'raw' | 'main' | 'lo' | 'hi';
}

export class Chart {
  readonly element: HTMLElement;
  readonly lines: Line[] = [];
  /** The lines drawn: one per metric (its best file) unless every file's line is asked for. */
  private drawn: Line[] = [];
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
    this.follow = document.createElement('button');
    this.follow.className = 'follow';
    this.follow.textContent = 'Follow';
    this.follow.title = 'Zoomed in: new points do not move this chart. Follow the live edge again (or double-click the chart).';
    this.follow.hidden = true;
    this.follow.addEventListener('click', () => hooks.zoomed(this, undefined));
    const save = document.createElement('button');
    save.className = 'save-png';
    save.textContent = 'PNG';
    save.title = 'Save this chart as a PNG image';
    save.addEventListener('click', () => {
      const canvas = this.plot?.root.querySelector('canvas');
      const png = canvas && chartPng(canvas, name.textContent ?? this.title);
      if (png) hooks.exportPng(name.textContent ?? this.title, png);
    });
    this.sources = document.createElement('button');
    this.sources.className = 'all-sources';
    this.sources.hidden = true;
    this.sources.addEventListener('click', () => hooks.allSources(this, !this.showAll));
    this.unhide = document.createElement('button');
    this.unhide.className = 'show-all';
    this.unhide.hidden = true;
    this.unhide.title = 'Draw every line the legend switched off';
    this.unhide.addEventListener('click', () => hooks.hidden(this, [...this.hidden], false));
    this.yControl = yControl(this.yAxis, (a) => hooks.yAxis(this, a));
    head.append(name, this.sources, this.unhide, this.follow, this.yControl, save);
    this.body = document.createElement('div');
    this.body.className = 'chart-body';
    this.note = document.createElement('p');
    this.note.className = 'chart-note';
    this.note.textContent = 'No wall-clock times are known for these points: they were already in the files when the monitor began to follow them.';
    this.note.hidden = true;
    this.epochNote = document.createElement('p');
    this.epochNote.className = 'chart-note epoch-note';
    this.epochNote.textContent = NO_MAPPING;
    this.epochNote.hidden = true;
    this.element.append(head, this.note, this.epochNote, this.body);
    zoomKeys(this.body, name.textContent ?? title, () => this.zoom?.range ?? this.shownRange(), (r) => hooks.zoomed(this, r));
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

  /** The x range the plot shows now. */
  private shownRange(): Range | undefined {
    const x = this.plot?.scales.x;
    return x && x.min != null && x.max != null && x.max > x.min ? [x.min, x.max] : undefined;
  }

  get zoomed(): boolean {
    return this.zoom !== undefined;
  }

  /** `toStep`: for a per-epoch line on a step chart, where its epochs lie in steps (epochSteps.ts). */
  add(line: Line, toStep?: (e: Float64Array) => Float64Array): void {
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
    if (this.yAxis.mode === 'outliers' && !view.logY) {
      // over the lines, not their bands; what lies outside is drawn at the edge
      const parts: Array<Role['part']> = [];
      banded.forEach((b, i) => parts.push(...(this.smoothed[i] ? ['raw' as const] : []), 'main', ...(b ? ['lo' as const, 'hi' as const] : [])));
      const main = (c: number) => parts[c - 1] === 'main' || parts[c - 1] === 'raw';
      this.robust = robustRange(data.filter((_, c) => c > 0 && main(c)));
      if (this.robust) data = clampTo(data, this.robust, main);
    }
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
      : 'These metrics are also in other files of this run: draw every file\'s line';
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
    let [x0, x1] = this.zoom?.range ?? [Infinity, -Infinity];
    if (!this.zoom) {
      for (const c of cols) {
        if (!c.x.length) continue;
        x0 = Math.min(x0, c.x[0]);
        x1 = Math.max(x1, c.x[c.x.length - 1]);
      }
    }
    const px = this.plot ? this.plot.bbox.width / devicePixelRatio : width;
    return cols.map((c) => bandShows(c, x0, x1, px, view.logX && !isTimeAxis(this.axis)));
  }

  /**
   * A line's columns: from the zoom window when one came for it, else as held. Its markers are
   * found first: a log scale's cut (values ≤ 0) is no NaN.
   */
  private columns(l: Line, index: number, view: ViewOptions, origin: number): LineColumns {
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

  private label(l: Line): string {
    const drawnKeys = new Set(this.drawn.map((o) => o.key));
    const twin = this.drawn.some((o) => o !== l && o.name === l.name) || this.choices.get(l.key)?.others.some((o) => drawnKeys.has(o.key));
    return twin ? `${l.name} · ${this.hooks.sourceText(l)}` : l.name;
  }

  /** A legend row's tooltip: the line's file, and the other files its metric is in. */
  private tooltip(l: Line): string {
    const others = this.choices.get(l.key)?.others ?? [];
    const from = `${l.name} from ${l.source}`;
    if (!others.length) return from;
    const drawnKeys = new Set(this.drawn.map((o) => o.key));
    const kind = (c: { exact: boolean }) => (c.exact ? 'stored values' : 'printed, rounded');
    const also = others.map((o) => `${o.source} as ${o.name} (${kind(o)}${drawnKeys.has(o.key) ? '' : ', not drawn'})`);
    return `${from} (${kind({ exact: this.hooks.exact(l.source) })}).\nAlso in ${also.join(', ')}.`;
  }

  private options(width: number, view: ViewOptions, banded: boolean[], styles: LineStyle[]): uPlot.Options {
    const fg = cssVar('--vscode-foreground', '#ccc');
    const grid = gridStroke();
    const font = `11px ${cssVar('--vscode-font-family', 'sans-serif')}`;
    const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, font };
    const series: uPlot.Series[] = [{ label: X_LABEL[this.axis] }];
    const bands: uPlot.Band[] = [];
    this.roles = [];
    this.colors = [];
    this.drawn.forEach((l, i) => {
      const { color, dash, width: stroke } = styles[i];
      this.colors.push(color);
      const show = !this.hidden.has(l.key);
      const line = { spanGaps: true, points: { show: false }, show, ...(dash && { dash }) };
      const add = (part: Role['part'], s: uPlot.Series) => {
        series.push({ ...line, ...s });
        this.roles.push({ line: i, part });
        return series.length - 1;
      };
      if (this.smoothed[i]) add('raw', { label: `${this.label(l)} (raw)`, stroke: faint(color, 0.3), width: 1 });
      // uPlot's default marks a line's points while they are sparse, so a lone point (the first
      // epoch's value) shows; the faint raw line and the band's edges never mark theirs
      add('main', { label: this.label(l), stroke: color, width: stroke, points: { fill: color }, value: (_u, v) => readout(v == null ? v : v * 10 ** this.yShift, uPlot.fmtNum) });
      if (banded[i]) {
        // the lowest and highest value each decimated point stands for, filled between
        const lo = add('lo', { label: `${this.label(l)} (min)`, stroke: 'transparent', width: 0 });
        const hi = add('hi', { label: `${this.label(l)} (max)`, stroke: 'transparent', width: 0 });
        bands.push({ series: [hi, lo], fill: faint(color, 0.2) });
      }
    });
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
        { ...axis, label: X_LABEL[this.axis], labelFont: font, size: 28, labelSize: 16, labelGap: 0, ...(native && { values: (_u: uPlot, splits: number[]) => tickLabels(splits) }) },
        // as wide as its longest label (`-2.5e+63` does not fit uPlot's fixed 50 px)
        { ...axis, values: (_u, splits) => this.yLabels(splits), size: (_u, values) => Math.max(40, 20 + 7 * Math.max(0, ...(values ?? []).map((v) => v.length))) },
      ],
      series,
      bands,
      hooks: {
        setCursor: [(u) => this.showTooltip(u)],
        // over the lines: where a shown line became NaN or infinite
        draw: [
          (u) => {
            const shown = (m: { line: number }) => this.roles.some((r, j) => r.line === m.line && r.part === 'main' && u.series[j + 1].show !== false);
            drawMarkers(u, this.markers.filter(shown).map((m) => ({ ...m, color: this.colors[m.line] })), font);
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
    const { idx, left, top } = u.cursor;
    if (idx == null || left == null || left < 0 || top == null) {
      this.hover.hide();
      return;
    }
    const value = (v: number) => readout(v * 10 ** this.yShift, uPlot.fmtNum) ?? '';
    const x = u.data[0][idx];
    const xText = this.axis === 'wall' ? new Date(x * 1000).toLocaleString() : `${X_LABEL[this.axis]} ${readout(x, uPlot.fmtNum)}`;
    const rows = rowsAt(u, idx, (i) => this.roles[i - 1]?.part === 'main', value);
    this.hover.show(xText, rows, left, top, u.over.clientWidth);
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
      else row.title = this.tooltip(this.drawn[role.line]);
    });
  }
}
