/**
 * Every live monitor webview (the editor panel beside the code and the panel-area view). The host
 * owns the data: a webview that loads or reloads says `ready` and gets a snapshot; until then
 * batches for it are dropped (the snapshot will hold them).
 */
import * as vscode from 'vscode';
import type { Batch } from '../core/protocol/batch';
import { checkWebviewMessage } from '../core/protocol/validate';
import type { HostToWebview, WebviewToHost } from '../core/protocol/webview';
import { monitorHtml } from './html';

export const PANEL_TYPE = 'trainingMonitor.panel';
export const VIEW_ID = 'trainingMonitor.view';

export interface WebviewHandler {
  /** A webview loaded: what should it show? */
  snapshot(): Promise<HostToWebview>;
  /** `reply` answers the webview that sent `msg` (a zoom window is for that webview only). */
  onMessage(msg: WebviewToHost, reply: (answer: HostToWebview) => Thenable<boolean>): void;
}

class Connection {
  ready = false;
  constructor(readonly webview: vscode.Webview) {}
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

  /** Opens the panel beside the active editor or notebook, or reveals it, keeping focus where it is. */
  showPanel(): void {
    if (this.panel) {
      // an editor opened since in the panel's group would hide it: it moves beside that editor
      const code = vscode.window.activeTextEditor?.viewColumn ?? vscode.window.activeNotebookEditor?.viewColumn;
      this.panel.reveal(code !== undefined && code === this.panel.viewColumn ? vscode.ViewColumn.Beside : undefined, true);
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      PANEL_TYPE,
      'Training Monitor',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      this.options(),
    );
    this.adoptPanel(panel);
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    const c = this.connect(view.webview);
    view.onDidDispose(() => this.connections.delete(c));
  }

  /** Sends to every webview that has loaded; resolves when each has taken it (one in flight per batch). */
  async post(msg: HostToWebview): Promise<void> {
    await Promise.all([...this.connections].filter((c) => c.ready).map((c) => c.webview.postMessage(msg)));
  }

  postBatch(batch: Batch): Promise<void> {
    return this.post({ type: 'batch', batch });
  }

  /** Webviews that loaded and got their snapshot: the editor panel, the panel-area view. */
  get loaded(): number {
    return [...this.connections].filter((c) => c.ready).length;
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
      if (msg.type === 'ready') {
        c.ready = false; // a reload: batches wait for its snapshot, which holds them
        const snapshot = await this.handler.snapshot();
        // Ready before posting: a batch that arrives from here on is newer than the snapshot and,
        // posts being ordered, reaches the page after it.
        c.ready = true;
        await webview.postMessage(snapshot);
      } else {
        this.handler.onMessage(msg, (answer) => webview.postMessage(answer));
      }
    });
    return c;
  }

  private drop(why: string): void {
    if (this.dropped.has(why) || this.dropped.size >= 100) return;
    this.dropped.add(why);
    console.warn(`Training Monitor: dropped a message from the webview (${why}).`);
  }
}
