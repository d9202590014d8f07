/**
 * Which files of a run folder are read, and as what: by name, by their first bytes, and whatever
 * the name when the user names the file. Real files in temporary folders, real FIFOs and links.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decide, sniff } from '../../../src/core/formats';
import type { TailToRefine } from '../../../src/core/protocol/tail';
import { Ingester } from '../../../src/core/ingester';
import { Tailer } from '../../../src/workers/tailer';
import { record, event, scalarValue } from '../../../src/cli/tfrecord-writer';
import type { Batch } from '../../../src/core/protocol/batch';
import { Pipeline } from '../../../src/workers/pipeline';
import { tempDir, until, workersDir } from '../../helpers';

const enc = (s: string) => new TextEncoder().encode(s);

/** A tailer feeding a ingester as the two workers do, in one thread. */
function follow(root: string) {
  const ingester = new Ingester();
  const messages: TailToRefine[] = [];
  const tailer = new Tailer(root, (m) => {
    messages.push(m);
    if (m.type === 'chunk') ingester.chunk(m.file, new Uint8Array(m.bytes), m.time, m.format);
    else if (m.type === 'reset') ingester.reset(m.file, m.reason);
    else if (m.type === 'warning' || m.type === 'info') ingester.event(m.type, m.text);
  });
  const texts = () => messages.flatMap((m) => (m.type === 'warning' || m.type === 'info' ? [m.text] : []));
  const bytesOf = (file: string) => messages.reduce((n, m) => n + (m.type === 'chunk' && m.file === file ? m.bytes.byteLength : 0), 0);
  return { tailer, ingester, messages, texts, bytesOf };
}

