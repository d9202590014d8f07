/**
 * The batch script "Submit to Slurm…" writes for a Python file. Every value in it comes from a
 * file name, a workspace path or a setting, so none may hold a line break or another control
 * character (it would write lines of its own into the script): such a value is refused with a
 * message that names it. The rest is quoted for where it goes: bash single quotes in the script's
 * body, double quotes in `#SBATCH` lines (sbatch's own parser has no escape for `"`, so a value
 * holding one is refused there), `%%` for a `%` in Slurm's output file patterns. Free of `vscode`:
 * tested in Node against a real Slurm.
 */
import { SlurmError } from './slurmCommands';

export interface SlurmSettings {
  partition: string;
  gres: string;
  time: string;
  extraArgs: string[];
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Refuses `value` when it holds a control character; `what` says which value it is. */
function checked(what: string, value: string): string {
  if (CONTROL.test(value)) {
    throw new SlurmError(
      `Cannot write a batch script: ${what} ${JSON.stringify(value)} holds a line break or another control character. Rename it and submit again.`,
    );
  }
  return value;
}

/** Whether `sbatch` options ask for more than one task (`--ntasks=4`, `-n 4`, `--ntasks-per-node=2`). */
export function multiTask(args: string[]): boolean {
  return args.some((a, i) => {
    const m = /^(?:--ntasks(?:-per-node)?=|-n)(\d*)$/.exec(a);
    return !!m && Number(m[1] || args[i + 1]) > 1;
  });
}

/** A bash word: single-quoted, a `'` inside as `'\''`. */
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** A `#SBATCH --option=value` line; a value with white space in double quotes, which sbatch's parser removes. */
function sbatchLine(option: string, what: string, value: string): string {
  if (value.includes('"'))
    throw new SlurmError(`Cannot write a batch script: ${what} ${JSON.stringify(value)} holds a double quote, which an #SBATCH line cannot carry.`);
  return `#SBATCH ${option}=${/\s/.test(value) ? `"${value}"` : value}`;
}

/** A path in a Slurm file name pattern (`--output`): `%` is Slurm's, so the path's own is doubled. */
const pattern = (path: string) => path.replace(/%/g, '%%');

/**
 * The batch script that runs a Python file as a job: `#SBATCH` lines from the settings, output
 * into the run folder. An array job writes a file per array task (`stdout-3.log`); a job of several
 * tasks runs them with `srun`, a file per task (`stdout-0.log`…). Each such file is a log tab and
 * the prefix of its series. Throws a SlurmError naming the value that cannot go into a script.
 */
export function pythonJobScript(o: { python: string; file: string; cwd: string; runDir: string; name: string; settings: SlurmSettings }): string {
  const python = checked('the Python interpreter', o.python);
  const file = checked('the file name', o.file);
  const cwd = checked('the working directory', o.cwd);
  const runDir = checked('the run folder', o.runDir);
  checked('the name', o.name);
  const s = o.settings;
  const array = s.extraArgs.some((a) => /^(--array\b|-a)/.test(a));
  const tasks = multiTask(s.extraArgs);
  const task = array && !tasks ? '-%a' : '';
  const lines = [
    // the job's name is only a label: letters, digits and `._+-`
    sbatchLine('--job-name', 'the name', o.name.replace(/[^\w.+-]+/g, '_').slice(0, 100) || 'run'),
    sbatchLine('--output', 'the run folder', `${pattern(runDir)}/stdout${task}.log`),
    sbatchLine('--error', 'the run folder', `${pattern(runDir)}/stderr${task}.log`),
  ];
  if (s.partition) lines.push(sbatchLine('--partition', 'trainingMonitor.slurm.partition', checked('trainingMonitor.slurm.partition', s.partition)));
  if (s.gres) lines.push(sbatchLine('--gres', 'trainingMonitor.slurm.gres', checked('trainingMonitor.slurm.gres', s.gres)));
  if (s.time) lines.push(sbatchLine('--time', 'trainingMonitor.slurm.time', checked('trainingMonitor.slurm.time', s.time)));
  const perTask = (stream: string) => `${q(`${pattern(runDir)}/${stream}-`)}${array ? '"$SLURM_ARRAY_TASK_ID"-' : ''}%t.log`;
  return [
    '#!/bin/bash',
    ...lines,
    '# Written by Training Monitor. `exec`: Python itself gets scancel --signal=INT and can save.',
    `cd ${q(cwd)}`,
    tasks ? `exec srun --output=${perTask('stdout')} --error=${perTask('stderr')} ${q(python)} -u ${q(file)}` : `exec ${q(python)} -u ${q(file)}`,
    '',
  ].join('\n');
}
