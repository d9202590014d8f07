/** Which files of a run directory the monitor reads, by name. The tailer skips the rest (checkpoints…). */
export type FileFormat = 'output' | 'csv' | 'jsonl' | 'tfevents' | 'trainer-state' | 'notebook';

export function formatOf(path: string): FileFormat | undefined {
  const name = path.slice(path.lastIndexOf('/') + 1);
  // `stdout-3.log`: task 3 of an array job (see logStream)
  if (/^std(out|err)(-[\w.]+)?\.log$/.test(name)) return 'output';
  if (name === 'events.jsonl') return undefined; // the monitor's own record of a run
  if (/\.(csv|tsv)$/i.test(name)) return 'csv';
  if (/\.(jsonl|ndjson)$/i.test(name)) return 'jsonl';
  if (name === 'trainer_state.json') return 'trainer-state';
  if (name.includes('tfevents')) return 'tfevents';
  if (/\.ipynb$/i.test(name) && !name.endsWith('-checkpoint.ipynb')) return 'notebook'; // not Jupyter's autosave copies
  return undefined;
}

/** The log an output file feeds: `stdout.log` → `stdout`, `stderr-3.log` (task 3 of an array job) → `stderr-3`. */
export function logStream(path: string): string {
  const m = /(?:^|\/)(std(?:out|err)(?:-[\w.]+)?)\.log$/.exec(path);
  return m ? m[1] : 'stdout';
}
