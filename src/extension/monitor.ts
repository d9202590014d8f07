/**
 * One monitored run: what it follows (and its process, when known), its two workers, its alerts,
 * and what the webviews show of it. The main thread only forwards: bytes and parsing stay in the
 * workers.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { numericSetting } from '../core/settings';
import { emptyBatch, type Batch, type EventLevel, type MonitorEvent, type SeriesDelta } from '../core/protocol/batch';
import type { HostToWebview, RunInfo, WebviewQuestion } from '../core/protocol/webview';
import { Pipeline } from '../workers/pipeline';
import { RunAlerts } from './alerts';
import type { ExitInfo } from './control';
import { growthText, watchGrowth } from './escapees';
import { outcome } from './runFolder';
import { runId, runLabel, type RunSource } from './sources';
import type { Latest, StatusOfRun } from './statusBar';
import type { MonitorWebviews } from './webviews';

export interface MonitorState {
  run: RunInfo;
  runDir: string | undefined;
  root: string;
  pid: number | undefined;
  workerThreadIds: number[];
  points: number;
}

/** What the monitor tells the extension: state changes and what to show in the status bar. */
export interface MonitorHost {
  webviews: MonitorWebviews;
  /** The run's state or latest value changed. */
  changed(monitor: Monitor): void;
  /** Whether this monitor's data is what the webviews show. */
  isShown(monitor: Monitor): boolean;
  /** An overlaid run's batch as the webviews take it (series only, tagged); undefined when not overlaid. */
  overlayBatch(monitor: Monitor, batch: Batch): Batch | undefined;
  /** The webviews must start over from a snapshot (the monitor's workers were replaced). */
  resend(monitor: Monitor): void;
  show(monitor: Monitor, tab?: 'stdout' | 'stderr' | 'events'): void;
}

export class Monitor implements StatusOfRun {
  /** The run's workers (read by the test build's hooks, testHooks.ts). */
  readonly pipeline: Pipeline;
  private readonly info: RunInfo;
  /** The host's own events (start, signals, exit); the ingester keeps the parse warnings. */
  private readonly events: MonitorEvent[] = [];
  latest: Latest | undefined;
  private readonly lastByName = new Map<string, Latest>();
  /** Points the ingester's store holds (replaced and restarted ones counted once). */
  private points = 0;
  /** Settles when the process has ended and every file was read (runs with a process only). */
  private readonly ended: Promise<void> | undefined;
  private readonly alerts: RunAlerts;
  private stopping: Promise<void> | undefined;
  /** Stop was asked for: an end after it is `stopped`, not `failed`. */
  private stopAsked = false;
  /** Ends the watch for files that keep growing after a stop. */
  private unwatchGrowth: (() => void) | undefined;
  /** Its folder (or followed file): what the run selector knows it by. */
  readonly id: string;
  /** Its name and start time, for the run selector and overlaid legends. */
  readonly label: string;

  constructor(
    readonly source: RunSource,
    extensionUri: vscode.Uri,
    private readonly host: MonitorHost,
  ) {
    const canStop = !source.ended && !!(source.control || source.interrupt);
    this.id = runId(source);
    this.label = runLabel(source.name, source.started ?? new Date());
    this.info = source.ended
      ? { name: source.name, state: source.ended.state, exit: source.ended.exit, command: source.command, canStop: false }
      : { name: source.name, state: canStop ? 'running' : 'watching', command: source.command, canStop };
    const settings = vscode.workspace.getConfiguration('trainingMonitor');
    this.pipeline = new Pipeline(
      {
        root: source.root,
        also: source.also,
        workersDir: vscode.Uri.joinPath(extensionUri, 'dist', 'workers').fsPath,
        updatesPerSecond: numericSetting('updatesPerSecond', settings.get('updatesPerSecond')),
        live: source.live,
      },
      {
        batch: (b, points) => this.forward(b, points),
        error: (text) => this.event('error', text),
        restarted: (text) => this.restarted(text),
      },
    );
    this.alerts = new RunAlerts(
      source.name,
      {
        canStop: () => this.canStop,
        stop: () => void this.stop(),
        show: (tab) => host.show(this, tab),
        event: (level, text) => this.event(level, text),
      },
      () => this.info.state === 'running',
    );
    const pid = source.control ? ` (${source.control.label})` : '';
    this.event(
      'info',
      source.live
        ? `Started ${source.command}${pid}; logs in ${source.root}.`
        : source.ended
          ? `Opened the ended run in ${source.root} (${source.ended.exit}).`
          : `Following ${source.root}${pid}.`,
    );
    this.publish();
    this.ended = source.control?.exited.then((exit) => this.finish(exit));
    source.control?.onWaiting?.((why) => this.waiting(why));
    source.control?.onProblem?.((text) => this.event('warning', text));
    // an ended run is read once, to its end
    if (source.ended) void this.pipeline.drain().then(() => this.publish());
  }

