/**
 * Which chart a metric goes in, the way people read a training: the loss family together, the
 * accuracy family together, learning rates together, gradient norms, GPU utilisation and GPU
 * memory; any other metric alone.
 */
import { metricId } from './sameMetric';

export interface Group {
  id: string;
  title: string;
}

/** A word of a metric name: `val_accuracy` has `val` and `accuracy`, `lr-Adam` has `lr`, `loss/train` has `loss`. */
const words = (name: string) => name.toLowerCase().split(/[^a-z0-9]+/);

export function groupOf(name: string): Group {
  const lower = name.toLowerCase();
  const w = words(name);
  if (lower.includes('loss')) return { id: 'loss', title: 'loss' };
  if (w.some((x) => x === 'acc' || x === 'accuracy' || x.endsWith('accuracy'))) return { id: 'accuracy', title: 'accuracy' };
  if (w.includes('lr') || lower.includes('learning_rate')) return { id: 'lr', title: 'learning rate' };
  if (/grad(ient)?_?norm/.test(lower)) return { id: 'grad_norm', title: 'gradient norm' };
  // nvidia-smi columns, also as `gpu1/utilization.gpu [%]`
  if (lower.includes('utilization.')) return { id: 'gpu-utilization', title: 'GPU utilisation [%]' };
  if (/memory\.(used|free|total|reserved)/.test(lower)) return { id: 'gpu-memory', title: 'GPU memory' };
  // one chart for one metric under its names in several files (`eval/f1` in event files, `eval_f1` printed)
  return { id: `metric:${metricId(name)}`, title: name };
}
