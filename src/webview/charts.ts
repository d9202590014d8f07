/**
 * One uPlot chart per metric name and x kind (a per-epoch CSV and per-step bars do not share an
 * axis); each source that reports the metric (stdout, metrics.csv) is
 * a line in it. Points accumulate in growing typed arrays; uPlot gets views of them, and a chart
 * redraws at most once per animation frame however many batches arrived.
 */
import uPlot from 'uplot';
import type { SeriesDelta, XKind } from '../core/protocol/batch';
import { lowerBound } from '../core/decimate';

interface Line {
  source: string;
  x: Float64Array;
  y: Float64Array;
  length: number;
}

const X_LABEL: Record<XKind, string> = { step: 'step', epoch: 'epoch', wall: 'time', index: 'update' };
const PALETTE = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-purple', '--vscode-charts-red', '--vscode-charts-yellow'];

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

function append(line: Line, x: Float64Array, y: Float64Array): void {
  // Points at or after the delta's first x are replaced (see SeriesDelta).
  if (x.length && line.length && x[0] <= line.x[line.length - 1]) line.length = lowerBound(line.x, line.length, x[0]);
  const need = line.length + x.length;
  if (need > line.x.length) {
    const size = Math.max(need, line.x.length * 2);
    const nx = new Float64Array(size);
    const ny = new Float64Array(size);
    nx.set(line.x.subarray(0, line.length));
    ny.set(line.y.subarray(0, line.length));
    line.x = nx;
    line.y = ny;
  }
  line.x.set(x, line.length);
  line.y.set(y, line.length);
  line.length = need;
}

class Chart {
  readonly element: HTMLElement;
  readonly lines: Line[] = [];
  private plot: uPlot | undefined;
  private readonly body: HTMLElement;

  constructor(
    readonly name: string,
    readonly xKind: XKind,
  ) {
    this.element = document.createElement('section');
    this.element.className = 'chart';
    this.element.dataset.metric = name;
    this.element.dataset.x = xKind;
    const title = document.createElement('h3');
    title.textContent = xKind === 'step' ? name : `${name} (by ${X_LABEL[xKind]})`;
    this.body = document.createElement('div');
    this.element.append(title, this.body);
  }

  add(delta: SeriesDelta): void {
    let line = this.lines.find((l) => l.source === delta.source);
    if (!line) {
      line = { source: delta.source, x: new Float64Array(0), y: new Float64Array(0), length: 0 };
      this.lines.push(line);
      this.plot?.destroy(); // a new line needs a new uPlot
      this.plot = undefined;
    }
    append(line, delta.x, delta.y);
  }

  draw(width: number): void {
    const data = this.data();
    if (!this.plot) {
      this.plot = new uPlot(this.options(width), data, this.body);
    } else {
      if (this.plot.width !== width) this.plot.setSize({ width, height: 180 });
      this.plot.setData(data);
    }
  }

  destroy(): void {
    this.plot?.destroy();
    this.element.remove();
  }

  private data(): uPlot.AlignedData {
    const cols = this.lines.map((l) => [l.x.subarray(0, l.length), l.y.subarray(0, l.length)] as uPlot.AlignedData);
    return cols.length === 1 ? cols[0] : uPlot.join(cols);
  }

  private options(width: number): uPlot.Options {
    const fg = cssVar('--vscode-foreground', '#ccc');
    const grid = cssVar('--vscode-editorWidget-border', 'rgba(128,128,128,0.25)');
    const font = `11px ${cssVar('--vscode-font-family', 'sans-serif')}`;
    const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, font };
    return {
      width,
      height: 180,
      legend: { show: true },
      cursor: { sync: { key: 'training-monitor' } },
      scales: { x: { time: false } },
      axes: [{ ...axis, label: X_LABEL[this.xKind], labelFont: font }, axis],
      series: [
        { label: X_LABEL[this.xKind] },
        ...this.lines.map((l, i) => ({
          label: this.lines.length > 1 ? `${this.name} · ${l.source}` : this.name,
          stroke: cssVar(PALETTE[i % PALETTE.length], '#3794ff'),
          width: 1.5,
          spanGaps: true,
          points: { show: false },
        })),
      ],
    };
  }
}

export class Charts {
  readonly element: HTMLElement;
  private readonly charts = new Map<string, Chart>();
  private readonly dirty = new Set<Chart>();
  private frame = 0;
  private readonly empty: HTMLElement;

  constructor() {
    this.element = document.createElement('div');
    this.element.className = 'charts';
    this.empty = document.createElement('p');
    this.empty.className = 'empty';
    this.empty.textContent = 'No metrics yet. Charts appear as soon as the training prints or logs one.';
    this.element.append(this.empty);
    new ResizeObserver(() => this.redrawAll()).observe(this.element);
  }

  add(deltas: SeriesDelta[]): void {
    for (const d of deltas) {
      const key = `${d.name}\u0000${d.xKind}`;
      let chart = this.charts.get(key);
      if (!chart) {
        chart = new Chart(d.name, d.xKind);
        this.charts.set(key, chart);
        this.element.append(chart.element);
        this.empty.hidden = true;
      }
      chart.add(d);
      this.dirty.add(chart);
    }
    this.schedule();
  }

  clear(): void {
    for (const c of this.charts.values()) c.destroy();
    this.charts.clear();
    this.dirty.clear();
    this.empty.hidden = false;
  }

  private redrawAll(): void {
    for (const c of this.charts.values()) this.dirty.add(c);
    this.schedule();
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      const width = Math.max(200, Math.floor(this.element.clientWidth / Math.max(1, Math.floor(this.element.clientWidth / 420))) - 16);
      for (const c of this.dirty) c.draw(width);
      this.dirty.clear();
    });
  }
}
