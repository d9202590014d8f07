/**
 * Saving what the monitor shows: a chart as PNG, a run's points as CSV (streamed to the file),
 * where the user chooses. A failure is shown to the user, never dropped.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { plainText } from '../core/display';
import { seriesToCsv } from '../core/exportCsv';
import { writeCsvFile } from './csvFile';
import type { Monitor } from './monitor';

/**
 * Where the save dialog starts: the workspace folder, outside the run folders the monitor reads
 * (an export saved into one anyway is recognised by its header and not read as data).
 */
function folderOf(monitor: Monitor | undefined): vscode.Uri | undefined {
  const source = monitor?.source;
  const dir = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? (source && path.dirname(source.runDir ?? source.root));
  return dir ? vscode.Uri.file(dir) : undefined;
}

const safe = (name: string) => name.replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '') || 'chart';

async function save(monitor: Monitor | undefined, file: string, filters: Record<string, string[]>, write: (uri: vscode.Uri) => Promise<void>): Promise<void> {
  const dir = folderOf(monitor);
  const uri = await vscode.window.showSaveDialog({ defaultUri: dir ? vscode.Uri.joinPath(dir, file) : undefined, filters });
  if (!uri) return;
  const name = plainText(path.basename(uri.fsPath));
  try {
    await write(uri);
  } catch (err) {
    void vscode.window.showErrorMessage(`Training Monitor: could not save ${name}: ${plainText((err as Error).message, 400)}`);
    return;
  }
  void vscode.window.showInformationMessage(`Saved ${name}.`);
}

export function savePng(monitor: Monitor | undefined, name: string, png: string): Promise<void> {
  const base64 = /^data:image\/png;base64,([A-Za-z0-9+/=]+)$/.exec(png)?.[1];
  if (!base64) return Promise.resolve(); // not an image from our webview
  return save(monitor, `${safe(name)}.png`, { 'PNG image': ['png'] }, (uri) =>
    Promise.resolve(vscode.workspace.fs.writeFile(uri, Buffer.from(base64, 'base64'))),
  );
}

export function saveCsv(monitor: Monitor | undefined): Promise<void> {
  if (!monitor) return Promise.resolve(void vscode.window.showInformationMessage('No run to export.'));
  return save(monitor, `${safe(monitor.name)}-metrics.csv`, { CSV: ['csv'] }, async (uri) => {
    const series = await monitor.allPoints();
    // a local file is streamed (a table can outgrow a string); another file system takes one buffer
    if (uri.scheme === 'file') await writeCsvFile(series, uri.fsPath);
    else await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(seriesToCsv(series)));
  });
}
