/**
 * The grid of charts. Series are grouped the way people read a training (groups.ts); each source
 * that reports a metric (stdout, metrics.csv) is its own line, and a metric several files report
 * is drawn once, from its most exact file, unless the user asks for all (sameMetric.ts). By step, a chart holds one x kind
 * (a per-epoch CSV and per-step bars do not share an axis); by time, every series with known
 * wall-clock times shares one. A chart redraws at most once per animation frame however many
 * batches arrived. Zoom is shared by the charts of an axis: zooming one zooms them all.
 */
import type { SeriesDelta, WindowSeries, XKind } from '../core/protocol/batch';
import { Chart, type AxisKind, type ChartHooks, type Range } from './chart';
import { groupOf } from './groups';
import { HeldSeries } from './heldSeries';
import { fullPrecision, isAxisCounter, metricId, runOf, storesNumbers } from './sameMetric';
import { DEFAULT_VIEW, matcher, type ViewOptions } from './view';
import { RunLook, type Look } from './runLook';
import type { YAxis } from './yRange';
import { Sections, sectionOf } from './sections';
import { Summary, summarised } from './summary';
import { EpochSteps } from './epochSteps';

/** What the charts tell the page. */
export interface ChartEvents {
  /** A legend switched lines off or on: the keys now hidden, by chart (group id), for the run shown. */
  hidden(hidden: Record<string, string[]>): void;
  /** The zoomed axes changed (kept with the view, so a reload restores them). */
  zoomed(zoom: ViewOptions['zoom']): void;
  exportPng(name: string, png: string): void;
  /** A zoomed chart wants a window at full fidelity from the host. */
  window(req: { keys: string[]; x0: number; x1: number; buckets: number; axis: 'x' | 'wall' }): Promise<WindowSeries[]>;
  /** The charts (by group id) that draw every file's line of a metric, for the run shown. */
  allSources(groups: string[]): void;
  /** The user set chart `id`'s y axis (kept in the UI state for every run). */
  yAxes(axes: Record<string, YAxis>): void;
  /** The sections collapsed (by name). */
  collapsed(names: string[]): void;
  /** A metric or run was given its colour (kept in the UI state, so a reload keeps it). */
  colored(): void;
}

/** A chart's lowest plot, and what a short panel keeps for the header, toolbar, title and legend. */
const SHORT_MIN = 80;
const SHORT_CHROME = 100;

export class Charts {
  readonly element: HTMLElement;
  private readonly grid: HTMLElement;
  private readonly lines = new Map<string, { line: HeldSeries; xKind: XKind }>();
  private readonly charts = new Map<string, Chart>();
  private readonly dirty = new Set<Chart>();
  private frame = 0;
  private readonly empty: HTMLElement;
  private view: ViewOptions = DEFAULT_VIEW;
  /** Numbers each chart's window requests: a chart shows only its latest. */
  private windowId = 0;
  private readonly hooks: ChartHooks;
  /** Charts (group ids) drawing every file's line, for the run shown. */
  private allSources = new Set<string>();
  /** Lines switched off in a legend, by chart (group id), for the run shown. */
  private hidden = new Map<string, Set<string>>();
  /** Whether each file keeps exact values, and the points that was judged on (judged again as they double). */
  private readonly exact = new Map<string, { exact: boolean; points: number }>();
  private readonly looks = new RunLook(() => this.events.colored());
  /** Each chart's y axis, by group id. */
  private yAxes: Record<string, YAxis> = {};
  private readonly sections: Sections;
  private readonly summary = new Summary();
  private collapsedNames: string[] = [];
  private readonly epochs = new EpochSteps(runOf, (name) => metricId(name).toLowerCase() === 'epoch');

