/** Metric names as the store keeps them: copied, and cut with a hash past MAX_NAME_CHARS. */

/** Characters of a metric name kept; a longer one ends in a hash of the whole name, so distinct names stay distinct. */
export const MAX_NAME_CHARS = 200;

/**
 * `name` as stored: a fresh copy (a name sliced from a decoded 4 MB chunk would keep the chunk
 * alive as long as the series; V8 neither flattens nor copies a slice on `' ' + s`), and past
 * MAX_NAME_CHARS cut, with a 64-bit hash of the whole name (also keeps V8's string hashing, which
 * gives every string past 16K characters the same hash, out of a map's way).
 */
export function storedName(name: string): string {
  let n = name;
  if (n.length > MAX_NAME_CHARS) n = n.slice(0, MAX_NAME_CHARS - 18) + '…#' + hash64(name);
  return freshCopy(n);
}

/** A string of its own with `s`'s characters: no slice of a bigger string kept alive through it. */
export function freshCopy(s: string): string {
  const codes = new Array<number>(s.length);
  for (let i = 0; i < s.length; i++) codes[i] = s.charCodeAt(i);
  return String.fromCharCode(...codes);
}

/** Two 32-bit FNV-1a lanes over the UTF-16 code units, as 16 hex digits. */
function hash64(s: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}