/** Settles within `ms` or fails: a pass that blocks on a FIFO must not hang the test. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms))]);
}

describe('Which files are read (formats.decide)', () => {
  it('reads logs by name, sniffs files without extension, skips source, requirements, configs and binaries', () => {
    const cases: Array<[string, string]> = [
      ['stdout.log', 'output'],
      ['stderr-3.log', 'output'],
      ['metrics.csv', 'csv'],
      ['logs/events.jsonl', 'jsonl'], // only the run folder's own events.jsonl is the monitor's
      ['run/trainer_state.json', 'trainer-state'],
      ['runs/a/events.out.tfevents.1.host', 'tfevents'],
      ['train.log', 'sniff:text'],
      ['nohup.out', 'sniff:text'],
      ['slurm-1818620.out', 'sniff:text'],
      ['job.err', 'sniff:text'],
      ['log.txt', 'sniff:text'],
      ['train.log.1', 'sniff:text'],
      ['output', 'sniff:any'],
      ['train.py', 'skip:source code'],
      ['run.sh', 'skip:source code'],
      ['requirements.txt', 'skip:requirements'],
      ['requirements-dev.txt', 'skip:requirements'],
      ['config.yaml', 'skip:configuration'],
      ['hparams.json', 'sniff:json'],
      ['20210113_154436.log.json', 'sniff:json'],
      ['model.pt', 'skip:binary'],
      ['README.md', 'skip:documentation'],
      ['terminal-capture.raw', 'sniff:text'],
      ['events.jsonl', 'own'],
      ['run.json', 'own'],
      ['exit-code', 'own'],
      ['pid', 'own'],
      ['job.sbatch', 'own'],
    ];
    for (const [rel, want] of cases) {
      const d = decide(rel);
      const got = 'format' in d ? d.format : 'sniff' in d ? `sniff:${d.sniff}` : 'skip' in d ? `skip:${d.skip}` : 'own';
      assert.equal(got, want, rel);
    }
  });

  it('tells a CSV table, a headerless YOLOv5 table, JSON lines, event records and binaries from printed output', () => {
    assert.equal(sniff(enc('epoch,accuracy,loss,val_accuracy,val_loss\n'), 'text', false, false), 'csv'); // Keras CSVLogger, header only so far
    assert.equal(sniff(enc('     0/99     1.86G    0.1142    0.0712    0.0421    0.2275        52       640\n'), 'text', false, false), 'csv');
    assert.equal(sniff(enc('0 0.512 0.433 0.12 0.2\n'), 'text', false, false), 'output'); // a YOLO label file is no table of a run
    assert.equal(sniff(enc('Epoch 1 | step 100 | loss 0.4321 | lr 3e-4\n'), 'text', false, false), 'output');
    // nanoGPT's lines hold commas in the same places line after line: printed pairs, not a table
    const nano = Array.from({ length: 5 }, (_, i) => `iter ${i * 10}: loss ${(2 / (i + 1)).toFixed(4)}, time 12.34ms, mfu 3.20%\n`).join('');
    assert.equal(sniff(enc(nano), 'text', true, true), 'output');
    assert.equal(sniff(enc('Loading data, please wait, ok\nLoading model, please wait, ok\n'), 'text', true, true), 'output'); // prose with commas
    assert.equal(sniff(enc('timestamp, utilization.gpu [%], memory.used [MiB]\n2026/01/01 12:00:00.000, 45 %, 1234 MiB\n'), 'text', true, true), 'csv');
    assert.equal(sniff(enc('{"step": 1, "loss": 0.5}\n'), 'any', false, false), 'jsonl');
    assert.equal(sniff(record(event(1, [scalarValue('loss', 1)])), 'any', false, false), 'tfevents');
    assert.equal(sniff(Uint8Array.from([0x80, 0x03, 0x7d, 0x71, 0x00]), 'any', false, false), 'binary'); // a pickle
    assert.equal(sniff(Uint8Array.from([0xff, 0xfe, 0x41, 0x42, 0x0a]), 'text', false, false), 'binary'); // not UTF-8
    assert.equal(sniff(enc('epoch,acc'), 'text', false, false), undefined); // a partial first line: wait
    assert.equal(sniff(enc('epoch,acc'), 'text', true, true), 'csv'); // the whole file, read for the last time
  });

  it('tells JSON lines (detectron2 metrics.json, MMDetection *.log.json) from a configuration in a .json', () => {
    assert.equal(
      sniff(enc('{"iteration": 19, "lr": 0.0002, "total_loss": 1.5}\n{"iteration": 39, "lr": 0.0004, "total_loss": 1.25}\n'), 'json', false, true),
      'jsonl',
    );
    assert.equal(sniff(enc('{\n  "lr": 0.1,\n  "batch_size": 32\n}\n'), 'json', false, true), 'configuration');
    assert.equal(sniff(enc('{"lr": 0.1, "batch_size": 32}\n'), 'json', false, true), undefined); // one line so far: wait
    assert.equal(sniff(enc('{"lr": 0.1, "batch_size": 32}\n'), 'json', true, true), 'configuration'); // and it stayed one line
    assert.equal(sniff(enc('{"env_info": "sys.platform: linux' + 'x'.repeat(5000)), 'json', false, false), 'jsonl'); // a first record past the sample
  });
});

describe('Tailer: files of a run folder', () => {
  it('reads every text log by what it holds, names its log stream after its path, and says once what it skipped', async () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, 'logs'));
    fs.writeFileSync(path.join(dir, 'logs', 'train.log'), 'step 1 loss=0.5\nstep 2 loss=0.4\n');
    fs.writeFileSync(path.join(dir, 'training.log'), 'epoch,accuracy,loss\n0,0.5,1.25\n1,0.75,0.5\n');
    fs.writeFileSync(path.join(dir, 'output'), 'step 1 acc=0.5\n'); // no extension, text
    fs.writeFileSync(path.join(dir, 'weights'), Buffer.from([0x80, 0x02, 0, 0, 1, 2, 3])); // no extension, binary
    fs.writeFileSync(path.join(dir, 'train.py'), 'print("step 1 loss=0.5")\n');
    fs.writeFileSync(path.join(dir, 'requirements.txt'), 'torch==1.13\n');
    fs.writeFileSync(path.join(dir, 'events.jsonl'), '{"step": 1, "loss": 9}\n'); // the monitor's own
    fs.writeFileSync(path.join(dir, 'logs', 'events.jsonl'), '{"step": 1, "reward": 2}\n'); // someone else's
    // detectron2 JSONWriter.write: json.dumps(scalars_per_iter, sort_keys=True) a line, with its iteration
    fs.writeFileSync(
      path.join(dir, 'metrics.json'),
      '{"iteration": 19, "lr": 0.0002, "total_loss": 1.5}\n{"iteration": 39, "lr": 0.0004, "total_loss": 1.25}\n',
    );
    fs.writeFileSync(path.join(dir, 'config.json'), '{\n  "lr": 0.1\n}\n');
    const { tailer, ingester, texts } = follow(dir);
    await tailer.poll(true);
    await tailer.close();
    ingester.end();
    const batch = ingester.takeBatch();
    const keys = batch.series.map((s) => s.key).sort();
    assert.deepEqual(keys, [
      'logs/events.jsonl:reward',
      'logs/train.log:loss',
      'metrics.json:lr',
      'metrics.json:total_loss',
      'output:acc',
      'training.log:accuracy',
      'training.log:loss',
    ]);
    assert.deepEqual(batch.series.find((s) => s.key === 'metrics.json:total_loss')!.x, Float64Array.from([19, 39]));
    assert.deepEqual(batch.series.find((s) => s.key === 'training.log:loss')!.x, Float64Array.from([0, 1]));
    assert.deepEqual(batch.logs.map((l) => l.stream).sort(), ['logs/train.log', 'output']);
    const skipped = texts().filter((t) => t.startsWith('Not read'));
    assert.equal(skipped.length, 1, texts().join('\n'));
    assert.match(skipped[0], /requirements\.txt \(requirements\)/);
    assert.match(skipped[0], /train\.py \(source code\)/);
    assert.match(skipped[0], /weights \(binary\)/);
    assert.match(skipped[0], /config\.json \(configuration\)/);
    assert.ok(!skipped[0].includes('events.jsonl'));
  });

  it('caps the list of skipped files, and tells files found later in a later event', async () => {
    const dir = tempDir();
    for (let i = 0; i < 20; i++) fs.writeFileSync(path.join(dir, `mod${i}.py`), '');
    const { tailer, texts } = follow(dir);
    await tailer.poll(true);
    assert.match(texts()[0], /and 14 more \(source code\)/);
    fs.writeFileSync(path.join(dir, 'conf.yaml'), 'a: 1\n');
    tailer.relist();
    await tailer.poll(true);
    await tailer.close();
    assert.equal(texts().length, 2);
    assert.equal(texts()[1], 'Not read: conf.yaml (configuration).');
  });

  it('never blocks on a FIFO nor reads a link to /dev/zero; follows a link to a regular file', async () => {
    const dir = tempDir();
    execFileSync('mkfifo', [path.join(dir, 'train.log')]);
    fs.symlinkSync('/dev/zero', path.join(dir, 'zero.log'));
    fs.writeFileSync(path.join(dir, 'real.txt'), 'step 1 loss=0.5\nstep 2 loss=0.25\n');
    fs.symlinkSync(path.join(dir, 'real.txt'), path.join(dir, 'latest.log'));
    const { tailer, ingester, texts, bytesOf } = follow(dir);
    await within(tailer.poll(true), 5000, 'a pass over a FIFO and /dev/zero');
    await within(tailer.poll(true), 5000, 'a second pass');
    await tailer.close();
    assert.equal(bytesOf('zero.log'), 0);
    assert.equal(bytesOf('train.log'), 0);
    assert.equal(bytesOf('latest.log'), 33);
    const said = texts().join('\n');
    assert.match(said, /train\.log \(not a regular file \(a FIFO\)\)/);
    assert.match(said, /zero\.log \(a link to a device\)/);
    assert.equal(texts().length, 1, said); // said once, not on every pass
    ingester.end();
    const keys = ingester
      .takeBatch()
      .series.map((s) => s.key)
      .sort();
    assert.deepEqual(keys, ['latest.log:loss', 'real.txt:loss']);
  });

  it('a followed log replaced by a FIFO or a link to /dev/zero stops being read, without blocking', async () => {
    const dir = tempDir();
    const log = path.join(dir, 'stdout.log');
    fs.writeFileSync(log, 'step 1 loss=0.5\n');
    const { tailer, texts, bytesOf } = follow(dir);
    await tailer.poll();
    fs.rmSync(log);
    execFileSync('mkfifo', [log]);
    await within(tailer.poll(), 5000, 'a pass after the log became a FIFO');
    fs.rmSync(log);
    fs.symlinkSync('/dev/zero', log);
    await within(tailer.poll(), 5000, 'a pass after the log became /dev/zero');
    await tailer.close();
    assert.equal(bytesOf('stdout.log'), 16);
    assert.match(texts().join('\n'), /stdout\.log: not a regular file \(a FIFO\); not read\./);
    assert.match(texts().join('\n'), /stdout\.log: not a regular file \(a device\); not read\./);
  });

  it('reads a FIFO named explicitly as no file, with a message', async () => {
    const dir = tempDir();
    const fifo = path.join(dir, 'pipe.log');
    execFileSync('mkfifo', [fifo]);
    const { tailer, texts } = follow(fifo);
    await within(tailer.poll(true), 5000, 'a pass over a named FIFO');
    await tailer.close();
    assert.match(texts().join('\n'), /pipe\.log: not a regular file \(a FIFO\); not read\./);
  });

  it('reads many files through one buffer and a bounded number of descriptors', async () => {
    const dir = tempDir();
    const n = 400;
    for (let i = 0; i < n; i++) fs.writeFileSync(path.join(dir, `w${i}.log`), `step 1 loss=${i}\n`);
    const { tailer, ingester } = follow(dir);
    const fdsBefore = fs.readdirSync('/proc/self/fd').length;
    await tailer.poll(true);
    const held = fs.readdirSync('/proc/self/fd').length - fdsBefore;
    await tailer.close();
    assert.ok(held <= 130, `${held} descriptors held after a pass over ${n} files`);
    assert.equal(ingester.takeBatch().series.length, n);
  });

  it('attached to a finished run (real workers): Events say, before any drain, that a log gave no metrics and which files were skipped', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'train.log'), 'loading data\nbuilding model\n');
    fs.writeFileSync(path.join(dir, 'slurm-1818620.out'), 'step 1 loss=0.5\nstep 2 loss=0.25\n');
    fs.writeFileSync(path.join(dir, 'train.py'), '');
    const batches: Batch[] = [];
    const p = new Pipeline({ root: dir, workersDir, updatesPerSecond: 20, pollMs: 50 }, { batch: (b) => void batches.push(b), error: () => undefined });
    const events = () => batches.flatMap((b) => b.events.map((e) => e.text));
    try {
      await until(() => events().some((t) => t.startsWith('train.log:')), 10_000, 'a word on train.log');
      assert.ok(events().includes('train.log: 2 lines read, no metrics recognised so far.'), events().join('\n'));
      assert.ok(events().includes('Not read: train.py (source code).'), events().join('\n'));
      const keys = batches.flatMap((b) => b.series.map((s) => s.key));
      assert.ok(keys.includes('slurm-1818620.out:loss'), keys.join(', '));
      assert.deepEqual(
        batches
          .flatMap((b) => b.logs.map((l) => l.stream))
          .filter((s, i, a) => a.indexOf(s) === i)
          .sort(),
        ['slurm-1818620.out', 'train.log'],
      );
    } finally {
      await p.drain();
    }
    assert.equal(events().filter((t) => t.startsWith('train.log:')).length, 1, 'said once');
  });
});
