/** The batch script written for a Python file (issue 13, item 3), run by a real Slurm. */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SlurmJob } from '../../../src/extension/slurm';
import { SlurmError, submit } from '../../../src/extension/slurmCommands';
import { JobPoller } from '../../../src/extension/slurmPoll';
import { pythonJobScript, type SlurmSettings } from '../../../src/extension/slurmScript';
import { requireSlurm, tempDir } from '../../helpers';

const none: SlurmSettings = { partition: '', gres: '', time: '', extraArgs: [] };

describe('Slurm batch script for a Python file', function () {
  this.timeout(60_000);

  it('refuses a file name with a newline (it would write its own lines into the script), naming it', () => {
    const dir = tempDir();
    const file = path.join(dir, 'train.py\n#SBATCH --wrap=evil\necho pwned');
    fs.writeFileSync(file, 'print(1)\n');
    const make = () => pythonJobScript({ python: 'python3', file, cwd: dir, runDir: dir, name: path.basename(file), settings: none });
    assert.throws(
      make,
      (e: Error) =>
        e instanceof SlurmError &&
        /^Cannot write a batch script: the file name ".*train\.py\\n#SBATCH --wrap=evil\\necho pwned" holds a line break or another control character\. Rename it and submit again\.$/.test(
          e.message,
        ),
    );
  });

  it('refuses control characters in every other value, and a double quote where an #SBATCH line would carry it', () => {
    const base = { python: 'python3', file: '/w/t.py', cwd: '/w', runDir: '/w/r', name: 't.py', settings: none };
    const bad: Array<[Partial<typeof base>, RegExp]> = [
      [{ python: 'python3\r' }, /the Python interpreter/],
      [{ cwd: '/w\u0000x' }, /the working directory/],
      [{ runDir: '/w/r\n' }, /the run folder/],
      [{ name: 'a\u001bb' }, /the name/],
      [{ settings: { ...none, partition: 'gpu\n#SBATCH --x' } }, /trainingMonitor\.slurm\.partition/],
      [{ settings: { ...none, gres: 'gpu:1\t' } }, /trainingMonitor\.slurm\.gres/],
      [{ settings: { ...none, time: '1:00\u007f' } }, /trainingMonitor\.slurm\.time/],
      [{ runDir: '/w/"r' }, /the run folder "\/w\/\\"r\/stdout\.log" holds a double quote/],
    ];
    for (const [over, message] of bad) assert.throws(() => pythonJobScript({ ...base, ...over }), message, JSON.stringify(over));
  });

  it('quotes a name with spaces, quotes and $: the real sbatch runs it and its output lands in the run folder', async () => {
    requireSlurm();
    const dir = tempDir();
    const name = `it's a "run" $HOME \`id\`; 100%.py`;
    const file = path.join(dir, name);
    fs.writeFileSync(file, 'import os, sys\nprint("ran", os.path.basename(sys.argv[0]), "in", os.getcwd())\n');
    const runDir = path.join(dir, 'run 100% x');
    fs.mkdirSync(runDir);
    const script = pythonJobScript({ python: 'python3', file, cwd: dir, runDir, name, settings: none });
    assert.match(script, /^#SBATCH --job-name=it_s_a_run_HOME_id_100_\.py$/m);
    assert.match(script, /^#SBATCH --output="[^"]*\/run 100%% x\/stdout\.log"$/m);
    assert.equal(script.split('\n').filter((l) => l.startsWith('#SBATCH')).length, 3);
    const scriptFile = path.join(runDir, 'job.sbatch');
    fs.writeFileSync(scriptFile, script, { mode: 0o755 });
    const id = await submit(scriptFile, [], dir, process.env);
    const exit = await new SlurmJob(id, new JobPoller(200, 1000)).exited;
    assert.equal(exit.code, 0, JSON.stringify(exit));
    assert.equal(fs.readFileSync(path.join(runDir, 'stdout.log'), 'utf8'), `ran ${name} in ${dir}\n`);
    assert.equal(fs.readFileSync(path.join(runDir, 'stderr.log'), 'utf8'), '');
  });
});