  /** The last value of metric `name` (the status bar's `trainingMonitor.statusMetric`). */
  metric(name: string): Latest | undefined {
    return this.lastByName.get(name);
  }

  get name(): string {
    return this.info.name;
  }

  get live(): boolean {
    return this.info.state === 'running' || this.info.state === 'pending' || this.info.state === 'watching' || this.info.state === 'stopping';
  }

  get canStop(): boolean {
    return this.live && this.info.canStop;
  }

  get run(): RunInfo {
    return { ...this.info };
  }

  get state(): MonitorState {
    return {
      run: this.run,
      runDir: this.source.runDir,
      root: this.source.root,
      pid: this.source.control?.pid,
      workerThreadIds: this.pipeline.threadIds,
      points: this.points,
    };
  }

  /**
   * The stop cascade: signals to the process group, then the workers drain and end. A notebook's
   * kernel is interrupted instead; a followed folder with no process just stops being followed.
   */
  stop(): Promise<void> {
    const { control, interrupt } = this.source;
    if (!this.live) return Promise.resolve();
    if (!control && interrupt) {
      this.event('info', "Interrupted the notebook's kernel.");
      return Promise.resolve(interrupt()).then(() => undefined);
    }
    return (this.stopping ??= this.stopCascade());
  }

  private async stopCascade(): Promise<void> {
    const { control } = this.source;
    this.info.state = 'stopping';
    this.publish();
    if (control) {
      const grace = numericSetting('stopGraceSeconds', vscode.workspace.getConfiguration('trainingMonitor').get('stopGraceSeconds'));
      this.stopAsked = true;
      const exit = await control.stop(grace * 1000, (text) => this.event('info', text));
      if (!exit) {
        // its backend could not confirm the end (it said why): still followed, and Stop can be tried again
        this.stopping = undefined;
        if (this.info.state === 'stopping') this.info.state = 'running';
        this.publish();
        return;
      }
      // a local process group's files should be still now: one that grows has a writer Stop missed
      const dir = this.source.runDir;
      if (dir && control.pid !== undefined) this.unwatchGrowth = watchGrowth(dir, (g) => this.event('warning', growthText(g)));
      return this.ended;
    }
    await this.pipeline.drain();
    Object.assign(this.info, { state: 'stopped', exit: 'no longer followed' });
    this.publish();
  }

  /** Every stored point of every series, at full fidelity (for the CSV export). */
  async allPoints(): Promise<SeriesDelta[]> {
    return (await this.pipeline.snapshot(true)).series;
  }

  /** A webview's question about the run's data: a zoomed chart's window at full fidelity, log lines read back, a log search. */
  async answer(q: WebviewQuestion): Promise<HostToWebview> {
    switch (q.type) {
      case 'window':
        return { type: 'window', id: q.id, series: await this.pipeline.window(q.keys, q.x0, q.x1, q.buckets, q.axis) };
      case 'logLines':
        return { type: 'logLines', id: q.id, from: q.from, lines: await this.pipeline.logLines(q.stream, q.from, q.count) };
      case 'logSearch':
        return { type: 'logSearch', id: q.id, ...(await this.pipeline.logSearch(q.stream, q.query, LOG_SEARCH_LIMIT)) };
    }
  }

  async snapshot(): Promise<Extract<HostToWebview, { type: 'snapshot' }>> {
    const batch = await this.pipeline.snapshot();
    batch.events = [...batch.events, ...this.events].sort((a, b) => a.time - b.time);
    return { type: 'snapshot', run: this.run, batch };
  }

