import { strict as assert } from 'node:assert';
import { ByteFrameSplitter } from '../../../src/core/byteFrames';
import { FrameSplitter, MAX_FRAME_CHARS } from '../../../src/core/frames';

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { ignoreBOM: true });

/** The frames' texts, the bytes cut at `cuts`, from either splitter (a byte frame decoded as the reader decodes it). */
function frames(bytes: Uint8Array, cuts: number[], inBytes: boolean): string[] {
  const out: string[] = [];
  const onFrame = (text: string, from: number, to: number) => out.push(text.slice(from, to));
  const s = inBytes ? new ByteFrameSplitter((b, from, to) => out.push(dec.decode(b.subarray(from, to)))) : new FrameSplitter();
  let at = 0;
  for (const c of [...cuts, bytes.length]) {
    s.pushTo(bytes.subarray(at, c), onFrame);
    at = c;
  }
  s.endTo(onFrame);
  return out;
}

let seed = 5;
const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;

/** Pieces a stream is made of: ASCII, 2-, 3- and 4-byte characters, every line end, a mark, bytes that are no UTF-8. */
const PIECES = ['a', '{"k": 1}', 'é', '€', '🙂', '\n', '\r', '\r\n', '\ufeff', '\xff', '\xe2\x82', '\xef\xbb', ' '];
const piece = (p: string) =>
  p.startsWith('\xff') || p.startsWith('\xe2') || p.startsWith('\xef') ? Uint8Array.from(p, (c) => c.charCodeAt(0)) : enc.encode(p);

function stream(n: number, bom: boolean): Uint8Array {
  const parts = [bom ? Uint8Array.of(0xef, 0xbb, 0xbf) : new Uint8Array(0)];
  for (let i = 0; i < n; i++) parts.push(piece(PIECES[Math.floor(rand() * PIECES.length)]));
  const out = new Uint8Array(parts.reduce((k, p) => k + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe('ByteFrameSplitter', () => {
  it('gives the frames FrameSplitter gives, the bytes cut anywhere (UTF-8, CRLF, \\r, a byte-order mark, bad bytes)', () => {
    for (let round = 0; round < 400; round++) {
      const bytes = stream(1 + Math.floor(rand() * 40), round % 3 === 0);
      const cuts = [...new Set(Array.from({ length: Math.floor(rand() * 4) }, () => Math.floor(rand() * bytes.length)))].sort((a, b) => a - b);
      assert.deepEqual(frames(bytes, cuts, true), frames(bytes, cuts, false), `${JSON.stringify(dec.decode(bytes))} cut at ${cuts}`);
    }
    // a mark cut in pieces, a lone start of one, one byte at a time
    for (const s of ['\ufeff{"a": 1}\r\n{"a": 2}\r', '\ufeff\ufeffx\n', '\xef\xbbx\n', '\xef']) {
      const bytes = s.startsWith('\xef') ? piece(s) : enc.encode(s);
      for (let cut = 0; cut <= bytes.length; cut++) assert.deepEqual(frames(bytes, [cut], true), frames(bytes, [cut], false), `${s} cut at ${cut}`);
      assert.deepEqual(frames(bytes, [...bytes.keys()], true), frames(bytes, [...bytes.keys()], false));
    }
  });

  it('hands a line open past the cap to the text splitter, which cuts it in characters, and reads the bytes after it as bytes', () => {
    // 3-byte characters: 1.5 MB that are 500,000 characters, not cut; then 1.2M characters, cut once
    const long = '€'.repeat(MAX_FRAME_CHARS / 2);
    const longer = 'x'.repeat(MAX_FRAME_CHARS + 200_000);
    const bytes = enc.encode(`{"a": 1}\n${long}\n${longer}\n{"a": 2}\n`);
    // past a million bytes at a chunk's end: only the first line, which is not cut (the second comes
    // whole in the last chunk, as FrameSplitter lets it), or both, the second cut
    const cases: Array<[number[], number[]]> = [
      [
        [100, 1_200_000],
        [8, MAX_FRAME_CHARS / 2, longer.length, 8],
      ],
      [
        [100, 700_000, 1_600_000, 2_200_000, 2_700_000],
        [8, MAX_FRAME_CHARS / 2, MAX_FRAME_CHARS, 0, 8],
      ],
    ];
    for (const [cuts, lengths] of cases) {
      const want = frames(bytes, cuts, false);
      assert.deepEqual(
        want.map((f) => f.length),
        lengths,
      );
      assert.deepEqual(frames(bytes, cuts, true), want);
    }
    const out: string[] = [];
    const s = new ByteFrameSplitter((b, from, to) => out.push(dec.decode(b.subarray(from, to))));
    s.pushTo(bytes.subarray(0, 2_700_000), () => undefined);
    assert.equal(s.capped, 1);
    // the cut line's end ends the text splitter's part: the line after it is bytes again
    const texts: string[] = [];
    out.length = 0;
    s.pushTo(bytes.subarray(2_700_000), (text, from, to) => texts.push(text.slice(from, to)));
    s.pushTo(enc.encode('{"a": 3}\n'), () => assert.fail('text after the long line'));
    assert.deepEqual([texts, out, s.capped], [[''], ['{"a": 2}', '{"a": 3}'], 1]);
    s.reset(); // a new stream: bytes again, its mark dropped
    out.length = 0;
    s.pushTo(enc.encode('\ufeffback to bytes\n'), () => assert.fail('text after a reset'));
    assert.deepEqual(out, ['back to bytes']);
  });
});
