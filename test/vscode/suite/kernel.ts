/**
 * A test-only notebook controller (never packaged: `.vscodeignore` ships only `dist/`): runs cells
 * in a real IPython kernel through `test/vscode/kernel_bridge.py` (jupyter_client) and applies the
 * kernel's iopub messages to the cell outputs the way the Jupyter extension does, following
 * vscode-jupyter `CellExecutionMessageHandler`:
 * - `handleStreamMessage`: text appended as items of the last output when that output is the same
 *   stream (`appendOutputItems`), else a new output; VS Code then merges the items per stream;
 * - `handleDisplayData` / `execute_result`: a new output, remembered by its `display_id`;
 * - `handleUpdateDisplayDataMessage`: that output's items replaced (`replaceOutputItems`);
 * - `handleError`: an error output (`NotebookCellOutputItem.error`); `handleClearOutput`: cleared;
 * - `handleExecuteInput`: the execution order; the execute reply's status ends the execution.
 * Interrupting (VS Code's cancel) interrupts the kernel: the running code gets KeyboardInterrupt.
 * `playJupyter` also registers the Jupyter extension's `jupyter.interruptkernel`, which interrupts
 * this kernel the same way (vscode-jupyter `notebookCommandListener.ts` `interruptKernel`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';
import * as vscode from 'vscode';

interface BridgeMessage {
  id?: string;
  type: string;
  content: Record<string, unknown>;
}

type MimeBundle = Record<string, unknown>;

function items(data: MimeBundle): vscode.NotebookCellOutputItem[] {
  return Object.entries(data).map(([mime, value]) =>
    typeof value === 'string' ? vscode.NotebookCellOutputItem.text(value, mime) : vscode.NotebookCellOutputItem.json(value, mime),
  );
}

export class TestKernel implements vscode.Disposable {
  readonly controller: vscode.NotebookController;
  private readonly bridge: ChildProcess;
  private readonly ready: Promise<void>;
  private readonly handlers = new Map<string, (msg: BridgeMessage) => void>();
  private queue: Promise<void> = Promise.resolve();
  private next = 0;
  /** Every message the kernel sent, for diagnosis. */
  readonly log: string[] = [];
  /** Interrupts asked through VS Code's cancel (the controller's interrupt handler), and through `jupyter.interruptkernel`. */
  readonly interrupts = { cancel: 0, jupyter: 0 };

  constructor(extensionPath: string, cwd: string) {
    this.controller = vscode.notebooks.createNotebookController('training-monitor-test-kernel', 'jupyter-notebook', 'Test IPython kernel');
    this.controller.supportedLanguages = ['python'];
    this.controller.supportsExecutionOrder = true;
    this.controller.executeHandler = (cells) => {
      // each cell queued at once (VS Code shows it pending), run in order
      for (const cell of cells) {
        const execution = this.controller.createNotebookCellExecution(cell);
        this.queue = this.queue.then(() => this.run(execution));
      }
    };
    this.controller.interruptHandler = async () => {
      this.interrupts.cancel++;
      this.send({ op: 'interrupt' });
    };
    this.bridge = spawn('/usr/bin/python3', [path.join(extensionPath, 'test', 'vscode', 'kernel_bridge.py')], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    this.bridge.stderr!.on('data', (d: Buffer) => this.log.push(`stderr: ${d.toString().slice(0, 500)}`));
    let ready!: () => void;
    this.ready = new Promise((r) => (ready = r));
    readline.createInterface({ input: this.bridge.stdout! }).on('line', (line) => {
      const msg = JSON.parse(line) as BridgeMessage;
      if (msg.type === 'ready') return ready();
      this.handlers.get(msg.id ?? '')?.(msg);
    });
  }

  /** Makes this controller the notebook's kernel. */
  async select(editor: vscode.NotebookEditor): Promise<void> {
    this.controller.updateNotebookAffinity(editor.notebook, vscode.NotebookControllerAffinity.Preferred);
    await vscode.window.showNotebookDocument(editor.notebook, { viewColumn: editor.viewColumn });
    await vscode.commands.executeCommand('notebook.selectKernel', { id: this.controller.id, extension: 'training-monitor.training-monitor' });
    await this.ready;
  }

  /**
   * Plays the Jupyter extension's part: `jupyter.interruptkernel` with its argument
   * (`{ notebookEditor: { notebookUri } }`) interrupts the kernel of that notebook, if it is this one's.
   */
  playJupyter(notebook: vscode.NotebookDocument): vscode.Disposable {
    return vscode.commands.registerCommand('jupyter.interruptkernel', (arg?: { notebookEditor?: { notebookUri?: vscode.Uri } }) => {
      if (arg?.notebookEditor?.notebookUri?.toString() !== notebook.uri.toString()) return;
      this.interrupts.jupyter++;
      this.send({ op: 'interrupt' });
    });
  }

  dispose(): void {
    this.bridge.stdin!.end();
    this.controller.dispose();
  }

  private send(msg: object): void {
    this.bridge.stdin!.write(JSON.stringify(msg) + '\n');
  }

  private async run(execution: vscode.NotebookCellExecution): Promise<void> {
    await this.ready;
    const id = String(++this.next);
    execution.start(Date.now());
    await execution.clearOutput();
    let stream: { name: string; output: vscode.NotebookCellOutput } | undefined;
    const displays = new Map<string, vscode.NotebookCellOutput>();
    const done = new Promise<void>((resolve) => {
      this.handlers.set(id, (msg) => {
        const c = msg.content;
        this.log.push(`${id} ${msg.type}${msg.type === 'done' ? ` ${String(c.status)} ${String(c.ename ?? '')}` : ''}`);
        switch (msg.type) {
          case 'execute_input':
            execution.executionOrder = c.execution_count as number;
            break;
          case 'stream': {
            const name = c.name as string;
            const item = name === 'stderr' ? vscode.NotebookCellOutputItem.stderr(c.text as string) : vscode.NotebookCellOutputItem.stdout(c.text as string);
            if (stream?.name === name) void execution.appendOutputItems(item, stream.output);
            else {
              stream = { name, output: new vscode.NotebookCellOutput([item]) };
              void execution.appendOutput(stream.output);
            }
            break;
          }
          case 'display_data':
          case 'execute_result': {
            const output = new vscode.NotebookCellOutput(items(c.data as MimeBundle));
            const displayId = (c.transient as { display_id?: string } | undefined)?.display_id;
            if (displayId) displays.set(displayId, output);
            stream = undefined;
            void execution.appendOutput(output);
            break;
          }
          case 'update_display_data': {
            const output = displays.get((c.transient as { display_id?: string }).display_id ?? '');
            if (output) void execution.replaceOutputItems(items(c.data as MimeBundle), output);
            break;
          }
          case 'error':
            stream = undefined;
            void execution.appendOutput(
              new vscode.NotebookCellOutput([
                vscode.NotebookCellOutputItem.error({ name: c.ename as string, message: c.evalue as string, stack: (c.traceback as string[]).join('\n') }),
              ]),
            );
            break;
          case 'clear_output':
            stream = undefined;
            void execution.clearOutput();
            break;
          case 'done':
            this.handlers.delete(id);
            execution.end(c.status === 'ok', Date.now());
            resolve();
        }
      });
    });
    this.send({ op: 'execute', id, code: execution.cell.document.getText() });
    await done;
  }
}
