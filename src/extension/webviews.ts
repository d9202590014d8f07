/**
 * Every live monitor webview (the editor panel beside the code and the panel-area view). The host
 * owns the data: a webview that loads or reloads says `ready` and gets a snapshot; until then
 * batches for it are dropped (the snapshot will hold them). Batches and snapshots are ordered by
 * number, not by timing (outbox.ts). A webview's question gets its answer or an error reply.
 */
import * as vscode from 'vscode';
import type { Batch } from '../core/protocol/batch';
import { answer } from '../core/protocol/request';
import { checkWebviewMessage } from '../core/protocol/validate';
import type { HostToWebview, WebviewQuestion, WebviewToHost } from '../core/protocol/webview';
import { monitorHtml } from './html';
import { Outbox } from './outbox';

export const PANEL_TYPE = 'trainingMonitor.panel';
export const VIEW_ID = 'trainingMonitor.view';

export interface WebviewHandler {
  /** A webview loaded: what should it show? */
  snapshot(): Promise<HostToWebview>;
  /** The answer to a webview's question, for that webview only; undefined when there is no run to ask. */
  answer(q: WebviewQuestion): Promise<HostToWebview | undefined>;
  /** Any other message. */
  onMessage(msg: Exclude<WebviewToHost, WebviewQuestion>): void;
}

class Connection {
  readonly outbox: Outbox<HostToWebview>;
  constructor(readonly webview: vscode.Webview) {
    this.outbox = new Outbox((msg) => webview.postMessage(msg));
  }
}

/**
 * Resolves once VS Code's own editor that is active now (no document, notebook or webview behind
 * its tab, alone in its group) has gone or is no longer the active one; at once otherwise. Trust
 * is granted from such an editor, the Workspace Trust editor, which recent VS Code opens in a modal
 * editor part: a panel opened "beside" it gets a new group in that modal part, which VS Code's
 * `findGroup` (`handleModalEditorPart`) then sends to the main part's active group, as a tab over
 * the code. A view column does not help: the modal group takes the next column number.
 */
export function whenOwnEditorLeaves(): Promise<void> {
  const tabs = vscode.window.tabGroups;
  // by label, not by object: the tab groups are made anew when VS Code sends the whole model again
  const ownEditor = () => {
    const group = tabs.activeTabGroup;
    return group.tabs.length === 1 && group.activeTab && group.activeTab.input === undefined ? group.activeTab.label : undefined;
  };
  const label = ownEditor();
  if (label === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    const check = () => {
      if (ownEditor() === label) return;
      for (const d of subscriptions) d.dispose();
      resolve();
    };
    const subscriptions = [tabs.onDidChangeTabGroups(check), tabs.onDidChangeTabs(check)];
  });
}

export class MonitorWebviews implements vscode.WebviewViewProvider, vscode.Disposable {
  private connections = new Set<Connection>();
  private panel: vscode.WebviewPanel | undefined;
  private disposables: vscode.Disposable[] = [];
  /** Why messages were dropped, each said once. */
  private readonly dropped = new Set<string>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly handler: WebviewHandler,
  ) {
    this.disposables.push(
      vscode.window.registerWebviewViewProvider(VIEW_ID, this),
      vscode.window.registerWebviewPanelSerializer(PANEL_TYPE, {
        deserializeWebviewPanel: async (panel) => this.adoptPanel(panel),
      }),
    );
  }

  /**
   * Opens the panel beside the active editor or notebook, or reveals it: keeping focus where it is
   * (a run starting beside the code), or with `focus` moving it into the monitor ("Show Monitor").
   */
  showPanel(focus = false): void {
    if (this.panel) {
      // an editor opened since in the panel's group would hide it: it moves beside that editor
      const code = vscode.window.activeTextEditor?.viewColumn ?? vscode.window.activeNotebookEditor?.viewColumn;
      this.panel.reveal(code !== undefined && code === this.panel.viewColumn ? vscode.ViewColumn.Beside : undefined, !focus);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      PANEL_TYPE,
      'Training Monitor',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: !focus },
      this.options(),
    );
    this.adoptPanel(panel);
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    const c = this.connect(view.webview);
    view.onDidDispose(() => this.connections.delete(c));
  }

  /** Sends to every webview that has loaded. */
  async post(msg: HostToWebview): Promise<void> {
    await Promise.all([...this.connections].filter((c) => c.outbox.loaded).map((c) => c.webview.postMessage(msg)));
  }

  /** Sends a batch to every webview that has loaded; resolves when each has taken it (one in flight per batch). */
  async postBatch(batch: Batch): Promise<void> {
    await Promise.all([...this.connections].map((c) => c.outbox.batch({ type: 'batch', batch })));
  }

  /** Sends every loaded webview a new snapshot (the shown run or its overlays changed). */
  async resend(): Promise<void> {
    await Promise.all([...this.connections].filter((c) => c.outbox.loaded).map((c) => this.sendSnapshot(c, false)));
  }

  /** Webviews that loaded and got their snapshot: the editor panel, the panel-area view. */
  get loaded(): number {
    return [...this.connections].filter((c) => c.outbox.loaded).length;
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }

  private adoptPanel(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.png');
    const c = this.connect(panel.webview);
    panel.onDidDispose(() => {
      this.connections.delete(c);
      if (this.panel === panel) this.panel = undefined;
    });
  }

  private options(): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview')],
    };
  }

  private connect(webview: vscode.Webview): Connection {
    webview.options = this.options();
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
    webview.html = monitorHtml({
      cspSource: webview.cspSource,
      script: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'main.js')).toString(),
      style: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'main.css')).toString(),
    });
    const c = new Connection(webview);
    this.connections.add(c);
    webview.onDidReceiveMessage(async (raw: unknown) => {
      // checked before anything acts on it or a worker sees it (see validate.ts)
      const checked = checkWebviewMessage(raw);
      if (!checked.ok) return this.drop(checked.why);
      const msg = checked.msg;
      if (msg.type === 'ready') return this.sendSnapshot(c, true); // a reload: the page starts empty
      if (msg.type !== 'window' && msg.type !== 'logLines' && msg.type !== 'logSearch') return this.handler.onMessage(msg);
      await answer(
        msg,
        async (q) => (await this.handler.answer(q)) ?? Promise.reject(new Error('no run is shown')),
        (reply) => void webview.postMessage(reply),
      );
    });
    return c;
  }

  private async sendSnapshot(c: Connection, reload: boolean): Promise<void> {
    try {
      await c.outbox.snapshot(() => this.handler.snapshot(), reload);
    } catch (err) {
      console.warn(`Training Monitor: could not make a webview's snapshot (${err instanceof Error ? err.message : String(err)}).`);
    }
  }

  private drop(why: string): void {
    if (this.dropped.has(why) || this.dropped.size >= 100) return;
    this.dropped.add(why);
    console.warn(`Training Monitor: dropped a message from the webview (${why}).`);
  }
}
