/** Stop against processes that leave the group (issue 13, item 14), with real processes. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { growthText, watchGrowth, type Growth } from '../../../src/extension/escapees';
import { TrainingProcess, type LaunchSpec } from '../../../src/extension/process';
import { createRunDir } from '../../../src/extension/runFolder';
import { tempDir, until } from '../../helpers';

function py(code: string, cwd: string): LaunchSpec {
  return { command: 'python3', args: ['-c', code], shell: false, cwd, env: {}, name: 'test.py' };
}

/**
 * The training forks a child that exits at once and is never reaped (a zombie that stays in the
 * group), then leaves the group itself with setsid and keeps printing: only the launch wrapper
 * (bash, the group leader) is left for the signals to reach.
 */
const ESCAPEE = `
import os, sys, time
if os.fork() == 0:
    os._exit(0)
os.setsid()
open(os.path.join(os.environ["TRAINING_MONITOR_RUN_DIR"], "escapee.pid"), "w").write(str(os.getpid()))
for i in range(100000):
    print(f"step={i}", flush=True)
    time.sleep(0.05)
`;

describe('Stop: zombies and processes that left the group (real processes)', function () {
  if (process.platform !== 'linux') return;
  const escapees: number[] = [];
  after(() =>
    escapees.forEach((pid) => {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // ended already
      }
    }),
  );

  it('a zombie left in the group does not hold the cascade; a child that escaped with setsid is reported with its pid', async () => {
    const root = tempDir();
    const dir = createRunDir(root, 'escapee');
    const p = new TrainingProcess(py(ESCAPEE, root), dir);
    const escapee = Number(
      await until(() => fs.existsSync(path.join(dir, 'escapee.pid')) && fs.readFileSync(path.join(dir, 'escapee.pid'), 'utf8'), 10_000, 'escapee pid'),
    );
    escapees.push(escapee);
    await until(() => fs.readFileSync(path.join(dir, 'stdout.log'), 'utf8').includes('step=3'), 10_000, 'output');
    const steps: string[] = [];
    const started = Date.now();
    const exit = await p.stop(300, (s) => steps.push(s));
    const took = Date.now() - started;
    // bash waits out SIGINT for its child, ends at SIGTERM; the zombie alone is no reason for SIGKILL
    assert.equal(exit.signal, 'SIGTERM');
    assert.deepEqual(
      steps.map((s) => s.split(' ')[1]),
      ['SIGINT', 'SIGTERM', 'group'],
      steps.join('\n'),
    );
    assert.ok(took < 3000, `the cascade ended ${took} ms after it began (a zombie held it 10 s)`);
    // the escapee still writes: said once, naming it
    const grew = await new Promise<Growth>((resolve) => watchGrowth(dir, resolve, 5000, 200));
    assert.deepEqual(grew.files, ['stdout.log']);
    assert.ok(
      grew.writers.some((w) => w.startsWith(`${escapee} (python3`)),
      grew.writers.join(),
    );
    assert.match(growthText(grew), new RegExp(`^stdout\\.log kept growing after the stop: process .*${escapee} \\(python3\\).*kill ${escapee}`));
  });

  it("says nothing when the stopped run's files stay still", async () => {
    const root = tempDir();
    const dir = createRunDir(root, 'quiet');
    const p = new TrainingProcess(py('import time\nprint("step=1", flush=True)\ntime.sleep(60)', root), dir);
    await until(() => fs.readFileSync(path.join(dir, 'stdout.log'), 'utf8').includes('step=1'), 10_000, 'output');
    await p.stop(2000);
    let said: Growth | undefined;
    const end = watchGrowth(dir, (g) => (said = g), 1000, 100);
    await new Promise((r) => setTimeout(r, 1300));
    end();
    assert.equal(said, undefined);
  });
});
