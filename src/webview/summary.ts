/**
 * Metrics with a single value, or one that never changes (`train_runtime`, `eval_samples_per_second`
 * at the end of a run), in a compact table rather than full charts of a dot or a flat line. A
 * metric moves to a chart as soon as it has a second, different value.
 */
import type { HeldSeries } from './heldSeries';
import { readout } from './ticks';

/**
 * Whether `lines` (a chart's) say nothing a chart would: each has one value, or one value
 * throughout (a decimated line's band says it varied). The families a training is read by (loss,
 * accuracy… `family`) are charts from their first point on: their next values are coming.
 */
export function summarised(lines: HeldSeries[], family: boolean): boolean {
  return !family && lines.length > 0 && lines.every((l) => l.length > 0 && !l.banded && (l.length === 1 || l.unchanging));
}

export class Summary {
  readonly element: HTMLElement;
  private readonly body: HTMLTableSectionElement;
  /** The rows, by chart. */
  private readonly rows = new Map<string, { lines: HeldSeries[]; label: string }>();
  private text = '';

  constructor() {
    this.element = document.createElement('table');
    this.element.className = 'summary';
    const caption = document.createElement('caption');
    caption.textContent = 'Single values';
    const head = document.createElement('thead');
    const row = head.insertRow();
    for (const name of ['metric', 'value', 'at', 'file']) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.textContent = name;
      row.append(th);
    }
    this.body = document.createElement('tbody');
    this.element.append(caption, head, this.body);
    this.element.hidden = true;
  }

  /** Chart `id`'s lines as rows (`axis`: what their x counts), or none. */
  set(id: string, lines: HeldSeries[] | undefined, axis: string): void {
    if (lines) this.rows.set(id, { lines, label: axis });
    else if (!this.rows.delete(id)) return;
    this.render();
  }

  clear(): void {
    this.rows.clear();
    this.render();
  }

  private render(): void {
    const rows = [...this.rows.values()].flatMap(({ lines, label }) =>
      lines.map((l) => {
        const i = l.length - 1;
        return [l.name, readout(l.y[i], (v) => String(Number(v.toPrecision(6)))), l.length === 1 ? `${label} ${l.x[i]}` : `${l.length} points`, l.source];
      }),
    );
    rows.sort((a, b) => a[0].localeCompare(b[0]));
    const text = JSON.stringify(rows);
    if (text === this.text) return; // each frame: touch the DOM only on a change
    this.text = text;
    this.body.replaceChildren(
      ...rows.map((cells) => {
        const tr = document.createElement('tr');
        for (const c of cells) tr.append(Object.assign(document.createElement('td'), { textContent: c }));
        return tr;
      }),
    );
    this.element.hidden = rows.length === 0;
  }
}