  constructor(private readonly events: ChartEvents) {
    this.element = document.createElement('div');
    this.element.className = 'charts-area';
    this.empty = document.createElement('p');
    this.empty.className = 'empty';
    this.empty.textContent = 'No metrics yet. Charts appear as soon as the training prints or logs one.';
    this.sections = new Sections((name, collapsed) => {
      this.collapsedNames = collapsed ? [...this.collapsedNames, name] : this.collapsedNames.filter((n) => n !== name);
      this.events.collapsed(this.collapsedNames);
      this.redrawAll();
    });
    this.grid = this.sections.element;
    this.element.append(this.empty, this.summary.element, this.grid);
    new ResizeObserver(() => this.redrawAll()).observe(this.grid);
    window.addEventListener('resize', () => this.redrawAll());
    // VS Code changes the theme by swapping the body's class and the variables on <html>: recolour live.
    const theme = new MutationObserver(() => {
      this.looks.readTheme();
      this.rebuildAll();
    });
    theme.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
    theme.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
    this.hooks = {
      hidden: (chart, keys, hidden) => {
        const set = this.hiddenIn(chart.id);
        for (const k of keys) {
          if (hidden) set.add(k);
          else set.delete(k);
        }
        const record: Record<string, string[]> = {};
        for (const [id, s] of this.hidden) if (s.size) record[id] = [...s];
        this.events.hidden(record);
        if (hidden) return; // the legend click already switched the line off
        // "Show all": a new uPlot for each of the group's charts
        for (const c of this.charts.values()) {
          if (c.id !== chart.id) continue;
          c.setHidden(set);
          this.dirty.add(c);
        }
        this.schedule();
      },
      exportPng: (name, png) => this.events.exportPng(name, png),
      zoomed: (chart, range) => this.zoom(chart.axis, range, chart),
      window: (chart, keys, x0, x1, buckets, wall) => {
        const id = ++this.windowId;
        this.events.window({ keys, x0, x1, buckets, axis: wall ? 'wall' : 'x' }).then(
          (series) => this.showWindow(chart, id, series),
          () => undefined, // no window (the run changed, the host failed): the chart keeps drawing the points it holds
        );
        return id;
      },
      allSources: (chart, on) => {
        if (on) this.allSources.add(chart.id);
        else this.allSources.delete(chart.id);
        this.events.allSources([...this.allSources]);
        for (const c of this.charts.values()) {
          if (c.id !== chart.id) continue;
          c.setShowAll(on);
          this.dirty.add(c);
        }
        this.schedule();
      },
      exact: (source) => this.isExact(source),
      yAxis: (chart, axis) => {
        if (axis.mode === 'auto') delete this.yAxes[chart.id];
        else this.yAxes[chart.id] = axis;
        this.events.yAxes(this.yAxes);
        for (const c of this.charts.values()) {
          if (c.id !== chart.id) continue;
          c.setYAxis(axis, c !== chart);
          this.dirty.add(c);
        }
        this.schedule();
      },
      styles: (lines) => this.looks.styles(lines),
      sourceText: (l) => this.looks.sourceText(l),
    };
  }

  add(deltas: SeriesDelta[]): void {
    for (const d of deltas) {
      let entry = this.lines.get(d.key);
      if (!entry) {
        entry = { line: new HeldSeries(d.key, d.name, d.source), xKind: d.xKind };
        this.lines.set(d.key, entry);
        this.place(entry.line, entry.xKind);
      }
      entry.line.add(d);
      for (const c of this.charts.values()) if (c.lines.includes(entry.line) && !c.zoomed) this.dirty.add(c);
      // a run's epochs can now be placed at their steps: its per-epoch lines join the step charts
      if (this.epochs.grew(entry.line, entry.xKind)) this.regroup();
    }
    this.schedule();
  }

  /** The host's answer to a window request of `chart`, unless the chart is gone (cleared, regrouped). */
  private showWindow(chart: Chart, id: number, series: WindowSeries[]): void {
    if (![...this.charts.values()].includes(chart)) return;
    if (chart.showWindow(id, series)) {
      this.dirty.add(chart);
      this.schedule();
    }
  }

  /** New view options: lines are placed again (the x mode decides the charts) and every chart redrawn. */
  setView(view: ViewOptions): void {
    const regroup = view.xMode !== this.view.xMode;
    this.view = view;
    if (regroup) this.regroup();
    const test = matcher(view.filter);
    for (const c of this.charts.values()) c.element.hidden = !!view.filter.trim() && !c.matches(test);
    this.rebuildAll();
  }

  /**
   * The UI state of the run shown (kept by the page): the charts that draw every file's line, and
   * the lines switched off in each chart's legend.
   */
  setRunState(allSources: string[], hidden: Record<string, string[]>): void {
    this.allSources = new Set(allSources);
    this.hidden = new Map(Object.entries(hidden).map(([id, keys]) => [id, new Set(keys)]));
    for (const c of this.charts.values()) {
      c.setShowAll(this.allSources.has(c.id));
      c.setHidden(this.hiddenIn(c.id));
      this.dirty.add(c);
    }
    this.schedule();
  }

  /** Remembered colours, run names and the runs: every chart is drawn again with them. */
  setLook(look: Look): void {
    this.looks.look = look;
    this.rebuildAll();
  }

  /** The sections kept collapsed (by name). */
  setCollapsed(names: string[]): void {
    this.collapsedNames = names;
    this.sections.setCollapsed(names);
    this.redrawAll();
  }

  /** The y axes kept for charts (by group id): applied to charts as they appear. */
  setYAxes(axes: Record<string, YAxis>): void {
    this.yAxes = axes;
    for (const c of this.charts.values()) c.setYAxis(axes[c.id] ?? { mode: 'auto' });
    this.redrawAll();
  }

  /** Each overlaid run's colour, for its chip (undefined while no run is compared). */
  runColor(id: string): string | undefined {
    return this.looks.runColor(id);
  }

