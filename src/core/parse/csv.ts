/**
 * CSV with a header (Keras `CSVLogger`, Lightning `metrics.csv`): every numeric cell of a metric
 * column is a point at the row's `step` (else `epoch`, else row number). Empty and `NA` cells are
 * absent values, not zeros. Quoted fields are not handled yet.
 */
import { parseNumber } from './progress';
import type { Point } from './types';
import type { XKind } from '../protocol/batch';

const MISSING = new Set(['', 'NA', 'None', 'null']);

export class CsvParser {
  private header: string[] | undefined;
  private xColumn = -1;
  private xKind: XKind = 'index';
  private row = 0;
  /** Lines that did not match the header's width. */
  malformed = 0;

  /** One line of the file (without its line end). */
  parse(line: string): Point[] {
    if (line.trim() === '') return [];
    const delimiter = line.includes('\t') && !line.includes(',') ? '\t' : ',';
    const cells = line.split(delimiter).map((c) => c.trim());
    if (!this.header) {
      this.setHeader(cells);
      return [];
    }
    if (cells.length !== this.header.length) {
      this.malformed++;
      return [];
    }
    this.row++;
    const x = this.xColumn >= 0 ? Number(cells[this.xColumn]) : this.row;
    if (this.xColumn >= 0 && (cells[this.xColumn] === '' || !Number.isFinite(x))) return [];
    const points: Point[] = [];
    for (let i = 0; i < cells.length; i++) {
      if (i === this.xColumn || MISSING.has(cells[i])) continue;
      const name = this.header[i];
      if (name === 'step' || name === 'epoch') continue;
      const y = parseNumber(cells[i]);
      if (!Number.isNaN(y) || /^nan$/i.test(cells[i])) points.push({ name, xKind: this.xKind, x, y });
    }
    return points;
  }

  /** The file was rewritten (Lightning rewrites it whole when a metric appears): expect a header. */
  reset(): void {
    this.header = undefined;
    this.row = 0;
  }

  private setHeader(cells: string[]): void {
    this.header = cells;
    this.xColumn = cells.indexOf('step');
    this.xKind = 'step';
    if (this.xColumn < 0) {
      this.xColumn = cells.indexOf('epoch');
      this.xKind = 'epoch';
    }
    if (this.xColumn < 0) this.xKind = 'index';
  }
}
