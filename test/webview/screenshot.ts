/**
 * Makes the README's picture, media/screenshot.png: the monitor panel beside an editor (900 px)
 * during a training with eight metrics, drawn by the real webview in Chromium (the test harness).
 * Run: `node esbuild.js && npx tsx test/webview/screenshot.ts`.
 */
import * as path from 'node:path';
import { f64, openHarness, repoRoot } from './harness';

/** A deterministic noise, so the picture is the same each time. */
let seed = 7;
const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 2;

const STEPS = Array.from({ length: 600 }, (_, i) => (i + 1) * 10);
const EVALS = STEPS.filter((s) => s % 500 === 0);
const lr = (s: number) => (s < 300 ? (3e-4 * s) / 300 : 3e-4 * 0.5 * (1 + Math.cos((Math.PI * (s - 300)) / 5700)));
const loss = (s: number) => 0.35 + 2.1 * Math.exp(-s / 900);
const series = (source: string, name: string, xs: number[], y: (s: number) => number) => ({
  key: `${source}:${name}`,
  name,
  source,
  xKind: 'step',
  x: f64(xs),
  y: f64(xs.map(y)),
});

async function main(): Promise<void> {
  const h = await openHarness();
  await h.page.setViewportSize({ width: 900, height: 760 });
  const out = (s: number) =>
    `step ${s}/6000 - loss: ${loss(s).toFixed(4)} - accuracy: ${(0.55 + 0.38 * (1 - Math.exp(-s / 1100))).toFixed(4)} - lr: ${lr(s).toExponential(2)}\n`;
  await h.send({
    type: 'snapshot',
    run: { name: 'train.py', state: 'running', command: 'python3 -u train.py --epochs 12', canStop: true },
    batch: {
      series: [
        series('stdout.log', 'train/loss', STEPS, (s) => loss(s) * (1 + 0.08 * noise())),
        series('stdout.log', 'val/loss', EVALS, (s) => loss(s) + 0.06 + 0.03 * noise()),
        series('stdout.log', 'train/accuracy', STEPS, (s) => 0.55 + 0.38 * (1 - Math.exp(-s / 1100)) + 0.025 * noise()),
        series('stdout.log', 'val/accuracy', EVALS, (s) => 0.53 + 0.36 * (1 - Math.exp(-s / 1100)) + 0.01 * noise()),
        series('stdout.log', 'train/lr', STEPS, lr),
        series('stdout.log', 'train/grad_norm', STEPS, (s) => 0.6 + 2.5 * Math.exp(-s / 600) + 0.25 * Math.abs(noise())),
        series('stdout.log', 'perf/tokens_per_sec', STEPS, (s) => 41_000 + (s < 40 ? -20_000 : 0) + 900 * noise()),
        series('gpu.csv', 'gpu0/utilization.gpu [%]', STEPS, (s) => 93 + 2 * Math.sin(s / 400) + 0.8 * noise()),
      ],
      logs: [{ stream: 'stdout', text: STEPS.slice(-40).map(out).join(''), line: STEPS.length - 40 }],
      events: [],
    },
  });
  await h.page.$eval('#smoothing', (e) => {
    (e as HTMLInputElement).value = '0.6';
    e.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await h.page.waitForTimeout(300);
  await h.page.screenshot({ path: path.join(repoRoot, 'media', 'screenshot.png') });
  await h.close();
}

void main();
