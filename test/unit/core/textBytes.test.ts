/**
 * JSON Lines and CSV are read from their bytes (byteFrames.ts, scanBytes.ts), decoding only what
 * needs it. The text path they had before stays as the fallback for unusual lines; here both read
 * the same inputs, cut anywhere, and must give the same points, warnings and silences.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { textReader, type ReaderSink } from '../../../src/core/fileReaders';
import { LogIndex } from '../../../src/core/logIndex';
import { Ingester } from '../../../src/core/ingester';
import { CsvParser } from '../../../src/core/parse/csv';
import { JsonlParser } from '../../../src/core/parse/records';
import type { LineParser, Row } from '../../../src/core/parse/types';
import { generator, mutate, seeds } from '../../fuzz/cases';

const enc = new TextEncoder();
const rand = generator(23);

/** Everything a reader reports, in order; `asText`: the parser's byte path turned off. */
function read(file: string, make: () => LineParser, bytes: Uint8Array, cuts: number[], asText: boolean): unknown[] {
  const got: unknown[] = [];
  const sink: ReaderSink = {
    point: (_file, name, xKind, x, y, wall) => got.push([name, xKind, x, y, wall]),
    row: (_file, row, wall) => {
      for (let i = 0; i < row.count; i++) got.push([row.names[i], row.xKind, row.x, row.ys[i], wall]);
    },
    stepPoints: () => assert.fail('no event-file points from a text file'),
    event: (level, text) => got.push([level, text]),
    log: () => assert.fail('no log text from a metrics file'),
    logIndex: new LogIndex(),
    arrival: () => 1234.5,
    silentSoFar: () => got.push('silent so far'),
  };
  const parser = make();
  if (asText) Object.defineProperty(parser, 'readBytes', { value: undefined });
  const r = textReader(sink, file, parser, 'numeric field found');
  let at = 0;
  for (const c of [...cuts, bytes.length]) {
    r.push(bytes.subarray(at, c));
    at = c;
  }
  r.end();
  got.push(r.silent());
  return got;
}

function same(file: string, make: () => LineParser, bytes: Uint8Array, what: string): void {
  const cuts = [...new Set(Array.from({ length: Math.floor(rand() * 5) }, () => Math.floor(rand() * bytes.length)))].sort((a, b) => a - b);
  const text = read(file, make, bytes, cuts, true);
  assert.deepEqual(read(file, make, bytes, cuts, false), text, `${what}, cut at ${cuts}`);
}

const CSV = [
  'step,loss,acc\n1,0.5,0.1\n2,0.4,\n3,NA,0.3\n4,0.2,[N/A]\n',
  '\ufeffepoch,train_loss,lr\r\n0,1.5,1e-3\r\n1,nan,-inf\r\n2,69.6 W,0 %\r\n',
  'step,"loss, total",note\n1,0.5,"a,b"\n2,"0.4","multi\nline"\n3,0.3,plain\n4,0.2,x,extra\n5\n',
  'timestamp,loss\n2026/11/23 03:41:21.382,0.5\n2026-11-23T03:41:22Z,0.4\n1700000000,0.3\n',
  'time,step,loss\n1700000000.5,1,0.5\n1700000001,2,0.4\n1700000002123,3,0.3\n',
  'timestamp, name, index, utilization.gpu [%], memory.used [MiB]\n2026/11/23 03:41:21.382, H100, 0, 45 %, 1024 MiB\n2026/11/23 03:41:21.382, H100, 1, 50 %, 2048 MiB\n',
  '#{"t_start": 1600000000.0, "env_id": "CartPole-v1"}\nr,l,t\n22.0,22,0.5\n15.0,15,0.7\n',
  '   0/99     1.86G   0.05961   0.03122   0.01782    0.1086        42       640    0.1234    0.2345    0.3456    0.4567   0.05555   0.03333   0.01111\n',
  'wert,ünïcödé,損失\n1,0.5,0.25\n2,0.4,0.2\n3,é,0.1\n',
  'a\tb\n1\t2\n 3\t4\n5\t 6 \n',
  'step,loss\n1,0.5\n2,0.4',
];

const JSONL = [
  '{"step": 1, "loss": 0.5}\n{"step": 2, "loss": NaN, "acc": "0.25"}\n\n  \n{"step": 3, "nested": {"a": 1}}\n',
  '{\'loss\': \'0.6934\', \'epoch\': 0.5}\r\n{"a\\"b": 1}\r\n{"ünï": 2, "損失": 3}\rgarbage\n{"x": [1, 2]}\n',
  '\ufeff{"iteration": 19, "time": 1700000000.25, "total_loss": 1e-3}\n{"iteration": 39, "time": 1700000001250, "total_loss": 2E-3}\n{"step": 12345678901234567890}',
  '{}\n{"a": true, "b": null, "c": -Infinity, "d": Infinity}\n{"a": 1,}\n{"a": 1} x\n{"a": "\\u00e9"}\n',
];

