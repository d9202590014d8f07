/** What a cell costs the extension host: its event loop's delay, its CPU time per 1,000 updates early and late. */
import * as fs from 'node:fs';
import { Session } from 'node:inspector';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * The extension host's event-loop delay while `work` runs: p50, p99 and max in ms. With
 * `TM_PROFILE_DIR` in the runner's environment, also the host's CPU profile meanwhile, written
 * there as `<profile>.cpuprofile` (Chrome DevTools opens it): where the delay comes from.
 */
export async function loopDelay(work: () => Promise<unknown>, profile?: string): Promise<{ p50: number; p99: number; max: number }> {
  const dir = process.env.TM_PROFILE_DIR;
  const session = dir && profile ? new Session() : undefined;
  const post = (method: string, params: object = {}) =>
    new Promise<{ profile?: object }>((resolve, reject) => session!.post(method, params, (e, r) => (e ? reject(e) : resolve(r as { profile?: object }))));
  if (session) {
    session.connect();
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: 250 });
    await post('Profiler.start');
  }
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  try {
    await work();
  } finally {
    h.disable();
    if (session) {
      fs.mkdirSync(dir!, { recursive: true });
      fs.writeFileSync(path.join(dir!, `${profile}.cpuprofile`), JSON.stringify((await post('Profiler.stop')).profile));
      session.disconnect();
    }
  }
  const ms = (ns: number) => Math.round(ns / 1e4) / 100;
  return { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max) };
}

/** The extension host's CPU time (every thread: the host's and the workers') in ms, when `n` of a cell's updates were seen. */
export interface Sample {
  t: number;
  cpu: number;
  n: number;
}

export const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Host CPU ms and wall ms per 1,000 updates between the 10,000th and the 20,000th (early) and the 80,000th and 90,000th (late). */
export function costPer1k(samples: Sample[]) {
  const at = (n: number) => samples.find((s) => s.n >= n) ?? samples[samples.length - 1];
  const per = (a: number, b: number) => ({
    cpu: Math.round(((at(b).cpu - at(a).cpu) / ((b - a) / 1000)) * 10) / 10,
    wall: Math.round(((at(b).t - at(a).t) / ((b - a) / 1000)) * 10) / 10,
  });
  return { early: per(10_000, 20_000), late: per(80_000, 90_000) };
}
