/**
 * The grid of uPlot charts. Series are grouped the way people read a training (groups.ts); each
 * source that reports a metric (stdout, metrics.csv) is its own line. By step, a chart holds one
 * x kind (a per-epoch CSV and per-step bars do not share an axis); by time, every series with
 * known wall-clock times shares one. A chart redraws at most once per animation frame however
 * many batches arrived, and a zoomed chart stops following the live edge until asked.
 */
import uPlot from 'uplot';
import type { SeriesDelta, XKind } from '../core/protocol/batch';
import { groupOf } from './groups';
import { Line } from './lines';

/** `native`: each series' own x (step, epoch or update count). */
export type XMode = 'native' | 'relative' | 'wall';

export interface ViewOptions {
  xMode: XMode;
  /** TensorBoard's smoothing weight, 0 (off) to 0.999. */
  smoothing: number;
  logY: boolean;
  /** Shows the charts whose title or series match: a substring, or a regex as `/…/`. */
  filter: string;
  /** Series keys switched off in a legend. */
  hidden: string[];
}

/** What the charts tell the page: a legend switched a line off or on, a chart is to be saved. */
export interface ChartEvents {
  hidden(keys: string[]): void;
  exportPng(name: string, png: string): void;
}

export const DEFAULT_VIEW: ViewOptions = { xMode: 'native', smoothing: 0, logY: false, filter: '', hidden: [] };

type AxisKind = XKind | 'relative';

const X_LABEL: Record<AxisKind, string> = { step: 'step', epoch: 'epoch', wall: 'time', index: 'update', relative: 'time (s)' };
const PALETTE = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-purple', '--vscode-charts-red', '--vscode-charts-yellow'];
const HEIGHT = 180;

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

