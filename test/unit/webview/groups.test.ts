import { strict as assert } from 'node:assert';
import { groupOf } from '../../../src/webview/groups';

describe('Chart groups', () => {
  it('puts each family in one chart, as people compare them', () => {
    const table: Array<[string, string]> = [
      ['loss', 'loss'],
      ['train_loss', 'loss'],
      ['val_loss', 'loss'],
      ['eval_loss', 'loss'],
      ['loss/train', 'loss'],
      ['train_loss_step', 'loss'],
      ['accuracy', 'accuracy'],
      ['val_accuracy', 'accuracy'],
      ['acc', 'accuracy'],
      ['train_acc', 'accuracy'],
      ['top5_accuracy', 'accuracy'],
      ['lr', 'lr'],
      ['learning_rate', 'lr'],
      ['lr-Adam', 'lr'],
      ['train/lr', 'lr'],
      ['grad_norm', 'grad_norm'],
      ['gradient_norm', 'grad_norm'],
      ['utilization.gpu [%]', 'gpu-utilization'],
      ['gpu1/utilization.memory [%]', 'gpu-utilization'],
      ['memory.used [MiB]', 'gpu-memory'],
      ['temperature.gpu', 'metric:temperature.gpu'],
      ['epoch', 'metric:epoch'],
      ['f1', 'metric:f1'],
      ['slr', 'metric:slr'],
      ['accumulate', 'metric:accumulate'],
    ];
    assert.deepEqual(
      table.map(([name]) => [name, groupOf(name).id]),
      table,
    );
  });
});
