/**
 * `training-monitor parse` over run folders as real trainings leave them: output logs under any
 * name, tables with and without headers, files that are not logs, a file named explicitly. The
 * files are written by real processes (Python with torch, tqdm, csv) in each format's own way.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot, tempDir } from '../../helpers';

const cli = path.join(repoRoot, 'dist', 'cli.js');

interface Result {
  series: Record<string, { x: number[]; y: number[]; xKind: string }>;
  warnings: string[];
}

function parseJson(target: string, shell?: string): Result {
  const out = shell
    ? execFileSync('bash', ['-c', `${shell}; exec "${process.execPath}" "${cli}" parse "${target}" --json`], { encoding: 'utf8' })
    : execFileSync(process.execPath, [cli, 'parse', target, '--json'], { encoding: 'utf8' });
  return JSON.parse(out) as Result;
}

function python(code: string, cwd: string): void {
  execFileSync('/usr/bin/python3', ['-c', code], { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
}

/** A plain PyTorch loop run as `nohup python train.py &` would leave it, and its step lines. */
const TORCH_LOOP = `
import sys, torch
torch.manual_seed(0)
model = torch.nn.Linear(4, 1)
opt = torch.optim.SGD(model.parameters(), lr=0.05)
x = torch.randn(64, 4)
y = x.sum(1, keepdim=True)
with open('nohup.out', 'w') as out, open('plain.log', 'w') as plain:
    out.write('nohup: ignoring input\\n')
    for epoch in range(1, 3):
        for step in range(1, 21):
            loss = torch.nn.functional.mse_loss(model(x), y)
            opt.zero_grad(); loss.backward(); opt.step()
            if step % 5 == 0:
                out.write(f"Epoch {epoch} | step {step} | loss {loss.item():.4f} | lr {opt.param_groups[0]['lr']}\\n")
                plain.write(f"step {(epoch - 1) * 20 + step} loss={loss.item():.4f}\\n")
`;

/** tqdm's bar with a loss postfix, as a Slurm job's output file holds it (`\\r` redraws). */
const TQDM_JOB = `
from tqdm import tqdm
with open('slurm-1818620.out', 'w') as f:
    f.write('Starting job 1818620 on node042\\n')
    bar = tqdm(range(40), file=f, mininterval=0, miniters=1, ascii=True)
    for i in bar:
        bar.set_postfix(loss=round(1.0 / (i + 1), 4))
    bar.close()
`;

/** Keras \`CSVLogger('training.log')\`: a csv.writer row of names, then one row per epoch (\`on_epoch_end\`). */
const KERAS_CSV = `
import csv
with open('training.log', 'w', newline='') as f:
    w = csv.DictWriter(f, fieldnames=['epoch', 'accuracy', 'loss', 'val_accuracy', 'val_loss'])
    w.writeheader()
    for e in range(5):
        w.writerow({'epoch': e, 'accuracy': 0.5 + e / 10, 'loss': 1.0 / (e + 1), 'val_accuracy': 0.45 + e / 10, 'val_loss': 1.2 / (e + 1)})
`;

/** YOLOv5 train.py (v5): per epoch \`s + '%10.4g' * 7 % results\`, s = ('%10s' * 2 + '%10.4g' * 6) % (epoch/epochs-1, mem, *mloss, labels, img). */
const YOLOV5 = `
epochs = 4
with open('results.txt', 'a') as f:
    for epoch in range(epochs):
        mloss = (0.1 - epoch / 100, 0.07, 0.04, 0.21 - epoch / 100)
        mem = '%.3gG' % 1.86
        s = ('%10s' * 2 + '%10.4g' * 6) % ('%g/%g' % (epoch, epochs - 1), mem, *mloss, 52 + epoch, 640)
        results = (0.1 * epoch, 0.2 * epoch, 0.05 * epoch, 0.01 * epoch, 0.09, 0.05, 0.03)
        f.write(s + '%10.4g' * 7 % results + '\\n')
`;

/** SB3 \`Monitor\`/\`ResultsWriter\`: \`#{json.dumps(header)}\`, then a DictWriter of r, l, t (rounded as it does). */
const SB3_MONITOR = `
import csv, json
t_start = 1700000000.25
with open('monitor.csv', 'wt', newline='\\n') as f:
    f.write(f"#{json.dumps({'t_start': t_start, 'env_id': 'CartPole-v1'})}\\n")
    w = csv.DictWriter(f, fieldnames=('r', 'l', 't'))
    w.writeheader()
    for ep in range(6):
        w.writerow({'r': round(10.0 + ep * 3.5, 6), 'l': 10 + ep, 't': round(0.5 * (ep + 1), 6)})
`;

