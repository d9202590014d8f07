/**
 * Printed results that span several lines, read as the blocks their writers print:
 *
 * - Stable-Baselines3's logger, `HumanOutputFormat.write`: one table per dump between lines of
 *   dashes, `| rollout/ | |` section rows and `|    ep_len_mean | 22.4 |` value rows; x is
 *   `time/total_timesteps`.
 * - detectron2's `print_csv_format`: `copypaste: Task: bbox`, then `copypaste: AP,AP50,…`, then
 *   `copypaste: 40.2,61.0,…`: one point per column, named `bbox/AP`.
 */
import { readNumber } from './number';

const MAX_ROWS = 1000;

const cellNumber = readNumber;

/** A line of 10+ dashes and nothing else (SB3's table border). */
export function isDashes(s: string, from: number): boolean {
  let i = from;
  while (s.charCodeAt(i) === 32) i++;
  const a = i;
  while (s.charCodeAt(i) === 45) i++;
  const b = i;
  while (s.charCodeAt(i) === 32) i++;
  return b - a >= 10 && i === s.length;
}

/** SB3's table, row by row. */
export class KeyValueTable {
  open = false;
  names: string[] = [];
  values: number[] = [];
  private section = '';

  start(): void {
    this.open = true;
    this.section = '';
    this.names.length = 0;
    this.values.length = 0;
  }

  /** A row `| name | value |`; false when the line is not one (the table is over). */
  row(s: string, from: number): boolean {
    let i = from;
    while (s.charCodeAt(i) === 32) i++;
    if (s.charCodeAt(i) !== 124) return false;
    const bar = s.indexOf('|', i + 1);
    const end = s.lastIndexOf('|');
    // exactly `| key | value |`: word_language_model's `| end of epoch 1 | time: … |` after dashes is no table
    if (bar < 0 || end <= bar || s.indexOf('|', bar + 1) !== end || s.slice(end + 1).trim()) return false;
    const name = s.slice(i + 1, bar).trim();
    if (!name) return false;
    if (!s.slice(bar + 1, end).trim()) {
      if (name.endsWith('/')) this.section = name;
      return true;
    }
    const y = cellNumber(s, bar + 1, end);
    if (y !== undefined && this.names.length < MAX_ROWS) {
      // a key without its section (`| fps | 103 |` under `time/`) keeps the section's prefix
      this.names.push(this.section + name);
      this.values.push(y);
    }
    return true;
  }
}

/** detectron2's `copypaste:` lines. */
export class CopyPaste {
  private task = '';
  private header: string[] = [];
  names: string[] = [];
  values: number[] = [];

  /** Reads the text after `copypaste: `; true when it completed a row of values. */
  line(s: string, from: number): boolean {
    if (s.startsWith('Task: ', from)) {
      this.task = s.slice(from + 6).trim();
      this.header = [];
      return false;
    }
    const cells = s.slice(from).split(',');
    const nums = cells.map((c) => cellNumber(c, 0, c.length));
    if (nums.every((v) => v !== undefined)) {
      if (nums.length !== this.header.length) return false;
      this.names = this.header.map((h) => (this.task ? `${this.task}/${h}` : h));
      this.values = nums as number[];
      return true;
    }
    this.header = cells.map((c) => c.trim());
    return false;
  }
}
