/** Driving VS Code's quick input (quick picks, code-server's save dialog) from a test. */
import * as vscode from 'vscode';
import { until } from '../../helpers';

/**
 * Accepts the quick input's selected item every half second until `done` holds, then closes
 * whatever is left open. Accepting before the input shows does nothing, and it may show late on a
 * loaded machine: a fixed wait made these tests flaky.
 */
export async function acceptUntil<T>(done: () => T | undefined | false, ms: number, what: string): Promise<T> {
  const accepting = setInterval(() => done() || void vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem'), 500);
  try {
    return await until(done, ms, what);
  } finally {
    clearInterval(accepting);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen'); // a failure must not leave it open for the next test
  }
}
