/**
 * The chart toolbar: x axis, smoothing, log scales, a filter, and the CSV export. Native form controls styled with
 * VS Code's input colours; each change hands what changed to `onChange`.
 */
import { CHART_HEIGHTS, type ViewOptions, type XMode } from './view';

const X_MODES: Array<[XMode, string]> = [
  ['native', 'Step / epoch'],
  ['relative', 'Relative time'],
  ['wall', 'Wall time'],
];

function labelled(text: string, control: HTMLElement): HTMLLabelElement {
  const label = document.createElement('label');
  label.append(text, control);
  return label;
}

export function toolbar(view: ViewOptions, change: (patch: Partial<ViewOptions>) => void, exportCsv: () => void): HTMLElement {
  const bar = document.createElement('div');
  bar.className = 'toolbar';
  bar.setAttribute('role', 'toolbar');

  const xMode = document.createElement('select');
  xMode.id = 'x-mode';
  for (const [value, text] of X_MODES) xMode.append(new Option(text, value, false, value === view.xMode));
  xMode.addEventListener('change', () => change({ xMode: xMode.value as XMode }));

  const smoothing = document.createElement('input');
  smoothing.id = 'smoothing';
  smoothing.type = 'range';
  Object.assign(smoothing, { min: '0', max: '0.999', step: '0.001' });
  smoothing.value = String(view.smoothing);
  const shown = document.createElement('output');
  shown.textContent = view.smoothing.toFixed(3);
  smoothing.addEventListener('input', () => {
    shown.textContent = Number(smoothing.value).toFixed(3);
    change({ smoothing: Number(smoothing.value) });
  });
  smoothing.title = "TensorBoard's smoothing: a debiased exponential moving average; the raw line stays, faint.";

  const checkbox = (id: string, key: 'logX' | 'logY', title: string) => {
    const box = document.createElement('input');
    box.id = id;
    box.type = 'checkbox';
    box.checked = view[key];
    box.title = title;
    box.addEventListener('change', () => change({ [key]: box.checked }));
    return box;
  };
  const logX = checkbox('log-x', 'logX', 'Log-scaled steps or epochs (time axes stay linear); step 0 is left out.');
  const logY = checkbox('log-y', 'logY', 'Log-scaled values; values at or below 0 are left out.');

  const filter = document.createElement('input');
  filter.id = 'filter';
  filter.type = 'search';
  filter.placeholder = 'Filter charts (text or /regex/)';
  filter.value = view.filter;
  filter.addEventListener('input', () => change({ filter: filter.value }));

  const height = document.createElement('select');
  height.id = 'chart-height';
  height.title = 'How tall each chart is drawn';
  for (const [px, text] of CHART_HEIGHTS) height.append(new Option(text, String(px), false, px === view.chartHeight));
  height.addEventListener('change', () => change({ chartHeight: Number(height.value) }));

  const smoothingLabel = labelled('Smoothing', smoothing);
  smoothingLabel.append(shown);
  const csv = document.createElement('button');
  csv.id = 'export-csv';
  csv.textContent = 'Export CSV';
  csv.title = 'Save every point of this run (full fidelity) as a CSV file';
  csv.addEventListener('click', exportCsv);
  bar.append(labelled('X axis', xMode), smoothingLabel, labelled('Log x', logX), labelled('Log y', logY), labelled('Height', height), filter, csv);
  return bar;
}
