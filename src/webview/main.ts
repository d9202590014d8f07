/** The monitor page: a header with the run and a Stop button, the chart toolbar, the charts, and the log tabs. */
import './toolkit';
import 'uplot/dist/uPlot.min.css';
import './style.css';
import { CONSOLE_STREAM, type Batch, type LogStream, type MonitorEvent } from '../core/protocol/batch';
import { Held } from '../core/protocol/order';
import { Requests } from '../core/protocol/request';
import type { HostToWebview, RunChoice, RunInfo, WebviewAnswer, WebviewQuestion, WebviewToHost } from '../core/protocol/webview';
import { Charts } from './charts';
import { LogPane } from './logs';
import { RunPicker } from './runPicker';
import { toolbar } from './toolbar';
import { button, tabs } from './toolkit';
import { DEFAULT_VIEW, type ViewOptions } from './view';
import type { ColorState } from './colors';
import type { YAxis } from './yRange';

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
  /** What belongs to one run, by run (its folder, else its name and command). */
  runs?: Record<string, RunUi>;
  /** Colour numbers given to metrics and runs: they keep their colours after a reload. */
  colors?: ColorState;
  /** Each chart's y axis (by group id) where the user set one. */
  yAxes?: Record<string, YAxis>;
  /** Sections of charts the user collapsed. */
  collapsed?: string[];
  /** Names the user gave runs, by run id. */
  names?: Record<string, string>;
}

interface RunUi {
  /** Charts (group ids) that draw every file's line of a metric, not only the most exact file's. */
  allSources?: string[];
  /** Lines switched off in a legend, by chart (group id). */
  hidden?: Record<string, string[]>;
  /** The Find text of each log pane (by tab id). */
  find?: Record<string, string>;
}

/** Runs whose choices are remembered: the most recently shown ones. */
const RUNS_KEPT = 50;
/**
 * How long a question to the host may wait. Longer than the host gives its workers
 * (ASK_TIMEOUT_MS), so the host's error reply, which says why, normally comes first.
 */
const ANSWER_TIMEOUT_MS = 90_000;

const vscode = acquireVsCodeApi();
/** Questions to the host (zoom windows, log lines, log searches) awaiting their answers. */
const host = new Requests<WebviewQuestion, WebviewAnswer>((q) => vscode.postMessage(q), ANSWER_TIMEOUT_MS);
/** Which batches the last snapshot holds already. */
const held = new Held();
const saved = vscode.getState();
const ui: UiState = { ...saved, tab: saved?.tab ?? 'stdout', view: { ...DEFAULT_VIEW, ...saved?.view } };
// hidden lines were once kept for every run (and leaked into the next): they are the run's now
delete (ui.view as Partial<{ hidden: unknown }>).hidden;
const save = () => vscode.setState(ui);
/** The run shown (its key in `ui.runs`). */
let runKey = '';
const runUi = (): RunUi => ((ui.runs ??= {})[runKey] ??= {});

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
    runUi().hidden = hidden;
    save();
  },
  exportPng: (name, png) => vscode.postMessage({ type: 'exportPng', name, png }),
  zoomed: (zoom) => {
    ui.view = { ...ui.view, zoom };
    save();
  },
  window: (req) => host.ask({ type: 'window', ...req }).then((a) => a.series),
  allSources: (groups) => {
    runUi().allSources = groups;
    save();
  },
  yAxes: (axes) => {
    ui.yAxes = axes;
    save();
  },
  collapsed: (names) => {
    ui.collapsed = names;
    save();
  },
  colored: () => {
    save();
    picker.setLook(ui.names ?? {}, (id) => charts.runColor(id)); // a newly compared run's chip
  },
});
/** The runs offered (the host's last list), and the run shown in the header. */
let runChoices: RunChoice[] = [];
let shownRun: RunInfo | undefined;
/** Colours, names and runs changed: charts, chips and header follow. */
function relook(): void {
  const look = { colors: (ui.colors ??= {}), names: (ui.names ??= {}), runs: runChoices };
  charts.setLook(look);
  picker.setLook(look.names, (id) => charts.runColor(id));
  showRun(shownRun);
}
charts.setView(ui.view);
charts.setYAxes(ui.yAxes ?? {});
charts.setCollapsed(ui.collapsed ?? []);
const picker = new RunPicker({
  show: (id) => vscode.postMessage({ type: 'showRun', id }),
  overlay: (id, on) => vscode.postMessage({ type: 'overlay', id, on }),
  rename: (id, name) => {
    const names = (ui.names ??= {});
    if (name) names[id] = name;
    else delete names[id];
    save();
    relook();
  },
});
const bar = toolbar(
  ui.view,
  (patch) => {
    ui.view = { ...ui.view, ...patch };
    charts.setView(ui.view);
    save();
  },
  () => vscode.postMessage({ type: 'exportCsv' }),
);
const copy = (text: string) => vscode.postMessage({ type: 'copy', text });
/** The Find text a pane's user typed, kept with the run shown. */
const findOf = (tab: string) => (text: string) => {
  const find = (runUi().find ??= {});
  if (text) find[tab] = text;
  else delete find[tab];
  save();
};
/** A pane over a log the host can read back and search. */
const hostLog = (name: string, stream: LogStream): LogPane => {
  return new LogPane(name, {
    copy,
    findChanged: findOf(stream),
    lines: (from, count) => host.ask({ type: 'logLines', stream, from, count }).then((a) => a.lines),
    search: (query) => host.ask({ type: 'logSearch', stream, query }).then((a) => ({ lines: a.lines, complete: a.complete })),
  });
};
/** Each log's pane: Output and Errors, a pair per task of an array job as its lines come, and Events. */
const logs = new Map<LogStream, LogPane>([
  ['stdout', hostLog('Output', 'stdout')],
  ['stderr', hostLog('Errors', 'stderr')],
]);
const events = new LogPane('Events', { copy, findChanged: findOf('events') });
/** Output and Errors as a terminal shows them: interleaved as they came (tqdm draws its bar on stderr). */
const consolePane = new LogPane('Console', { copy, findChanged: findOf('console') });
const tabBar = tabs(
  [
    { id: 'stdout', label: 'Output', content: logs.get('stdout')!.element },
    { id: 'stderr', label: 'Errors', content: logs.get('stderr')!.element },
    { id: 'console', label: 'Console', content: consolePane.element },
    { id: 'events', label: 'Events', content: events.element },
  ],
  (id) => {
    ui.tab = id;
    save();
  },
);
tabBar.select(ui.tab);
bar.prepend(picker.element);
app.append(header, bar, charts.element, tabBar.element);
relook();

