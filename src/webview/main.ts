/** The monitor page: a header with the run and a Stop button, the chart toolbar, the charts, and the log tabs. */
import './toolkit';
import 'uplot/dist/uPlot.min.css';
import './style.css';
import type { Batch, LogStream, MonitorEvent } from '../core/protocol/batch';
import type { HostToWebview, RunInfo, WebviewToHost } from '../core/protocol/webview';
import { Charts, DEFAULT_VIEW, type ViewOptions } from './charts';
import { LogPane } from './logs';
import { toolbar } from './toolbar';
import { button, tabs } from './toolkit';

interface VsCodeApi {
  postMessage(msg: WebviewToHost): void;
  getState(): UiState | undefined;
  setState(state: UiState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** UI state only (it survives the webview being destroyed); the data comes from the host's snapshot. */
interface UiState {
  tab: string;
  view: ViewOptions;
}

const vscode = acquireVsCodeApi();
const saved = vscode.getState();
const ui: UiState = { tab: saved?.tab ?? 'stdout', view: { ...DEFAULT_VIEW, ...saved?.view } };
const save = () => vscode.setState(ui);

const app = document.getElementById('app')!;
const header = document.createElement('header');
const title = document.createElement('span');
title.className = 'run-title';
const state = document.createElement('span');
state.className = 'run-state';
const stop = button('Stop', () => vscode.postMessage({ type: 'stop' }));
stop.id = 'stop';
header.append(title, state, stop);

const charts = new Charts({
  hidden: (hidden) => {
    ui.view = { ...ui.view, hidden };
    save();
  },
  exportPng: (name, png) => vscode.postMessage({ type: 'exportPng', name, png }),
});
charts.setView(ui.view);
const bar = toolbar(
  ui.view,
  (patch) => {
    ui.view = { ...ui.view, ...patch };
    charts.setView(ui.view);
    save();
  },
  () => vscode.postMessage({ type: 'exportCsv' }),
);
const logs: Record<LogStream | 'events', LogPane> = {
  stdout: new LogPane('Output'),
  stderr: new LogPane('Errors'),
  events: new LogPane('Events'),
};
const tabBar = tabs(
  [
    { id: 'stdout', label: 'Output', content: logs.stdout.element },
    { id: 'stderr', label: 'Errors', content: logs.stderr.element },
    { id: 'events', label: 'Events', content: logs.events.element },
  ],
  (id) => {
    ui.tab = id;
    save();
  },
);
tabBar.select(ui.tab);
app.append(header, bar, charts.element, tabBar.element);
showRun(undefined);

function showRun(run: RunInfo | undefined): void {
  title.textContent = run ? run.name : 'No training running';
  title.title = run?.command ?? '';
  state.textContent = run ? `${run.state}${run.exit ? ` (${run.exit})` : ''}` : 'Run "Training Monitor: Start Training Monitor"';
  state.dataset.state = run?.state ?? 'idle';
  stop.hidden = !(run?.canStop && (run.state === 'running' || run.state === 'watching'));
}

function formatEvent(e: MonitorEvent): string {
  const t = new Date(e.time).toLocaleTimeString();
  return `${t}  ${e.level === 'info' ? '' : e.level.toUpperCase() + ': '}${e.text}\n`;
}

function apply(batch: Batch): void {
  charts.add(batch.series);
  for (const l of batch.logs) logs[l.stream].append(l.text);
  for (const e of batch.events) logs.events.append(formatEvent(e));
  const warnings = batch.events.filter((e) => e.level !== 'info').length;
  if (warnings) tabBar.badge('events', '•');
}

window.addEventListener('message', (event: MessageEvent<HostToWebview>) => {
  const msg = event.data;
  switch (msg.type) {
    case 'snapshot':
      charts.clear();
      for (const pane of Object.values(logs)) pane.clear();
      showRun(msg.run);
      apply(msg.batch);
      break;
    case 'batch':
      apply(msg.batch);
      break;
    case 'run':
      showRun(msg.run);
      break;
    case 'tab':
      tabBar.select(msg.tab);
      break;
  }
});

vscode.postMessage({ type: 'ready' });