describe('JSON Lines and CSV read from bytes', () => {
  const fixtures = seeds([path.join(__dirname, '..', '..', 'fixtures')]).filter((s) => /\.(csv|jsonl)$/.test(s.as));
  const inputs: Array<[string, Uint8Array, string]> = [
    ...CSV.map((t, i): [string, Uint8Array, string] => ['metrics.csv', enc.encode(t), `CSV ${i}`]),
    ...JSONL.map((t, i): [string, Uint8Array, string] => ['metrics.jsonl', enc.encode(t), `JSONL ${i}`]),
    ...fixtures.map((s): [string, Uint8Array, string] => [s.as, s.bytes, s.from]),
  ];
  const parser = (file: string) => (file.endsWith('.csv') ? () => new CsvParser() : () => new JsonlParser());

  it('gives the points, warnings and silences the text path gives, the bytes cut anywhere', () => {
    assert.ok(fixtures.length >= 3, 'the CSV fixtures and the made JSON lines');
    for (const [file, bytes, what] of inputs) for (let k = 0; k < 20; k++) same(file, parser(file), bytes, what);
  });

  it('and on damaged copies of them', () => {
    for (const [file, bytes, what] of inputs) for (let k = 0; k < 40; k++) same(file, parser(file), mutate(bytes, rand), `damaged ${what}`);
  });

  it('reads on after a reset (a rewritten file) as a new file', () => {
    for (const asText of [true, false]) {
      const got: unknown[] = [];
      const sink = {
        point: (...a: unknown[]) => got.push(a.slice(1, 5)),
        row: (_file: string, row: Row) => got.push(...Array.from({ length: row.count }, (_, i) => [row.names[i], row.xKind, row.x, row.ys[i]])),
        event: () => undefined,
        arrival: () => NaN,
      } as unknown as ReaderSink;
      const parser = new CsvParser();
      if (asText) Object.defineProperty(parser, 'readBytes', { value: undefined });
      const r = textReader(sink, 'metrics.csv', parser, '');
      r.push(enc.encode('step,loss\n1,0.5\n2,0.'));
      r.reset();
      r.push(enc.encode('\ufeffstep,acc\n1,0.9\n'));
      r.end();
      assert.deepEqual(got, [
        ['loss', 'step', 1, 0.5],
        ['acc', 'step', 1, 0.9],
      ]);
    }
  });
});

describe('rows of points (JSON Lines and CSV) stored as the points one by one', () => {
  /** The ingester's result for `files`, read through the byte paths (rows) or with them turned off (a point at a time). */
  function ingest(files: Array<[string, string]>, rows: boolean): unknown {
    const saved = [JsonlParser.prototype.readBytes, CsvParser.prototype.readBytes];
    if (!rows) for (const p of [JsonlParser.prototype, CsvParser.prototype]) Object.defineProperty(p, 'readBytes', { value: undefined, configurable: true });
    try {
      const r = new Ingester();
      for (const [file, text] of files) {
        const bytes = enc.encode(text);
        const cut = Math.floor(rand() * bytes.length);
        r.chunk(file, bytes.subarray(0, cut));
        r.chunk(file, bytes.subarray(cut));
      }
      r.end();
      const b = r.takeBatch();
      return {
        series: b.series.map((s) => [s.key, s.name, s.source, s.xKind, [...s.x], [...s.y], [...s.wall]]),
        events: b.events.map((e) => `${e.level}: ${e.text}`),
        count: r.store.pointCount,
      };
    } finally {
      Object.defineProperty(JsonlParser.prototype, 'readBytes', { value: saved[0], configurable: true, writable: true });
      Object.defineProperty(CsvParser.prototype, 'readBytes', { value: saved[1], configurable: true, writable: true });
    }
  }

  it('restarts, replaced points, repeated keys, other axes, long names and series past the cap', () => {
    const long = 'n'.repeat(300);
    const jsonl = [
      '{"step": 1, "loss": 1, "acc": 0.5}',
      '{"step": 2, "loss": 0.9, "acc": 0.6, "loss": 0.8}', // a key twice: the second replaces
      '{"step": 2, "loss": 0.7}', // the same x again: replaced
      '{"step": 3, "loss": 0.6, "time": 1700000000}',
      '{"step": 4, "loss": 0.55}',
      '{"step": 3, "loss": 2}', // back: a restart
      '{"loss": 5}', // no step: by line number, another axis
      `{"step": 4, "${long}": 1, "${long}x": 2}`,
      '{"step": NaN, "loss": 3}',
      '{"epoch": 1, "step": 5, "loss": 0.5}',
      '{"epoch": 2, "loss": 0.4}',
    ].join('\n');
    const many = Array.from({ length: 3 }, (_, line) =>
      JSON.stringify(Object.fromEntries([['step', line], ...Array.from({ length: 2500 }, (_, k) => [`m${k}`, k])])),
    ).join('\n');
    const csv = 'step,loss,loss,acc\n1,0.5,0.4,0.1\n2,0.3,,0.2\n1,0.9,0.8,0.3\nx,1,2,3\n3,1,2,3,4\n';
    const files: Array<[string, string]> = [
      ['a.jsonl', jsonl],
      ['b.jsonl', many],
      ['metrics.csv', csv],
      ['c.jsonl', jsonl],
    ];
    for (let k = 0; k < 10; k++) {
      const seedBefore = rand(); // each way cuts where it draws: the answer must not depend on it
      const rowsWay = ingest(files, true);
      assert.deepEqual(ingest(files, false), rowsWay, `round ${k} (${seedBefore})`);
    }
    const got = ingest(files, true) as { events: string[]; count: number };
    assert.ok(got.events.some((e) => /went back to step 3/.test(e)) && got.events.some((e) => /at most 2,000 series/.test(e)), got.events.join('\n'));
  });
});
