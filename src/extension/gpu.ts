/**
 * GPU sampling next to a launched run: `nvidia-smi --query-gpu … --format=csv -l 1` writing
 * `gpu.csv` in the run directory, which the CSV parser reads as series over wall time.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const GPU_QUERY = 'timestamp,index,name,utilization.gpu,utilization.memory,memory.used,memory.total,temperature.gpu,power.draw';

/** Starts sampling when `nvidia-smi` answers; returns how to stop it, or undefined when there is no GPU tool. */
export function startGpuSampling(runDir: string, tool = 'nvidia-smi'): { stop(): void } | undefined {
  const probe = spawnSync(tool, ['-L'], { timeout: 5000, stdio: 'ignore' });
  if (probe.error || probe.status !== 0) return undefined;
  const out = fs.openSync(path.join(runDir, 'gpu.csv'), 'a');
  try {
    const child = spawn(tool, [`--query-gpu=${GPU_QUERY}`, '--format=csv', '-l', '1'], { stdio: ['ignore', out, 'ignore'], windowsHide: true });
    child.on('error', () => undefined); // sampling is a nicety: never fail the run for it
    child.unref();
    return { stop: () => void child.kill() };
  } finally {
    fs.closeSync(out);
  }
}