  /** Deactivation: the workers end with the extension; a launched training keeps running. */
  dispose(): Promise<void> {
    this.unwatchGrowth?.();
    this.alerts.dispose();
    this.source.dispose?.();
    return this.pipeline.dispose();
  }

  private async finish(exit: ExitInfo): Promise<void> {
    const exitText = exitTextOf(exit);
    const how = outcome(exit, this.stopAsked);
    this.info.detail = undefined;
    this.event(how === 'failed' ? 'error' : 'info', `The training ended (${exitText}).`);
    // The run is over once every byte it wrote has been read and shown.
    await this.pipeline.drain();
    this.event('info', 'Read every file to its end; the workers ended.');
    Object.assign(this.info, { state: how, exit: exitText });
    this.publish();
    if (how === 'failed') this.alerts.failed(exitText);
  }

  /** A queued run waits (`why`: the scheduler's state and reason), or began to run (''). */
  private waiting(why: string): void {
    if (!this.live || this.info.state === 'stopping' || (this.info.detail ?? '') === why) return;
    this.info.state = why ? 'pending' : 'running';
    this.info.detail = why || undefined;
    this.event('info', why ? `${this.source.control!.label} waits: ${why}.` : `${this.source.control!.label} is running.`);
    this.publish();
  }

  /** New workers send every point again: the webviews start over from their (empty) snapshot. */
  private restarted(text: string): void {
    this.event('warning', text);
    this.host.resend(this);
  }

  private forward(batch: Batch, points: number): Promise<void> | void {
    this.points = points;
    for (const s of batch.series) {
      if (s.x.length) this.lastByName.set(s.name, { name: s.name, value: s.y[s.y.length - 1], x: s.x[s.x.length - 1], xKind: s.xKind });
      if (s.x.length && lossRank(s.name) < 2 && (!this.latest || lossRank(s.name) <= lossRank(this.latest.name))) {
        this.latest = { name: s.name, value: s.y[s.y.length - 1], x: s.x[s.x.length - 1], xKind: s.xKind };
      }
    }
    if (batch.series.length || batch.logs.length) {
      this.alerts.activity(batch.series);
      if (this.info.state === 'pending') this.source.control?.nudge?.(); // output: it runs now, most likely
    }
    if (this.live) this.host.changed(this);
    if (this.host.isShown(this)) return this.host.webviews.postBatch(batch);
    const overlaid = this.host.overlayBatch(this, batch);
    return overlaid && this.host.webviews.postBatch(overlaid);
  }

  private event(level: EventLevel, text: string): void {
    const e: MonitorEvent = { time: Date.now(), level, text };
    this.events.push(e);
    if (this.source.runDir && !this.source.ended) fs.appendFile(path.join(this.source.runDir, 'events.jsonl'), JSON.stringify(e) + '\n', () => undefined);
    if (!this.host.isShown(this)) return;
    const batch = emptyBatch();
    batch.events.push(e);
    void this.host.webviews.postBatch(batch);
  }

  private publish(): void {
    if (this.host.isShown(this)) void this.host.webviews.post({ type: 'run', run: this.run });
    this.host.changed(this);
  }
}

/** Matches a log search reports: enough to step through, few enough to send at once. */
const LOG_SEARCH_LIMIT = 10_000;

/** The status bar shows the training loss: `loss`/`train_loss` first, else any other `*loss*`. */
function lossRank(name: string): number {
  return name === 'loss' || name === 'train_loss' ? 0 : /loss/i.test(name) ? 1 : 2;
}

/** How a run ended, in a few words: `exit 130`, `signal SIGKILL`, or the scheduler's `CANCELLED`, `TIMEOUT`. */
function exitTextOf(exit: ExitInfo): string {
  const plain = exit.signal ? `signal ${exit.signal}` : exit.code === null ? 'exit status unknown' : `exit ${exit.code}`;
  if (!exit.state || exit.state === 'COMPLETED' || exit.state === 'FAILED') return plain;
  return exit.code ? `${exit.state}, exit ${exit.code}` : exit.state;
}
