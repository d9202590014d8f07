/** The run's state in the status bar, and its Stop button. */
import * as vscode from 'vscode';
import type { RunInfo } from '../core/protocol/webview';

export interface Latest {
  name: string;
  value: number;
  x: number;
}

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
    this.stop.tooltip = 'Stop the training (interrupt, then terminate)';
    this.stop.command = 'trainingMonitor.stop';
    this.stop.accessibilityInformation = { label: 'Stop Training', role: 'button' };
  }

  show(run: RunInfo, latest?: Latest): void {
    clearTimeout(this.clearTimer);
    const live = run.state === 'running' || run.state === 'stopping';
    const metric = latest ? ` · ${latest.name} ${formatValue(latest.value)} · step ${latest.x.toLocaleString('en-US')}` : '';
    this.state.backgroundColor = run.state === 'failed' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    switch (run.state) {
      case 'running':
        this.state.text = `$(pulse) ${run.name}${metric}`;
        break;
      case 'stopping':
        this.state.text = `$(sync~spin) Stopping ${run.name}…`;
        break;
      default:
        this.state.text = `${run.state === 'failed' ? '$(error)' : '$(check)'} ${run.name}: ${run.state}${run.exit ? ` (${run.exit})` : ''}`;
        // The outcome stays a little while, then the bar is quiet again.
        this.clearTimer = setTimeout(() => this.state.hide(), 15_000);
    }
    this.state.tooltip = `Training Monitor: ${run.command}\nClick to show the monitor.`;
    this.state.accessibilityInformation = { label: `Training ${run.name} ${run.state}` };
    this.state.show();
    if (live) this.stop.show();
    else this.stop.hide();
  }

  dispose(): void {
    clearTimeout(this.clearTimer);
    this.state.dispose();
    this.stop.dispose();
  }
}

function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : v.toPrecision(4);
}
