/**
 * CRC-32C (Castagnoli), slice-by-8, and TFRecord's masked form. Table-driven in plain TypeScript:
 * it runs in the refine worker and the CLI alike, with no native module to build.
 */
const POLY = 0x82f63b78;
const T = new Uint32Array(8 * 256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
  T[n] = c >>> 0;
}
for (let n = 0; n < 256; n++) {
  for (let t = 1; t < 8; t++) T[t * 256 + n] = (T[(t - 1) * 256 + n] >>> 8) ^ T[T[(t - 1) * 256 + n] & 0xff];
}

export function crc32c(buf: Uint8Array, start = 0, end = buf.length): number {
  let crc = 0xffffffff;
  let i = start;
  for (; i + 8 <= end; i += 8) {
    const a = crc ^ (buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24));
    crc =
      T[7 * 256 + (a & 0xff)] ^
      T[6 * 256 + ((a >>> 8) & 0xff)] ^
      T[5 * 256 + ((a >>> 16) & 0xff)] ^
      T[4 * 256 + (a >>> 24)] ^
      T[3 * 256 + buf[i + 4]] ^
      T[2 * 256 + buf[i + 5]] ^
      T[256 + buf[i + 6]] ^
      T[buf[i + 7]];
  }
  for (; i < end; i++) crc = T[(crc ^ buf[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** TFRecord's mask: rotate right by 15 and add a constant, so CRCs of CRCs stay strong. */
export function maskedCrc32c(buf: Uint8Array, start = 0, end = buf.length): number {
  return mask(crc32c(buf, start, end));
}

function mask(crc: number): number {
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

/**
 * `maskedCrc32c` of a record header's 8-byte length whose high word is 0 (every length a record
 * may have): the zero bytes add nothing (row 0 of every table is 0), so 4 lookups.
 */
export function maskedLengthCrc(lo: number): number {
  const a = 0xffffffff ^ lo;
  return mask((T[7 * 256 + (a & 0xff)] ^ T[6 * 256 + ((a >>> 8) & 0xff)] ^ T[5 * 256 + ((a >>> 16) & 0xff)] ^ T[4 * 256 + (a >>> 24)] ^ 0xffffffff) >>> 0);
}

/** `maskedCrc32c(buf, at, at + 8)`, for the 8-byte length every record header checks: one step of the loop, no call. */
export function maskedCrc32c8(buf: Uint8Array, at: number): number {
  const a = 0xffffffff ^ (buf[at] | (buf[at + 1] << 8) | (buf[at + 2] << 16) | (buf[at + 3] << 24));
  const crc =
    (T[7 * 256 + (a & 0xff)] ^
      T[6 * 256 + ((a >>> 8) & 0xff)] ^
      T[5 * 256 + ((a >>> 16) & 0xff)] ^
      T[4 * 256 + (a >>> 24)] ^
      T[3 * 256 + buf[at + 4]] ^
      T[2 * 256 + buf[at + 5]] ^
      T[256 + buf[at + 6]] ^
      T[buf[at + 7]] ^
      0xffffffff) >>>
    0;
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}