describe('parse: a run folder as real trainings leave it', function () {
  this.timeout(120_000);
  let dir = '';

  before(() => {
    execFileSync(process.execPath, [path.join(repoRoot, 'esbuild.js')], { cwd: repoRoot, stdio: 'ignore' });
    dir = tempDir();
    for (const code of [TORCH_LOOP, TQDM_JOB, KERAS_CSV, YOLOV5, SB3_MONITOR]) python(code, dir);
    fs.writeFileSync(path.join(dir, 'requirements.txt'), 'torch>=1.13\ntqdm\n');
    fs.writeFileSync(path.join(dir, 'train.py'), 'print("step 1 loss=0.5")\n');
  });

  it('reads every log and table, names series after the columns their writers give, skips what is not a log', () => {
    const r = parseJson(dir);
    // Keras CSVLogger in a .log file: a table, epoch as x (an axis, not a chart)
    assert.deepEqual(r.series['val_loss'], { x: [0, 1, 2, 3, 4], y: [0, 1, 2, 3, 4].map((e) => 1.2 / (e + 1)), xKind: 'epoch' });
    assert.equal(r.series['epoch'], undefined);
    // YOLOv5 results.txt: no header, `0/3` and `1.86G` tokens
    assert.deepEqual(r.series['metrics/mAP_0.5'].x, [0, 1, 2, 3]);
    assert.deepEqual(r.series['metrics/mAP_0.5'].y, [0, 0.05, 0.1, 0.15]);
    assert.deepEqual(r.series['gpu_mem'].y, [1.86, 1.86, 1.86, 1.86]);
    assert.deepEqual(r.series['train/total_loss'].y, [0.21, 0.2, 0.19, 0.18]);
    assert.equal(r.series['img_size'], undefined);
    // SB3 monitor.csv after its comment line: one point per episode
    assert.deepEqual(r.series['r'], { x: [1, 2, 3, 4, 5, 6], y: [10, 13.5, 17, 20.5, 24, 27.5], xKind: 'index' });
    assert.equal(r.series['t'], undefined);
    // a plain loop's `step N loss=…` in plain.log; tqdm's postfix in the Slurm job's output
    assert.deepEqual(r.series['loss'].x, [5, 10, 15, 20, 25, 30, 35, 40]);
    assert.ok(r.series['slurm-1818620.out:loss'], Object.keys(r.series).join(', '));
    assert.equal(r.series['slurm-1818620.out:loss'].y.at(-1), 0.025);
    // nohup.out: the plain loop's `Epoch e | step s | loss l | lr r`, its per-epoch steps unrolled
    const nohup = parseJson(path.join(dir, 'nohup.out'));
    assert.deepEqual(nohup.series['loss'].x, [5, 10, 15, 20, 25, 30, 35, 40]);
    assert.equal(nohup.series['loss'].xKind, 'step');
    assert.deepEqual(nohup.series['lr'].y, Array(8).fill(0.05));
    assert.deepEqual(nohup.warnings, []);
  });

  it('says in Events which files were not read, and why', () => {
    const out = execFileSync(process.execPath, [cli, 'parse', dir], { encoding: 'utf8' });
    assert.match(out, /^info: Not read: requirements\.txt \(requirements\); train\.py \(source code\)\.$/m);
    const sources = new Set(
      out
        .split('\n')
        .slice(1)
        .map((l) => l.split(/\s{2,}/)[1]),
    );
    for (const f of ['training.log', 'results.txt', 'monitor.csv', 'plain.log', 'slurm-1818620.out']) assert.ok(sources.has(f), `${f} in\n${out}`);
  });

  it('reads a file named explicitly by its content, whatever its name', () => {
    // a fairseq log someone saved as 1.py: SimpleProgressBar.log's `{prefix}:  {i:5d} / {n:d} {stats}`
    // under fairseq_cli/train.py's logging format `%(asctime)s | %(levelname)s | %(name)s | %(message)s`
    const one = path.join(dir, 'saved', '1.py');
    fs.mkdirSync(path.dirname(one));
    const line = (i: number, loss: number) =>
      `2021-01-13 15:44:36 | INFO | train_inner | epoch 001:  ${String(i).padStart(5)} / 1474 loss=${loss}, nll_loss=${loss - 0.1}, ppl=891.2, wps=12000, ups=3.1, wpb=3800, bsz=128, num_updates=${i}, lr=5e-05, gnorm=2.1, train_wall=32, wall=35\n`;
    fs.writeFileSync(one, '2021-01-13 15:40:01 | INFO | fairseq_cli.train | task: translation\n' + line(100, 9.874) + line(200, 8.5));
    const named = parseJson(one);
    // read as a log: its points, or a word on why none came (the line formats are the printed-line parser's)
    const fromIt = Object.keys(named.series).length > 0 || named.warnings.includes('1.py: 3 lines read, no metrics recognised.');
    assert.ok(fromIt, JSON.stringify(named));
    // the same file in a watched folder is source code by its name
    const folder = execFileSync(process.execPath, [cli, 'parse', path.dirname(one)], { encoding: 'utf8' });
    assert.match(folder, /Not read: 1\.py \(source code\)/);
    // JSON lines under a name without extension, and printed output under a code name
    const jsonl = path.join(dir, 'saved', 'metrics');
    fs.writeFileSync(jsonl, '{"step": 100, "loss": 9.874}\n{"step": 200, "loss": 8.5}\n');
    assert.deepEqual(parseJson(jsonl).series['loss'], { x: [100, 200], y: [9.874, 8.5], xKind: 'step' });
    const printed = path.join(dir, 'saved', 'log.py');
    fs.writeFileSync(printed, 'step 10 loss=0.5\nstep 20 loss=0.25\n');
    assert.deepEqual(parseJson(printed).series['loss'], { x: [10, 20], y: [0.5, 0.25], xKind: 'step' });
  });

  it('never prints {} without a word: a log with no metrics, an empty file, an empty folder', () => {
    const sub = tempDir();
    fs.writeFileSync(path.join(sub, 'train.log'), 'loading data\nbuilding model\ndone\n');
    const r = parseJson(path.join(sub, 'train.log'));
    assert.deepEqual(r.series, {});
    assert.deepEqual(r.warnings, ['train.log: 3 lines read, no metrics recognised.']);
    fs.writeFileSync(path.join(sub, 'empty.log'), '');
    assert.deepEqual(parseJson(path.join(sub, 'empty.log')).warnings, ['No files with data were found to read.']);
    fs.writeFileSync(path.join(sub, 'ckpt'), Buffer.from([0x80, 0x02, 0x7d, 0x71, 0x00, 0x28]));
    assert.deepEqual(parseJson(path.join(sub, 'ckpt')).warnings, ['ckpt: not text (binary); not read.', 'No files with data were found to read.']);
    const empty = tempDir();
    assert.deepEqual(parseJson(empty).warnings, ['No files with data were found to read.']);
  });

  it('reads every file of a folder under a descriptor limit far below their number', () => {
    const many = tempDir();
    for (let i = 0; i < 300; i++) fs.writeFileSync(path.join(many, `task${i}.log`), `step 1 loss=${i}\n`);
    const r = parseJson(many, 'ulimit -n 48');
    assert.equal(Object.keys(r.series).length, 300);
    assert.deepEqual(r.warnings, []);
  });

  it('reports an unreadable folder once instead of skipping it in silence', function () {
    const top = tempDir();
    fs.chmodSync(top, 0o755);
    fs.writeFileSync(path.join(top, 'stdout.log'), 'step 1 loss=0.5\n');
    fs.chmodSync(path.join(top, 'stdout.log'), 0o644);
    const closed = path.join(top, 'run2');
    fs.mkdirSync(closed);
    fs.writeFileSync(path.join(closed, 'stdout.log'), 'step 1 loss=0.5\n');
    fs.chmodSync(closed, 0o000);
    // as an unprivileged user, so the folder's mode applies (root reads anything)
    const asNobody = process.getuid?.() === 0 ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--'] : [];
    fs.chmodSync(path.dirname(top), 0o755);
    // the CLI from a folder that user can read (a clone under /root is not): the bundle is one file
    const bin = tempDir();
    fs.chmodSync(bin, 0o755);
    fs.copyFileSync(cli, path.join(bin, 'cli.js'));
    fs.chmodSync(path.join(bin, 'cli.js'), 0o644);
    const out = execFileSync(
      asNobody[0] ?? process.execPath,
      [...asNobody.slice(1), ...(asNobody.length ? [process.execPath] : []), path.join(bin, 'cli.js'), 'parse', top, '--json'],
      { encoding: 'utf8' },
    );
    const r = JSON.parse(out) as Result;
    assert.deepEqual(r.series['loss'], { x: [1], y: [0.5], xKind: 'step' });
    assert.deepEqual(
      r.warnings.filter((w) => w.includes('run2')),
      ["run2: cannot list this folder (EACCES: permission denied, scandir '" + closed + "'); its files are not read."],
    );
  });
});
