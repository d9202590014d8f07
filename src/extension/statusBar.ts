/** The runs' state in the status bar, and a Stop button while one can be stopped. */
import * as vscode from 'vscode';
import { plainText } from '../core/display';
import type { XKind } from '../core/protocol/batch';
import type { RunInfo } from '../core/protocol/webview';

export interface Latest {
  name: string;
  value: number;
  x: number;
  xKind: XKind;
}

/** What the status bar needs of a monitor. */
export interface StatusOfRun {
  run: RunInfo;
  live: boolean;
  canStop: boolean;
  latest: Latest | undefined;
  /** The value of the metric named in `trainingMonitor.statusMetric`, when set and seen. */
  metric(name: string): Latest | undefined;
}

/** How long an ended run's outcome stays in the status bar. */
const OUTCOME_MS = 15_000;

export class RunStatusBar implements vscode.Disposable {
  private readonly state: vscode.StatusBarItem;
  private readonly stop: vscode.StatusBarItem;
  private clearTimer: NodeJS.Timeout | undefined;

  constructor() {
    this.state = vscode.window.createStatusBarItem('trainingMonitor.state', vscode.StatusBarAlignment.Left, 50);
    this.state.name = 'Training Monitor: state';
    this.state.command = 'trainingMonitor.show';
    this.stop = vscode.window.createStatusBarItem('trainingMonitor.stop', vscode.StatusBarAlignment.Left, 49);
    this.stop.name = 'Training Monitor: stop';
    this.stop.text = '$(debug-stop) Stop Training';
    this.stop.command = 'trainingMonitor.stop';
    this.stop.accessibilityInformation = { label: 'Stop Training', role: 'button' };
  }

  /** `shown`: the run the monitor shows; `all`: every run of this window. */
  update(shown: StatusOfRun | undefined, all: StatusOfRun[]): void {
    clearTimeout(this.clearTimer);
    const live = all.filter((r) => r.live);
    const stoppable = live.filter((r) => r.canStop);
    if (stoppable.length) {
      this.stop.tooltip =
        stoppable.length > 1
          ? `Stop one of ${stoppable.length} trainings (interrupt, then terminate)`
          : `Stop ${plainText(stoppable[0].run.name, 60)} (interrupt, then terminate)`;
      this.stop.show();
    } else this.stop.hide();
    if (!shown) return this.state.hide();
    // names, states and commands come from files and schedulers: no icon or link syntax, short
    const run = {
      ...shown.run,
      name: plainText(shown.run.name, 60),
      detail: shown.run.detail && plainText(shown.run.detail, 60),
      exit: shown.run.exit && plainText(shown.run.exit, 40),
    };
    const others = live.length - (shown.live ? 1 : 0);
    const more = others > 0 ? ` (+${others} more)` : '';
    this.state.backgroundColor = run.state === 'failed' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    switch (run.state) {
      case 'running':
      case 'watching':
        this.state.text = `$(pulse) ${run.name}${describe(shown)}${more}`;
        break;
      case 'pending':
        this.state.text = `$(watch) ${run.name}: ${run.detail ?? 'pending'}${more}`;
        break;
      case 'stopping':
        this.state.text = `$(sync~spin) Stopping ${run.name}…${more}`;
        break;
      default:
        this.state.text = `${run.state === 'failed' ? '$(error)' : '$(check)'} ${run.name}: ${run.state}${run.exit ? ` (${run.exit})` : ''}${more}`;
        // The outcome stays a little while, then the bar is quiet again (unless others still run).
        if (!others) this.clearTimer = setTimeout(() => this.state.hide(), OUTCOME_MS);
    }
    this.state.tooltip = `Training Monitor: ${plainText(run.command, 300)}\n${others ? 'Click to choose which run to show.' : 'Click to show the monitor.'}`;
    this.state.accessibilityInformation = { label: `Training ${run.name} ${run.state}${more}` };
    this.state.show();
  }

  dispose(): void {
    clearTimeout(this.clearTimer);
    this.state.dispose();
    this.stop.dispose();
  }
}

function describe(r: StatusOfRun): string {
  const wanted = vscode.workspace.getConfiguration('trainingMonitor').get<string>('statusMetric', '');
  const m = (wanted && r.metric(wanted)) || r.latest;
  if (!m) return '';
  const at = m.xKind === 'step' || m.xKind === 'epoch' ? ` · ${m.xKind} ${m.x.toLocaleString('en-US')}` : '';
  return ` · ${plainText(m.name, 40)} ${formatValue(m.value)}${at}`;
}

function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : v.toPrecision(4);
}
