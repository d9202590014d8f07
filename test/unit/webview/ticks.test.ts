import { strict as assert } from 'node:assert';
import { readout, tickLabels } from '../../../src/webview/ticks';

const plain = (v: number) => String(Math.round(v * 1000) / 1000);

describe('Tick labels', () => {
  it('labels small, large and huge axes compactly', () => {
    const table: Array<[number[], string[]]> = [
      [
        [0, 0.5, 1, 1.5, 2],
        ['0', '0.5', '1', '1.5', '2'],
      ],
      [
        [0, 0.25, 0.5, 0.75],
        ['0', '0.25', '0.5', '0.75'],
      ],
      [
        [0, 1e-5, 2e-5, 3e-5, 4e-5, 5e-5],
        ['0', '1e-5', '2e-5', '3e-5', '4e-5', '5e-5'],
      ],
      [
        [2.5e-5, 5e-5, 7.5e-5],
        ['2.5e-5', '5e-5', '7.5e-5'],
      ],
      [
        [0, 1000, 2000, 3200],
        ['0', '1k', '2k', '3.2k'],
      ],
      [
        [0, 500, 1000, 1500],
        ['0', '500', '1k', '1.5k'],
      ],
      [
        [0, 2e6, 4e6],
        ['0', '2M', '4M'],
      ],
      [
        [0, 2e63, 4e63, 6e63],
        ['0', '2e+63', '4e+63', '6e+63'],
      ],
      [[1e63], ['1e+63']],
      [
        [-0.2, -0.1, 0, 0.1],
        ['-0.2', '-0.1', '0', '0.1'],
      ],
      [
        [1000, 1001, 1002],
        ['1k', '1.001k', '1.002k'],
      ],
      [
        [0.1, 0.2, 0.30000000000000004],
        ['0.1', '0.2', '0.3'],
      ],
      [
        [2e-20, 4e-20],
        ['2e-20', '4e-20'],
      ],
      [
        [12, 14, 16],
        ['12', '14', '16'],
      ],
      [
        [0.9998, 0.9999, 1],
        ['0.9998', '0.9999', '1'],
      ],
    ];
    assert.deepEqual(
      table.map(([v]) => [v, tickLabels(v)]),
      table,
    );
  });

  it('gives distinct labels to distinct ticks, whatever their spacing', () => {
    for (const [from, step] of [
      [1, 1e-9],
      [5e-5, 1e-7],
      [123456, 0.5],
      [1e63, 1e50],
      [-3, 0.001],
    ]) {
      const ticks = Array.from({ length: 5 }, (_, i) => from + i * step);
      const labels = tickLabels(ticks);
      assert.equal(new Set(labels).size, 5, `${labels}`);
    }
  });

  it('reads tiny and huge values out in exponent notation, others as uPlot does', () => {
    assert.equal(readout(5e-5, plain), '5e-5');
    assert.equal(readout(1.23456e63, plain), '1.235e+63');
    assert.equal(readout(0.4321, plain), '0.432');
    assert.equal(readout(0, plain), '0');
    assert.equal(readout(null, plain), '--');
    assert.equal(readout(NaN, plain), 'NaN');
  });
});