function showRun(run: RunInfo | undefined): void {
  shownRun = run;
  const shownId = runChoices.find((r) => r.shown)?.id;
  title.textContent = run ? (shownId && ui.names?.[shownId]) || run.name : 'No training running';
  title.title = run?.command ?? '';
  state.textContent = run
    ? `${run.state}${run.exit ? ` (${run.exit})` : run.detail ? ` (${run.detail})` : ''}`
    : 'Run "Training Monitor: Start Training Monitor"';
  state.dataset.state = run?.state ?? 'idle';
  stop.hidden = !(run?.canStop && (run.state === 'running' || run.state === 'pending' || run.state === 'watching'));
}

function formatEvent(e: MonitorEvent): string {
  const t = new Date(e.time).toLocaleTimeString();
  return `${t}  ${e.level === 'info' ? '' : e.level.toUpperCase() + ': '}${e.text}\n`;
}

/** Makes the snapshot's run the one whose UI state applies (the most recent last, the oldest forgotten). */
function enterRun(run: RunInfo | undefined, runs: RunChoice[] | undefined): void {
  const shown = runs?.find((r) => r.shown);
  runKey = shown?.id ?? (run ? `${run.name}\n${run.command}` : '');
  const all = ui.runs ?? {};
  const mine = all[runKey];
  if (mine) {
    delete all[runKey];
    all[runKey] = mine;
    const keys = Object.keys(all);
    for (const k of keys.slice(0, Math.max(0, keys.length - RUNS_KEPT))) delete all[k];
  }
  charts.setRunState(mine?.allSources ?? [], mine?.hidden ?? {});
  // each pane's Find text is the run's (another run's search is not this one's)
  const find = mine?.find ?? {};
  for (const [stream, pane] of logs) pane.setFind(find[stream] ?? '');
  consolePane.setFind(find.console ?? '');
  events.setFind(find.events ?? '');
}

/** The pane of log `stream`; a task's (`stdout-3`: "Task 3") gets its tab when its first lines come. */
function paneOf(stream: LogStream): LogPane {
  let pane = logs.get(stream);
  if (pane) return pane;
  const m = /^std(out|err)-(.+)$/.exec(stream);
  const label = m ? `Task ${m[2]}${m[1] === 'err' ? ' errors' : ''}` : stream;
  pane = hostLog(label, stream);
  logs.set(stream, pane);
  tabBar.add({ id: stream, label, content: pane.element }, 'events');
  if (ui.tab === stream) tabBar.select(stream); // the tab it was on before a reload
  return pane;
}

/** Takes a batch in; the charts draw it on the next frame. Timed (User Timing) for the benchmark and DevTools. */
function apply(batch: Batch): void {
  performance.mark('training-monitor:apply');
  charts.add(batch.series);
  // a snapshot may carry the Console in the order its text came; else stdout and stderr feed it as they come
  const ordered = batch.logs.some((l) => l.stream === CONSOLE_STREAM);
  for (const l of batch.logs) {
    if (l.stream === CONSOLE_STREAM) {
      consolePane.clear();
      consolePane.append(l.text);
      continue;
    }
    const pane = paneOf(l.stream);
    if (l.line !== undefined) pane.clear(l.line); // a snapshot's text starts at that line
    pane.append(l.text);
    if ((l.stream === 'stdout' || l.stream === 'stderr') && !ordered) consolePane.append(l.text);
  }
  for (const e of batch.events) events.append(formatEvent(e));
  const warnings = batch.events.filter((e) => e.level !== 'info').length;
  if (warnings) tabBar.badge('events', '•');
  performance.measure('training-monitor:apply', 'training-monitor:apply');
}

window.addEventListener('message', (event: MessageEvent<HostToWebview>) => {
  const msg = event.data;
  switch (msg.type) {
    case 'snapshot':
      held.snapshot(msg.seqs);
      host.cancel('the page shows a new snapshot'); // what was asked is of what it replaces
      charts.clear();
      for (const [stream, pane] of logs) {
        pane.clear();
        if (stream !== 'stdout' && stream !== 'stderr') {
          tabBar.remove(stream); // another run's tasks
          logs.delete(stream);
        }
      }
      events.clear();
      consolePane.clear();
      enterRun(msg.run, msg.runs);
      showRun(msg.run);
      if (msg.runs) {
        runChoices = msg.runs;
        picker.set(msg.runs);
      }
      relook();
      apply(msg.batch);
      break;
    case 'runs':
      runChoices = msg.runs;
      picker.set(msg.runs);
      relook();
      break;
    case 'batch':
      if (held.admits(msg.batch)) apply(msg.batch);
      break;
    case 'run':
      showRun(msg.run);
      break;
    case 'tab':
      tabBar.select(msg.tab);
      break;
    case 'window':
    case 'logLines':
    case 'logSearch':
    case 'error':
      host.settle(msg);
      break;
  }
});

vscode.postMessage({ type: 'ready' });
