/** Numeric settings are clamped to their bounds (issue 13, item 5). */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NUMERIC_SETTINGS, numericSetting, type NumericSetting } from '../../../src/core/settings';
import { repoRoot } from '../../helpers';

describe('numeric settings', () => {
  it('clamps each to its bounds and takes the default for what is not a finite number', () => {
    assert.equal(numericSetting('updatesPerSecond', 0), 1, 'no 1 ms timer');
    assert.equal(numericSetting('updatesPerSecond', -3), 1);
    assert.equal(numericSetting('updatesPerSecond', 1e9), 60);
    assert.equal(numericSetting('updatesPerSecond', 12.5), 12.5);
    assert.equal(numericSetting('stopGraceSeconds', -1), 0);
    assert.equal(numericSetting('stopGraceSeconds', 1e12), 3600);
    assert.equal(numericSetting('stallMinutes', -0.5), 0);
    assert.equal(numericSetting('stallMinutes', 0.5), 0.5);
    assert.equal(numericSetting('stallMinutes', Infinity), 10);
    for (const junk of [NaN, '5', null, undefined, {}, [3], true]) {
      assert.equal(numericSetting('updatesPerSecond', junk), 20, String(junk));
      assert.equal(numericSetting('stopGraceSeconds', junk), 10, String(junk));
    }
  });

  it('has the bounds and defaults package.json declares', () => {
    const props = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).contributes.configuration.properties;
    for (const [name, b] of Object.entries(NUMERIC_SETTINGS)) {
      const p = props[`trainingMonitor.${name as NumericSetting}`];
      assert.deepEqual([p.minimum, p.maximum, p.default], [b.min, b.max, b.fallback], name);
    }
    const numeric = Object.keys(props)
      .filter((k) => props[k].type === 'number')
      .map((k) => k.replace('trainingMonitor.', ''));
    assert.deepEqual(numeric.sort(), Object.keys(NUMERIC_SETTINGS).sort(), 'every numeric setting is bounded');
  });
});
