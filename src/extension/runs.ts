/**
 * The runs of this window: those followed, the one the webviews show, those drawn over it for
 * comparison, and the workspace's past runs, which the run selector can open. An overlaid run's
 * series reach the webviews under keys tagged with its run (its logs and events do not), and a
 * zoom window for them is asked of its own monitor.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { emptyBatch, type Batch, type SeriesDelta, type WindowSeries } from '../core/protocol/batch';
import type { HostToWebview, RunChoice, WebviewQuestion } from '../core/protocol/webview';
import type { Monitor } from './monitor';
import { listRuns } from './backends';
import { past, runLabel, type RunSource } from './sources';
import type { MonitorWebviews } from './webviews';

/**
 * How long a listing of past runs serves the run selector's updates (sent with every batch's
 * refresh) before the folders are read again; a reloading webview and `choices(true)` read them now.
 */
const PAST_TTL_MS = 30_000;

/** Separates an overlaid run's tag from a series key (no key holds it). */
const TAG = '\u0000';

export class Runs {
  /** Every run followed, oldest first. */
  readonly all: Monitor[] = [];
  shown: Monitor | undefined;
  private overlays: Monitor[] = [];
  /** The workspace's past runs, as last listed (listing reads every run.json: at most every PAST_TTL_MS). */
  private past: ReturnType<typeof listRuns> | undefined;
  private pastListed = 0;
  /** The choices last sent, to send only changes. */
  private sentChoices = '';

  constructor(
    private readonly webviews: MonitorWebviews,
    private readonly create: (source: RunSource) => Monitor,
    private readonly changed: () => void,
  ) {}

  /** Follows `source`; shows it unless `show` is false. */
  follow(source: RunSource, show = true, reveal = true): Monitor {
    const m = this.create(source);
    this.all.push(m);
    this.past = undefined;
    if (show) void this.show(m, reveal);
    else this.changed();
    return m;
  }

  /** Makes `m` the run the webviews show (they get a new snapshot), and opens the panel when `reveal`. */
  async show(m: Monitor, reveal = true): Promise<void> {
    if (this.shown !== m) {
      this.shown = m;
      this.overlays = this.overlays.filter((o) => o !== m);
      this.changed();
      await this.resend();
    }
    if (reveal) this.webviews.showPanel();
  }

  /** Draws run `m` over the shown one, or stops. */
  async overlay(m: Monitor, on: boolean): Promise<void> {
    const has = this.overlays.includes(m);
    if (m === this.shown || on === has) return;
    this.overlays = on ? [...this.overlays, m] : this.overlays.filter((o) => o !== m);
    this.changed();
    await this.resend();
  }

  /** The run with folder (or followed path) `id`; a past run is opened first. */
  byId(id: string): Monitor | undefined {
    const followed = this.all.find((m) => m.id === id);
    if (followed) return followed;
    const find = () => this.pastRuns().find((r) => path.resolve(r.runDir) === id);
    let run = find();
    if (!run) {
      this.past = undefined; // listed before it was written: look again
      run = find();
    }
    return run && this.follow(past(run.runDir, run.record), false);
  }

  isShown(m: Monitor): boolean {
    return m === this.shown;
  }

  /** An overlaid run's tag for its series keys, else undefined. */
  tagOf(m: Monitor): string | undefined {
    const i = this.overlays.indexOf(m);
    return i < 0 ? undefined : `run${this.all.indexOf(m)}`;
  }

  /** What the run selector offers; `fresh`: the workspace's past runs listed again now. */
  choices(fresh = false): RunChoice[] {
    if (fresh) this.past = undefined;
    const followed = [...this.all].reverse().map((m) => ({
      id: m.id,
      label: m.label,
      name: m.source.name,
      start: m.source.started,
      state: m.run.state,
      shown: m === this.shown,
      overlaid: this.overlays.includes(m),
    }));
    const pastOnes = this.pastRuns().map((r) => ({
      id: path.resolve(r.runDir),
      label: runLabel(r.record.name, r.record.start),
      name: r.record.name,
      start: r.record.start,
      end: r.record.end,
      state: 'past' as const,
      shown: false,
      overlaid: false,
    }));
    return [...followed, ...pastOnes];
  }

