/**
 * The parts of an event file's `Summary.Value` that are not read on every value: a v2 scalar's
 * rank-0 tensor, and the plugin its metadata names.
 */
import type { Reader } from './wire';

// Protobuf field numbers (tensorflow/core/framework/summary.proto, tensor.proto).
const META_PLUGIN_DATA = 1,
  PLUGIN_NAME = 1;
const TENSOR_DTYPE = 1,
  TENSOR_SHAPE = 2,
  TENSOR_CONTENT = 4,
  TENSOR_FLOAT = 5,
  TENSOR_DOUBLE = 6;
const DT_FLOAT = 1,
  DT_DOUBLE = 2;

/** A rank-0 float or double tensor's value; undefined for anything else (text, histograms…). */
export function tensorScalar(r: Reader, end: number): number | undefined {
  let dtype = 0;
  let rank0 = true;
  let value: number | undefined;
  let content: [number, number] | undefined;
  while (r.at < end) {
    const key = r.varint();
    const field = key >>> 3;
    const wire = key & 7;
    if (field === TENSOR_DTYPE && wire === 0) dtype = r.varint();
    else if (field === TENSOR_SHAPE && wire === 2) {
      const len = r.varint();
      rank0 = len === 0 || !hasDims(r, r.at + len);
      r.at += len;
    } else if (field === TENSOR_FLOAT && wire === 2) {
      const len = r.varint();
      if (len >= 4) value = r.view.getFloat32(r.at, true);
      r.at += len;
    } else if (field === TENSOR_FLOAT && wire === 5) {
      value = r.view.getFloat32(r.at, true);
      r.at += 4;
    } else if (field === TENSOR_DOUBLE && wire === 2) {
      const len = r.varint();
      if (len >= 8) value = r.view.getFloat64(r.at, true);
      r.at += len;
    } else if (field === TENSOR_DOUBLE && wire === 1) {
      value = r.view.getFloat64(r.at, true);
      r.at += 8;
    } else if (field === TENSOR_CONTENT && wire === 2) {
      const len = r.varint();
      content = [r.at, len];
      r.at += len;
    } else r.skip(wire);
  }
  if (!rank0 || (dtype !== DT_FLOAT && dtype !== DT_DOUBLE)) return undefined;
  if (value === undefined && content) {
    const [at, len] = content;
    if (dtype === DT_FLOAT && len === 4) value = r.view.getFloat32(at, true);
    if (dtype === DT_DOUBLE && len === 8) value = r.view.getFloat64(at, true);
  }
  return value;
}

/** Whether a TensorShapeProto lists any dimension (field 2). */
function hasDims(r: Reader, end: number): boolean {
  const save = r.at;
  let dims = false;
  while (r.at < end) {
    const key = r.varint();
    if (key >>> 3 === 2) dims = true;
    r.skip(key & 7);
  }
  r.at = save;
  return dims;
}

export function pluginName(r: Reader, end: number): string | undefined {
  let name: string | undefined;
  while (r.at < end) {
    const key = r.varint();
    if (key >>> 3 === META_PLUGIN_DATA && (key & 7) === 2) {
      const len = r.varint();
      const stop = r.at + len;
      while (r.at < stop) {
        const k = r.varint();
        if (k >>> 3 === PLUGIN_NAME && (k & 7) === 2) name = r.string();
        else r.skip(k & 7);
      }
    } else r.skip(key & 7);
  }
  return name;
}
