/**
 * One monitored run: its process, its two workers, and what the webviews and the status bar show
 * of it. The main thread only forwards: bytes and parsing stay in the workers.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { emptyBatch, type Batch, type EventLevel, type MonitorEvent } from '../core/protocol/batch';
import type { HostToWebview, RunInfo } from '../core/protocol/webview';
import { Pipeline } from '../workers/pipeline';
import { commandLine, createRunDir, TrainingProcess, type LaunchSpec } from './process';
import type { Latest, RunStatusBar } from './statusBar';
import type { MonitorWebviews } from './webviews';

export interface MonitorState {
  run: RunInfo;
  runDir: string;
  pid: number;
  workerThreadIds: number[];
  points: number;
}

export class Monitor {
  readonly runDir: string;
  private readonly process: TrainingProcess;
  private readonly pipeline: Pipeline;
  private readonly info: RunInfo;
  /** The host's own events (start, signals, exit); the refiner keeps the parse warnings. */
  private readonly events: MonitorEvent[] = [];
  private latest: Latest | undefined;
  /** Points the refiner's store holds (replaced and restarted ones counted once). */
  private points = 0;
  private readonly ended: Promise<void>;

  constructor(
    spec: LaunchSpec,
    root: string,
    extensionUri: vscode.Uri,
    private readonly webviews: MonitorWebviews,
    private readonly statusBar: RunStatusBar,
    private readonly onStateChange: () => void,
  ) {
    this.runDir = createRunDir(root, spec.name);
    this.info = { name: spec.name, state: 'running', command: commandLine(spec) };
    const settings = vscode.workspace.getConfiguration('trainingMonitor');
    this.pipeline = new Pipeline(
      {
        root: this.runDir,
        workersDir: vscode.Uri.joinPath(extensionUri, 'dist', 'workers').fsPath,
        updatesPerSecond: settings.get<number>('updatesPerSecond') ?? 20,
        live: true,
      },
      { batch: (b, points) => this.forward(b, points), error: (text) => this.event('error', text) },
    );
    this.process = new TrainingProcess(spec, this.runDir);
    this.event('info', `Started ${this.info.command} (pid ${this.process.pid}) in ${spec.cwd}; logs in ${path.relative(root, this.runDir)}.`);
    this.publish();
    this.ended = this.process.exited.then(async (exit) => {
      const exitText = exit.signal ? `signal ${exit.signal}` : `exit ${exit.code}`;
      const outcome = this.info.state === 'stopping' ? 'stopped' : exit.code === 0 ? 'finished' : 'failed';
      this.event(outcome === 'failed' ? 'error' : 'info', `The training ended (${exitText}).`);
      // The run is over once every byte it wrote has been read and shown.
      await this.pipeline.drain();
      this.event('info', 'Read every file to its end; the workers ended.');
      Object.assign(this.info, { state: outcome, exit: exitText });
      this.publish();
    });
  }

  get live(): boolean {
    return this.info.state === 'running' || this.info.state === 'stopping';
  }

  get state(): MonitorState {
    return { run: { ...this.info }, runDir: this.runDir, pid: this.process.pid, workerThreadIds: this.pipeline.threadIds, points: this.points };
  }

  /** The stop cascade: signals to the process group, then the workers drain and end. */
  async stop(): Promise<void> {
    if (this.live && this.info.state !== 'stopping') {
      this.info.state = 'stopping';
      this.publish();
      const grace = vscode.workspace.getConfiguration('trainingMonitor').get<number>('stopGraceSeconds') ?? 10;
      await this.process.stop(grace * 1000, (text) => this.event('info', text));
    }
    await this.ended;
  }

  async snapshot(): Promise<HostToWebview> {
    const batch = await this.pipeline.snapshot();
    batch.events = [...batch.events, ...this.events].sort((a, b) => a.time - b.time);
    return { type: 'snapshot', run: { ...this.info }, batch };
  }

  /** Deactivation: the workers end with the extension; a launched training keeps running. */
  dispose(): Promise<void> {
    return this.pipeline.dispose();
  }

  private forward(batch: Batch, points: number): Promise<void> {
    this.points = points;
    for (const s of batch.series) {
      if (s.x.length && lossRank(s.name) < 2 && (!this.latest || lossRank(s.name) <= lossRank(this.latest.name))) {
        this.latest = { name: s.name, value: s.y[s.y.length - 1], x: s.x[s.x.length - 1] };
      }
    }
    if (this.live) this.statusBar.show(this.info, this.latest);
    return this.webviews.postBatch(batch);
  }

  private event(level: EventLevel, text: string): void {
    const e: MonitorEvent = { time: Date.now(), level, text };
    this.events.push(e);
    const batch = emptyBatch();
    batch.events.push(e);
    void this.webviews.postBatch(batch);
  }

  private publish(): void {
    this.statusBar.show(this.info, this.latest);
    void this.webviews.post({ type: 'run', run: { ...this.info } });
    this.onStateChange();
  }
}

/** The status bar shows the training loss: `loss`/`train_loss` first, else any other `*loss*`. */
function lossRank(name: string): number {
  return name === 'loss' || name === 'train_loss' ? 0 : /loss/i.test(name) ? 1 : 2;
}
