import { strict as assert } from 'node:assert';
import { FrameSplitter, MAX_FRAME_CHARS, type Frame } from '../../../src/core/frames';

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

  // The old splitter handed on every MAX_FRAME_CHARS of an endless line as a frame of its own and
  // logged all of it (300 MB: a 314M-character batch); the rest of a cut line is dropped now.
  it('cuts a line longer than the cap once, drops the rest of it up to its end, and reads on', () => {
    const s = new FrameSplitter();
    const chunk = enc.encode('x'.repeat(MAX_FRAME_CHARS / 4));
    const frames: Frame[] = [];
    const onFrame = (text: string, from: number, to: number, end: Frame['end']) => frames.push({ text: text.slice(from, to), end });
    let logged = 0;
    for (let i = 0; i < 40; i++) logged += s.pushTo(chunk, onFrame).length;
    assert.equal(frames.length, 1);
    assert.equal(frames[0].text.length, MAX_FRAME_CHARS);
    assert.equal(s.capped, 1, 'one cut for the one line');
    assert.equal(logged, MAX_FRAME_CHARS, 'the dropped rest is not log text either');
    assert.equal(s.pushTo(enc.encode('yyy\r\nstep 2\n'), onFrame), '\r\nstep 2\n');
    assert.deepEqual(frames.slice(1), [
      { text: '', end: '\n' },
      { text: 'step 2', end: '\n' },
    ]);
    assert.deepEqual(s.end(), []);
  });

  it('reset forgets a held partial line', () => {
    const s = new FrameSplitter();
    s.push(enc.encode('half a li'));
    s.reset();
    assert.deepEqual(s.push(enc.encode('new\n')), [{ text: 'new', end: '\n' }]);
  });
});
