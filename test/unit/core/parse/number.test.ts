import { strict as assert } from 'node:assert';
import { epochSeconds, readNumber, spelledNumber } from '../../../../src/core/parse/number';
import { Ingester } from '../../../../src/core/ingester';

const enc = new TextEncoder();

/** The last value and time of the series named `name` after the ingester read `text` as `file`. */
function last(file: string, text: string, name = 'loss'): { y: number; wall: number } | undefined {
  const r = new Ingester();
  r.chunk(file, enc.encode(text));
  r.end();
  const s = r.takeBatch().series.find((d) => d.name === name);
  return s && { y: s.y[s.y.length - 1], wall: s.wall[s.wall.length - 1] };
}

/** One value written the way each format writes it, with the series it lands in. */
const FORMATS: Record<string, (v: string) => [file: string, text: string, name?: string]> = {
  'CSV cell': (v) => ['metrics.csv', `step,loss\n1,${v}\n`],
  'JSONL string': (v) => ['metrics.jsonl', `{"step": 1, "loss": "${v}"}\n`],
  'printed dict': (v) => ['stdout.log', `{'loss': '${v}', 'step': 1}\n`],
  'key=value': (v) => ['stdout.log', `step=1 loss=${v}\n`],
  'Keras bar': (v) => ['stdout.log', `Epoch 1/2\n 1/10 ━━━━━━━━━━━━━━━━━━━━ 1s 3ms/step - loss: ${v}\n`],
  'SB3 table': (v) => [
    'stdout.log',
    `----------------------------------\n| time/               |          |\n|     total_timesteps | 2048     |\n| train/              |          |\n|     loss            | ${v.padEnd(8)} |\n----------------------------------\n`,
    'train/loss',
  ],
};

describe('One number reading for every parser', () => {
  it('reads decimals and spelled nan/inf, and nothing else', () => {
    const yes: Array<[string, number]> = [
      ['1e3', 1000],
      ['+5', 5],
      [' 3 ', 3],
      ['\t-2.5e-3', -0.0025],
      ['5.', 5],
      ['.5', 0.5],
      ['-0', -0],
      ['nan', NaN],
      ['-nan', NaN],
      ['NaN', NaN],
      ['inf', Infinity],
      ['+inf', Infinity],
      ['INF', Infinity],
      ['-inf', -Infinity],
      ['Infinity', Infinity],
      ['-infinity', -Infinity],
    ];
    for (const [s, v] of yes) assert.ok(Object.is(readNumber(s), v), `${JSON.stringify(s)} → ${readNumber(s)}`);
    for (const s of ['', ' ', '1_000', '0x10', '1e', '1.2.3', 'nanx', 'infinit', '--1', '1 2', 'Infinityx'])
      assert.equal(readNumber(s), undefined, JSON.stringify(s));
    assert.equal(spelledNumber('loss=-inf,', 5, 9), -Infinity);
    assert.equal(spelledNumber('loss=-inf,', 5, 10), undefined);
  });

  it('every format reads a value the same way (before: -infinity was NaN in a CSV and gone from JSONL and SB3; +inf and INF gone from JSONL; Infinity gone from a Keras bar)', () => {
    for (const v of ['-infinity', '+inf', 'INF', 'Infinity', '-nan', '1e3', '+5', '.5', '1_000', '0x10']) {
      const want = readNumber(v);
      for (const [format, write] of Object.entries(FORMATS)) {
        const [file, text, name] = write(v);
        const got = last(file, text, name)?.y;
        assert.ok(Object.is(got, want), `${format} reads ${JSON.stringify(v)} as ${got}, not ${want}`);
      }
    }
  });
});

describe('One epoch-time rule', () => {
  const seconds = 1764651600.25;
  const units: Array<[string, string]> = [
    ['s', '1764651600.25'],
    ['ms', '1764651600250'],
    ['µs', '1764651600250000'],
    ['ns', '1764651600250000000'],
  ];

  it('tells seconds, milliseconds, microseconds and nanoseconds since the epoch by size', () => {
    for (const [unit, text] of units) assert.ok(Math.abs(epochSeconds(Number(text)) - seconds) < 1e-6, unit);
    assert.equal(epochSeconds(12.5), 12.5, 'a short time stays seconds');
  });

  it('dates JSONL and CSV points alike, whatever the unit (before: microseconds and nanoseconds were read as milliseconds)', () => {
    for (const [unit, text] of units) {
      const jsonl = last('metrics.jsonl', `{"step": 1, "loss": 0.5, "timestamp": ${text}}\n`)?.wall;
      const csv = last('metrics.csv', `step,loss,timestamp\n1,0.5,${text}\n`)?.wall;
      assert.ok(jsonl !== undefined && Math.abs(jsonl - seconds) < 1e-3, `JSONL ${unit}: ${jsonl}`);
      assert.ok(csv !== undefined && Math.abs(csv - seconds) < 1e-3, `CSV ${unit}: ${csv}`);
    }
  });
});
