/** Saving what the monitor shows: a chart as PNG, a run's points as CSV, where the user chooses. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { plainText } from '../core/display';
import { seriesToCsv } from '../core/exportCsv';
import type { Monitor } from './monitor';

/** Where the save dialog starts: the run's folder, else the workspace. */
function folderOf(monitor: Monitor | undefined): vscode.Uri | undefined {
  const dir = monitor?.source.runDir ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  return dir ? vscode.Uri.file(dir) : undefined;
}

const safe = (name: string) => name.replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '') || 'chart';

async function save(monitor: Monitor | undefined, file: string, filters: Record<string, string[]>, bytes: () => Promise<Uint8Array> | Uint8Array): Promise<void> {
  const dir = folderOf(monitor);
  const uri = await vscode.window.showSaveDialog({ defaultUri: dir ? vscode.Uri.joinPath(dir, file) : undefined, filters });
  if (!uri) return;
  await vscode.workspace.fs.writeFile(uri, await bytes());
  void vscode.window.showInformationMessage(`Saved ${plainText(path.basename(uri.fsPath))}.`);
}

export function savePng(monitor: Monitor | undefined, name: string, png: string): Promise<void> {
  const base64 = /^data:image\/png;base64,([A-Za-z0-9+/=]+)$/.exec(png)?.[1];
  if (!base64) return Promise.resolve(); // not an image from our webview
  return save(monitor, `${safe(name)}.png`, { 'PNG image': ['png'] }, () => Buffer.from(base64, 'base64'));
}

export function saveCsv(monitor: Monitor | undefined): Promise<void> {
  if (!monitor) return Promise.resolve(void vscode.window.showInformationMessage('No run to export.'));
  return save(monitor, `${safe(monitor.name)}-metrics.csv`, { CSV: ['csv'] }, async () => new TextEncoder().encode(seriesToCsv(await monitor.allPoints())));
}
