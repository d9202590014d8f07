import { strict as assert } from 'node:assert';
import { FrameSplitter, MAX_FRAME_CHARS, type Frame } from '../../src/core/frames';

const enc = new TextEncoder();

function splitAll(bytes: Uint8Array, cuts: number[]): Frame[] {
  const s = new FrameSplitter();
  const frames: Frame[] = [];
  let at = 0;
  for (const c of [...cuts, bytes.length]) {
    frames.push(...s.push(bytes.subarray(at, c)));
    at = c;
  }
  return [...frames, ...s.end()];
}

describe('FrameSplitter', () => {
  it('ends frames at \\n, \\r\\n and bare \\r, and flushes a partial last line at the end', () => {
    const frames = splitAll(enc.encode('a\nb\r\nc\rd\re\nlast'), []);
    assert.deepEqual(frames, [
      { text: 'a', end: '\n' },
      { text: 'b', end: '\n' },
      { text: 'c', end: '\r' },
      { text: 'd', end: '\r' },
      { text: 'e', end: '\n' },
      { text: 'last', end: '' },
    ]);
  });

  it('gives the same frames whatever byte the input is cut at (UTF-8, CRLF, \\r)', () => {
    const text = 'Epoch 1/2\r 1/4 ━━━━ - loss: 0.5\r 2/4 ━━━━ - loss: 0.4\r\nünïcödé 🙂 line\nx\r\n\r\ry';
    const bytes = enc.encode(text);
    const whole = splitAll(bytes, []);
    for (let cut = 0; cut <= bytes.length; cut++) {
      assert.deepEqual(splitAll(bytes, [cut]), whole, `cut at byte ${cut}`);
    }
    // and one byte at a time
    assert.deepEqual(splitAll(bytes, [...bytes.keys()]), whole);
  });

  it('holds a line without its end until it completes', () => {
    const s = new FrameSplitter();
    assert.deepEqual(s.push(enc.encode('loss: 0.')), []);
    assert.deepEqual(s.push(enc.encode('5\r')), []); // may be the start of \r\n
    assert.deepEqual(s.push(enc.encode('\n')), [{ text: 'loss: 0.5', end: '\n' }]);
  });

  it('cuts a line longer than the cap instead of holding it whole', () => {
    const s = new FrameSplitter();
    const chunk = enc.encode('x'.repeat(MAX_FRAME_CHARS / 4));
    let frames: Frame[] = [];
    for (let i = 0; i < 10; i++) frames = frames.concat(s.push(chunk));
    assert.equal(frames.length, 2);
    assert.ok(frames.every((f) => f.text.length === MAX_FRAME_CHARS));
    assert.equal(s.capped, 2);
    assert.deepEqual(s.end(), [{ text: 'x'.repeat(MAX_FRAME_CHARS / 2), end: '' }]);
  });

  it('reset forgets a held partial line', () => {
    const s = new FrameSplitter();
    s.push(enc.encode('half a li'));
    s.reset();
    assert.deepEqual(s.push(enc.encode('new\n')), [{ text: 'new', end: '\n' }]);
  });
});
