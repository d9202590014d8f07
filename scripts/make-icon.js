// Draws media/icon.png (128×128): a pulse line on a dark rounded square. Run once; the PNG is committed.
const fs = require('node:fs');
const zlib = require('node:zlib');

const S = 128;
const px = Buffer.alloc(S * S * 4);
const pulse = [[14, 80], [40, 80], [52, 40], [66, 100], [78, 62], [88, 80], [114, 80]];
function distToSegment(x, y, [ax, ay], [bx, by]) {
  const dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(x - ax - t * dx, y - ay - t * dy);
}
for (let y = 0; y < S; y++) {
  for (let x = 0; x < S; x++) {
    const i = (y * S + x) * 4;
    const r = 22, cx = Math.min(Math.max(x, r), S - 1 - r), cy = Math.min(Math.max(y, r), S - 1 - r);
    const inside = Math.hypot(x - cx, y - cy) <= r;
    if (!inside) continue;
    let d = Infinity;
    for (let k = 1; k < pulse.length; k++) d = Math.min(d, distToSegment(x, y, pulse[k - 1], pulse[k]));
    const a = Math.max(0, Math.min(1, 4.5 - d)); // line ~9 px wide, antialiased
    const bg = [30, 36, 48], fg = [64, 196, 255];
    for (let c = 0; c < 3; c++) px[i + c] = Math.round(bg[c] * (1 - a) + fg[c] * a);
    px[i + 3] = 255;
  }
}
const raw = Buffer.alloc(S * (S * 4 + 1));
for (let y = 0; y < S; y++) px.copy(raw, y * (S * 4 + 1) + 1, y * S * 4, (y + 1) * S * 4);
function crc32(buf) {
  let c, crc = ~0;
  for (const b of buf) { c = (crc ^ b) & 0xff; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; crc = (crc >>> 8) ^ c; }
  return ~crc >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(S, 0); ihdr.writeUInt32BE(S, 4); ihdr[8] = 8; ihdr[9] = 6;
fs.writeFileSync('media/icon.png', Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0)),
]));
