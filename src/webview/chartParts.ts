/** Small parts of a chart: its head's buttons and notes, and its legend's texts. */
import type uPlot from 'uplot';
import type { HeldSeries } from './heldSeries';
import type { Choice } from './sameMetric';

/** The x range a plot shows now. */
export function shownRange(plot: uPlot | undefined): [number, number] | undefined {
  const x = plot?.scales.x;
  return x && x.min != null && x.max != null && x.max > x.min ? [x.min, x.max] : undefined;
}

export function headButton(cls: string, text: string, title: string, onClick: () => void, hidden = false): HTMLButtonElement {
  const b = document.createElement('button');
  b.className = cls;
  b.textContent = text;
  if (title) b.title = title;
  b.hidden = hidden;
  b.addEventListener('click', onClick);
  return b;
}

export function chartNote(cls: string, text: string): HTMLElement {
  const p = document.createElement('p');
  p.className = cls;
  p.textContent = text;
  p.hidden = true;
  return p;
}

/** A legend label: the metric, with its file where another drawn line has its name. */
export function legendLabel(l: HeldSeries, drawn: HeldSeries[], choices: Map<string, Choice>, sourceText: (l: HeldSeries) => string): string {
  const drawnKeys = new Set(drawn.map((o) => o.key));
  const twin = drawn.some((o) => o !== l && o.name === l.name) || choices.get(l.key)?.others.some((o) => drawnKeys.has(o.key));
  return twin ? `${l.name} · ${sourceText(l)}` : l.name;
}

/** A legend row's tooltip: the line's file, and the other files its metric is in. */
export function legendTitle(l: HeldSeries, drawn: HeldSeries[], choices: Map<string, Choice>, exact: (source: string) => boolean): string {
  const others = choices.get(l.key)?.others ?? [];
  const from = `${l.name} from ${l.source}`;
  if (!others.length) return from;
  const drawnKeys = new Set(drawn.map((o) => o.key));
  const kind = (c: { exact: boolean }) => (c.exact ? 'stored values' : 'printed, rounded');
  const also = others.map((o) => `${o.source} as ${o.name} (${kind(o)}${drawnKeys.has(o.key) ? '' : ', not drawn'})`);
  return `${from} (${kind({ exact: exact(l.source) })}).\nAlso in ${also.join(', ')}.`;
}
