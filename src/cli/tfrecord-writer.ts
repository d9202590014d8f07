/**
 * Writes TensorBoard event records in the real format (TFRecord framing with masked CRC-32C around
 * `Event` protobufs), for tests and benchmarks that need inputs of a chosen shape or size.
 */
import { maskedCrc32c } from '../core/parse/crc32c';

class Proto {
  private parts: number[] = [];

  varint(v: number): this {
    while (v >= 0x80) {
      this.parts.push((v % 128) | 0x80);
      v = Math.floor(v / 128);
    }
    this.parts.push(v);
    return this;
  }
  key(field: number, wire: number): this {
    return this.varint(field * 8 + wire);
  }
  bytes(field: number, b: Uint8Array): this {
    this.key(field, 2).varint(b.length);
    for (const x of b) this.parts.push(x);
    return this;
  }
  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }
  fixed32Float(field: number, v: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.key(field, 5);
    for (const x of b) this.parts.push(x);
    return this;
  }
  double(field: number, v: number): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v, true);
    this.key(field, 1);
    for (const x of b) this.parts.push(x);
    return this;
  }
  done(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

export type ScalarEncoding = 'simple_value' | 'float_val' | 'double_val' | 'tensor_content';

/** One `Value` with a scalar in the given encoding (v1 `simple_value` or a v2 rank-0 tensor). */
export function scalarValue(tag: string, y: number, encoding: ScalarEncoding = 'simple_value', plugin?: string): Uint8Array {
  const v = new Proto().string(1, tag);
  if (plugin !== undefined) v.bytes(9, new Proto().bytes(1, new Proto().string(1, plugin).done()).done());
  if (encoding === 'simple_value') return v.fixed32Float(2, y).done();
  const t = new Proto()
    .key(1, 0)
    .varint(encoding === 'double_val' ? 2 : 1)
    .bytes(2, new Uint8Array(0));
  if (encoding === 'float_val') t.bytes(5, new Proto().fixed32Float(1, y).done().subarray(1));
  if (encoding === 'double_val') t.bytes(6, new Proto().double(1, y).done().subarray(1));
  if (encoding === 'tensor_content') {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, y, true);
    t.bytes(4, b);
  }
  return v.bytes(8, t.done()).done();
}

/** An `Event` at `step` whose summary holds `values`. */
export function event(step: number, values: Uint8Array[], wallTime = 1_795_405_318 + step): Uint8Array {
  const summary = new Proto();
  for (const v of values) summary.bytes(1, v);
  return new Proto().double(1, wallTime).key(2, 0).varint(step).bytes(5, summary.done()).done();
}

/** One TFRecord: length, masked CRC of the length, data, masked CRC of the data. */
export function record(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length + 4);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length, true);
  view.setUint32(4, 0, true);
  view.setUint32(8, maskedCrc32c(out, 0, 8), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