  /** The set of lines hidden in chart `id` (held by the chart too, so a legend click shows in both). */
  private hiddenIn(id: string): Set<string> {
    let set = this.hidden.get(id);
    if (!set) this.hidden.set(id, (set = new Set()));
    return set;
  }

  clear(): void {
    this.dropCharts();
    this.charts.clear();
    this.lines.clear();
    this.epochs.clear();
    this.exact.clear();
    this.dirty.clear();
    this.empty.hidden = false;
  }

  /** Every line placed again in new charts (the x mode changed, or epochs can be placed at steps). */
  private regroup(): void {
    this.dropCharts();
    this.charts.clear();
    for (const { line, xKind } of this.lines.values()) this.place(line, xKind);
  }

  /** Destroys every chart (they are placed again from the lines). */
  private dropCharts(): void {
    for (const c of this.charts.values()) {
      this.sections.remove(c.element);
      c.destroy();
    }
    this.summary.clear();
  }

  /** Every chart on `axis` zooms to `range` (each asks for its own window), or follows the live edge again. */
  private zoom(axis: AxisKind, range: Range | undefined, from: Chart): void {
    const zoom = { ...this.view.zoom };
    if (range) zoom[axis] = range;
    else delete zoom[axis];
    this.view = { ...this.view, zoom };
    this.events.zoomed(zoom);
    for (const c of this.charts.values()) {
      if (c.axis !== axis) continue;
      if (c !== from && range === undefined && !c.zoomed) continue;
      c.zoomTo(range);
      this.dirty.add(c);
    }
    this.schedule();
  }

  private place(line: HeldSeries, xKind: XKind): void {
    if (isAxisCounter(line.name)) return;
    const group = groupOf(line.name);
    const native = this.view.xMode === 'native';
    const toStep = native && xKind === 'epoch' ? this.epochs.mapFor(line.key) : undefined;
    const axis: AxisKind = this.view.xMode !== 'native' ? this.view.xMode : toStep ? 'step' : xKind;
    const key = `${group.id}\u0000${axis}`;
    let chart = this.charts.get(key);
    if (!chart) {
      chart = new Chart(group.id, group.title, axis, this.hooks);
      chart.element.dataset.metric = group.title;
      chart.setShowAll(this.allSources.has(group.id));
      chart.setHidden(this.hiddenIn(group.id));
      const y = this.yAxes[group.id];
      if (y) chart.setYAxis(y);
      const zoomed = this.view.zoom[axis];
      if (zoomed) chart.zoomTo(zoomed); // restored with the view
      this.charts.set(key, chart);
      chart.element.dataset.section = sectionOf(group.id, group.title);
      this.sections.place(chart, chart.element.dataset.section);
      this.empty.hidden = true;
    }
    chart.add(line, toStep);
    if (this.view.filter.trim()) chart.element.hidden = !chart.matches(matcher(this.view.filter));
    this.dirty.add(chart);
  }

  /** Whether file `source` keeps its values as written (sameMetric.ts); judged again as its points double. */
  private isExact(source: string): boolean {
    if (storesNumbers(source)) return true;
    let points = 0;
    const held: HeldSeries[] = [];
    for (const { line } of this.lines.values()) {
      if (line.source !== source) continue;
      held.push(line);
      points += line.length;
    }
    const known = this.exact.get(source);
    if (known && points < known.points * 2) return known.exact;
    const exact = fullPrecision(held);
    this.exact.set(source, { exact, points: Math.max(points, 1) });
    return exact;
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
      performance.mark('training-monitor:draw');
      const total = this.grid.clientWidth;
      const width = Math.max(200, Math.floor(total / Math.max(1, Math.floor(total / 420))) - 16);
      const origin = this.view.xMode === 'relative' ? this.origin() : 0;
      // a short panel (the panel area at its default height) still shows a whole chart
      const height = Math.min(this.view.chartHeight, Math.max(SHORT_MIN, window.innerHeight - SHORT_CHROME));
      const byStep = [...this.charts.values()].some((c) => c.axis === 'step');
      for (const c of this.dirty) {
        c.unmapped(c.axis === 'epoch' && byStep);
        if (c.element.hidden || this.sections.isCollapsed(c.element.dataset.section!)) continue;
        // a single value, or one throughout: a row of the summary table, not a chart
        const single = summarised(c.lines, !c.id.startsWith('metric:'));
        c.element.classList.toggle('summarised', single);
        this.summary.set(`${c.id}\u0000${c.axis}`, single ? c.lines : undefined, c.axis);
        if (!single) c.draw(width, height, this.view, origin);
      }
      this.dirty.clear();
      performance.measure('training-monitor:draw', 'training-monitor:draw');
    });
  }
}