/** A colour at `alpha`, for the raw line drawn faint behind its smoothed one. */
function faint(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{6})$/i.exec(color);
  if (!hex) return color;
  const n = parseInt(hex[1], 16);
  return `rgba(${n >> 16}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

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

/** Points of `line` positioned by wall-clock time (minus `origin`); unknown and out-of-order times are left out. */
function byTime(line: Line, y: Float64Array, origin: number): [Float64Array, Float64Array] {
  const xs = new Float64Array(line.length);
  const ys = new Float64Array(line.length);
  let n = 0;
  let prev = -Infinity;
  for (let i = 0; i < line.length; i++) {
    const t = line.wall[i];
    if (!(t >= prev)) continue; // NaN, or earlier than the point before
    prev = t;
    xs[n] = t - origin;
    ys[n++] = y[i];
  }
  return [xs.subarray(0, n), ys.subarray(0, n)];
}

class Chart {
  readonly element: HTMLElement;
  readonly lines: Line[] = [];
  private plot: uPlot | undefined;
  private readonly body: HTMLElement;
  private readonly follow: HTMLButtonElement;
  /** Says why a chart by time is empty. */
  private readonly note: HTMLElement;
  /** The user zoomed in: new data no longer moves the x range. */
  private zoomed = false;

  constructor(
    readonly title: string,
    readonly axis: AxisKind,
    private readonly onHidden: (key: string, hidden: boolean) => void,
    onExport: (name: string, png: string) => void,
  ) {
    this.element = document.createElement('section');
    this.element.className = 'chart';
    this.element.dataset.x = axis;
    const head = document.createElement('div');
    head.className = 'chart-head';
    const name = document.createElement('h3');
    name.textContent = axis === 'step' || axis === 'relative' || axis === 'wall' ? title : `${title} (by ${X_LABEL[axis]})`;
    this.follow = document.createElement('button');
    this.follow.className = 'follow';
    this.follow.textContent = 'Follow';
    this.follow.title = 'Zoomed in: new points do not move this chart. Follow the live edge again (or double-click the chart).';
    this.follow.hidden = true;
    this.follow.addEventListener('click', () => this.unzoom());
    const save = document.createElement('button');
    save.className = 'save-png';
    save.textContent = 'PNG';
    save.title = 'Save this chart as a PNG image';
    save.addEventListener('click', () => {
      const png = this.png(name.textContent ?? this.title);
      if (png) onExport(name.textContent ?? this.title, png);
    });
    head.append(name, this.follow, save);
    this.body = document.createElement('div');
    this.note = document.createElement('p');
    this.note.className = 'chart-note';
    this.note.textContent = 'No wall-clock times are known for these points: they were already in the files when the monitor began to follow them.';
    this.note.hidden = true;
    this.element.append(head, this.note, this.body);
  }

  add(line: Line): void {
    if (this.lines.includes(line)) return;
    this.lines.push(line);
    this.rebuild(); // a new line needs a new uPlot
  }

  /** Options changed (smoothing, log scale, theme): the next draw makes a new uPlot. */
  rebuild(): void {
    this.plot?.destroy();
    this.plot = undefined;
  }

  draw(width: number, view: ViewOptions, origin: number): void {
    const data = this.data(view, origin);
    this.note.hidden = !((this.axis === 'relative' || this.axis === 'wall') && data[0].length === 0);
    if (!this.plot) {
      this.plot = new uPlot(this.options(width, view), data, this.body);
      this.hideRawLegend(view);
      this.plot.over.addEventListener('dblclick', () => this.setZoomed(false));
    } else {
      if (this.plot.width !== width) this.plot.setSize({ width, height: HEIGHT });
      this.plot.setData(data, !this.zoomed);
    }
  }

  /** The chart as drawn, under its title, on the theme's background: a `data:` URL. */
  private png(title: string): string | undefined {
    const plotCanvas = this.plot?.root.querySelector('canvas');
    if (!plotCanvas) return undefined;
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

  matches(test: (text: string) => boolean): boolean {
    return test(this.title) || this.lines.some((l) => test(l.name));
  }

  destroy(): void {
    this.plot?.destroy();
    this.element.remove();
  }

  private unzoom(): void {
    this.setZoomed(false);
    if (this.plot) this.plot.setData(this.plot.data, true);
  }

  private setZoomed(zoomed: boolean): void {
    this.zoomed = zoomed;
    this.follow.hidden = !zoomed;
    this.element.classList.toggle('zoomed', zoomed);
  }

  private data(view: ViewOptions, origin: number): uPlot.AlignedData {
    const cols: uPlot.AlignedData[] = [];
    for (const l of this.lines) {
      const raw = l.y.subarray(0, l.length);
      const ys = view.smoothing > 0 ? [raw, l.smoothY(view.smoothing)] : [raw];
      for (const y of ys) {
        const shown = view.logY ? y.map((v) => (v > 0 ? v : NaN)) : y;
        cols.push(this.axis === 'relative' || this.axis === 'wall' ? byTime(l, shown, origin) : [l.x.subarray(0, l.length), shown]);
      }
    }
    return cols.length === 1 ? cols[0] : uPlot.join(cols);
  }

  private label(l: Line): string {
    const sameName = this.lines.filter((o) => o.name === l.name).length > 1;
    return sameName ? `${l.name} · ${l.source}` : l.name;
  }

  private options(width: number, view: ViewOptions): uPlot.Options {
    const fg = cssVar('--vscode-foreground', '#ccc');
    const grid = cssVar('--vscode-editorWidget-border', 'rgba(128,128,128,0.25)');
    const font = `11px ${cssVar('--vscode-font-family', 'sans-serif')}`;
    const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, font };
    const hidden = new Set(view.hidden);
    const series: uPlot.Series[] = [{ label: X_LABEL[this.axis] }];
    this.lines.forEach((l, i) => {
      const color = cssVar(PALETTE[i % PALETTE.length], '#3794ff');
      const show = !hidden.has(l.key);
      if (view.smoothing > 0) series.push({ label: `${this.label(l)} (raw)`, stroke: faint(color, 0.3), width: 1, spanGaps: true, points: { show: false }, show });
      series.push({ label: this.label(l), stroke: color, width: 1.5, spanGaps: true, points: { show: false }, show });
    });
    const perLine = view.smoothing > 0 ? 2 : 1;
    return {
      width,
      height: HEIGHT,
      legend: { show: true },
      cursor: { sync: { key: `training-monitor-${this.axis}` } },
      scales: { x: { time: this.axis === 'wall' }, y: view.logY ? { distr: 3 } : {} },
      axes: [{ ...axis, label: X_LABEL[this.axis], labelFont: font }, axis],
      series,
      hooks: {
        setSelect: [(u) => u.select.width > 0 && this.setZoomed(true)],
        // A legend click toggles a line: its raw twin follows, and the choice is remembered.
        setSeries: [
          (u, i) => {
            if (i === null || i === 0) return;
            const line = this.lines[Math.floor((i - 1) / perLine)];
            const show = u.series[i].show !== false;
            if (perLine === 2 && (i - 1) % 2 === 1 && u.series[i - 1].show !== show) u.setSeries(i - 1, { show });
            this.onHidden(line.key, !show);
          },
        ],
      },
    };
  }

  /** The faint raw lines stay out of the legend: it lists each series once. */
  private hideRawLegend(view: ViewOptions): void {
    if (!(view.smoothing > 0) || !this.plot) return;
    const rows = this.plot.root.querySelectorAll<HTMLElement>('.u-legend .u-series');
    rows.forEach((row, i) => i > 0 && i % 2 === 1 && row.classList.add('raw'));
  }
}

export class Charts {
  readonly element: HTMLElement;
  private readonly grid: HTMLElement;
  private readonly lines = new Map<string, { line: Line; xKind: XKind }>();
  private readonly charts = new Map<string, Chart>();
  private readonly dirty = new Set<Chart>();
  private frame = 0;
  private readonly empty: HTMLElement;
  private view: ViewOptions = DEFAULT_VIEW;

  constructor(private readonly events: ChartEvents) {
    this.element = document.createElement('div');
    this.element.className = 'charts-area';
    this.empty = document.createElement('p');
    this.empty.className = 'empty';
    this.empty.textContent = 'No metrics yet. Charts appear as soon as the training prints or logs one.';
    this.grid = document.createElement('div');
    this.grid.className = 'charts';
    this.element.append(this.empty, this.grid);
    new ResizeObserver(() => this.redrawAll()).observe(this.grid);
    // VS Code changes the theme by swapping the body's class and the variables on <html>: recolour live.
    const theme = new MutationObserver(() => this.rebuildAll());
    theme.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
    theme.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
  }

  add(deltas: SeriesDelta[]): void {
    for (const d of deltas) {
      let entry = this.lines.get(d.key);
      if (!entry) {
        entry = { line: new Line(d.key, d.name, d.source), xKind: d.xKind };
        this.lines.set(d.key, entry);
        this.place(entry.line, entry.xKind);
      }
      entry.line.add(d);
      for (const c of this.charts.values()) if (c.lines.includes(entry.line)) this.dirty.add(c);
    }
    this.schedule();
  }

  /** New view options: lines are placed again (the x mode decides the charts) and every chart redrawn. */
  setView(view: ViewOptions): void {
    const regroup = view.xMode !== this.view.xMode;
    this.view = view;
    if (regroup) {
      for (const c of this.charts.values()) c.destroy();
      this.charts.clear();
      for (const { line, xKind } of this.lines.values()) this.place(line, xKind);
    }
    const test = matcher(view.filter);
    for (const c of this.charts.values()) c.element.hidden = !!view.filter.trim() && !c.matches(test);
    this.rebuildAll();
  }

  clear(): void {
    for (const c of this.charts.values()) c.destroy();
    this.charts.clear();
    this.lines.clear();
    this.dirty.clear();
    this.empty.hidden = false;
  }

  private place(line: Line, xKind: XKind): void {
    const group = groupOf(line.name);
    const axis: AxisKind = this.view.xMode === 'native' ? xKind : this.view.xMode;
    const key = `${group.id}\u0000${axis}`;
    let chart = this.charts.get(key);
    if (!chart) {
      chart = new Chart(group.title, axis, (k, hidden) => {
        const set = new Set(this.view.hidden);
        if (hidden) set.add(k);
        else set.delete(k);
        this.view = { ...this.view, hidden: [...set] };
        this.events.hidden(this.view.hidden);
      }, this.events.exportPng);
      chart.element.dataset.metric = group.title;
      this.charts.set(key, chart);
      this.grid.append(chart.element);
      this.empty.hidden = true;
    }
    chart.add(line);
    if (this.view.filter.trim()) chart.element.hidden = !chart.matches(matcher(this.view.filter));
    this.dirty.add(chart);
  }

  /** The run's first known wall-clock time: relative time counts from it. */
  private origin(): number {
    let t = Infinity;
    for (const { line } of this.lines.values()) {
      for (let i = 0; i < line.length; i++) {
        if (line.wall[i] === line.wall[i]) {
          t = Math.min(t, line.wall[i]);
          break;
        }
      }
    }
    return Number.isFinite(t) ? t : 0;
  }

  private rebuildAll(): void {
    for (const c of this.charts.values()) {
      c.rebuild();
      this.dirty.add(c);
    }
    this.schedule();
  }

  private redrawAll(): void {
    for (const c of this.charts.values()) this.dirty.add(c);
    this.schedule();
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      const total = this.grid.clientWidth;
      const width = Math.max(200, Math.floor(total / Math.max(1, Math.floor(total / 420))) - 16);
      const origin = this.view.xMode === 'relative' ? this.origin() : 0;
      for (const c of this.dirty) if (!c.element.hidden) c.draw(width, this.view, origin);
      this.dirty.clear();
    });
  }
}
