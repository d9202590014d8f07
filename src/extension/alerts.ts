/**
 * Notifications a user watching a training wants without writing code for them: a loss that
 * became NaN or Inf, a run that failed, a run that went quiet. Each fires once per condition.
 */
import * as vscode from 'vscode';
import { plainText } from '../core/display';
import type { SeriesDelta } from '../core/protocol/batch';
import { numericSetting } from '../core/settings';

export interface AlertActions {
  canStop(): boolean;
  stop(): void;
  show(tab?: 'stdout' | 'stderr' | 'events'): void;
  /** Also written to the Events tab. */
  event(level: 'warning' | 'error', text: string): void;
}

const isLossLike = (name: string) => /loss/i.test(name);

const stallMinutes = () => numericSetting('stallMinutes', vscode.workspace.getConfiguration('trainingMonitor').get('stallMinutes'));

/** `10 minutes`, `1 minute`, `30 s` (fractions of a minute read better in seconds). */
function duration(minutes: number): string {
  if (minutes < 1) return `${Math.round(minutes * 60)} s`;
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

export class RunAlerts implements vscode.Disposable {
  private nonFinite = new Set<string>();
  private lastActivity = Date.now();
  private stalled = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly runName: string,
    private readonly actions: AlertActions,
    /** Whether the run is still going (only then can it stall). */
    private readonly running: () => boolean,
  ) {
    // Checked four times per stall period (a quarter minute at most), so it fires close to its time.
    this.timer = setInterval(() => this.checkStall(), Math.min(15_000, Math.max(250, stallMinutes() * 15_000)));
  }

  /** New points and log text arrived. */
  activity(series: SeriesDelta[]): void {
    this.lastActivity = Date.now();
    this.stalled = false;
    for (const s of series) {
      if (!isLossLike(s.name) || this.nonFinite.has(s.key)) continue;
      const i = s.y.findIndex((y) => !Number.isFinite(y));
      if (i < 0) continue;
      this.nonFinite.add(s.key);
      const at = s.xKind === 'index' ? '' : ` at ${s.xKind === 'wall' ? 'time' : s.xKind} ${s.x[i].toLocaleString('en-US')}`;
      void this.notify(
        'warning',
        `${plainText(this.runName, 80)}: ${plainText(s.name, 80)} is ${s.y[i]}${at}.`,
        this.actions.canStop() ? ['Stop', 'Show'] : ['Show'],
      );
    }
  }

  /** The process ended by itself with a failure. */
  failed(exit: string): void {
    void this.notify('error', `${plainText(this.runName, 80)} failed (${plainText(exit, 80)}).`, ['Show Errors']);
  }

  private checkStall(): void {
    const minutes = stallMinutes();
    if (this.stalled || minutes <= 0 || !this.running() || Date.now() - this.lastActivity < minutes * 60_000) return;
    this.stalled = true; // once, until output comes again
    void this.notify(
      'warning',
      `${plainText(this.runName, 80)}: no new output or metric for ${duration(minutes)}.`,
      this.actions.canStop() ? ['Show', 'Stop'] : ['Show'],
    );
  }

  private async notify(level: 'warning' | 'error', text: string, buttons: string[]): Promise<void> {
    this.actions.event(level, text);
    const show = level === 'error' ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
    const answer = await show(text, ...buttons);
    if (answer === 'Stop') this.actions.stop();
    else if (answer === 'Show') this.actions.show();
    else if (answer === 'Show Errors') this.actions.show('stderr');
  }

  dispose(): void {
    clearInterval(this.timer);
  }
}