  /** What a (re)loading webview shows: the shown run, with the overlaid runs' series. */
  async snapshot(): Promise<HostToWebview> {
    const main = this.shown ? await this.shown.snapshot() : { type: 'snapshot' as const, run: undefined, batch: emptyBatch() };
    // per run, the last batch the snapshot holds: the page drops those batches when they follow it
    const seqs: Record<string, number> = {};
    if (main.batch.seq !== undefined) seqs[''] = main.batch.seq;
    for (const o of this.overlays) {
      const { batch } = await o.snapshot();
      const tag = this.tagOf(o);
      if (tag === undefined) continue; // no longer overlaid
      main.batch.series.push(...this.tagged(o, batch.series));
      if (batch.seq !== undefined) seqs[tag] = batch.seq;
    }
    const runs = this.choices(true);
    this.sentChoices = JSON.stringify(runs);
    return { ...main, runs, seqs };
  }

  /** A batch of overlaid run `m`: its series only, tagged. */
  overlayBatch(m: Monitor, batch: Batch): Batch | undefined {
    const run = this.tagOf(m);
    return run === undefined ? undefined : { series: this.tagged(m, batch.series), logs: [], events: [], seq: batch.seq, run };
  }

  /** A webview's question: log questions are for the shown run; a window's keys go to their runs. */
  async answer(q: WebviewQuestion): Promise<HostToWebview | undefined> {
    if (q.type !== 'window') return this.shown?.answer(q);
    const byRun = new Map<Monitor, string[]>();
    for (const key of q.keys) {
      const cut = key.indexOf(TAG);
      const m = cut < 0 ? this.shown : this.overlays.find((o) => this.tagOf(o) === key.slice(0, cut));
      if (m) byRun.set(m, [...(byRun.get(m) ?? []), cut < 0 ? key : key.slice(cut + 1)]);
    }
    // each run's worker answers its own keys, at the same time
    const answers = await Promise.all(
      [...byRun].map(async ([m, keys]): Promise<WindowSeries[]> => {
        const answer = await m.answer({ ...q, keys });
        const tag = this.tagOf(m);
        return answer.type !== 'window' ? [] : answer.series.map((s) => (tag === undefined ? s : { ...s, key: tag + TAG + s.key }));
      }),
    );
    return { type: 'window', id: q.id, series: answers.flat() };
  }

  /** Sends the webviews everything again (the shown run or its overlays changed). */
  resend(): Promise<void> {
    return this.webviews.resend();
  }

  /** Tells the webviews the runs to choose from, when that changed (a run started, ended, was shown). */
  postChoices(): void {
    const runs = this.choices();
    const text = JSON.stringify(runs);
    if (text === this.sentChoices) return;
    this.sentChoices = text;
    void this.webviews.post({ type: 'runs', runs });
  }

  dispose(): Promise<unknown> {
    return Promise.all(this.all.map((m) => m.dispose()));
  }

  private tagged(m: Monitor, series: SeriesDelta[]): SeriesDelta[] {
    const tag = this.tagOf(m)!;
    return series.map((s) => ({ ...s, key: tag + TAG + s.key, source: `${m.label} · ${s.source}` }));
  }

  /** Runs of the workspace's `.training-monitor/runs` that are not followed, newest first. */
  private pastRuns(): ReturnType<typeof listRuns> {
    const followed = new Set(this.all.map((m) => m.id));
    if (!this.past || Date.now() - this.pastListed > PAST_TTL_MS) {
      this.past = (vscode.workspace.workspaceFolders ?? []).flatMap((f) => listRuns(f.uri.fsPath, vscode.workspace.isTrusted));
      this.pastListed = Date.now();
    }
    return this.past.filter((r) => !r.alive && !followed.has(path.resolve(r.runDir)));
  }
}
