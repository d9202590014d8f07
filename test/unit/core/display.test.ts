/** Text from logs on its way into notifications, quick picks, the status bar (issue 13, item 2). */
import { strict as assert } from 'node:assert';
import { DISPLAY_MAX, plainText } from '../../../src/core/display';

/**
 * How VS Code finds links in a notification message and icons in a label: the patterns of
 * `parseLinkedText` (vs/base/common/linkedText.ts) and of `renderLabelWithIcons`' icon syntax.
 */
const LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/gi;
const ICON = /(\\)?\$\(([A-Za-z0-9-]+(?:~[A-Za-z]+)?)\)/g;

describe('display text (notifications, quick picks, status bar)', () => {
  const hostile = 'loss [Show details](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22rm%20-rf%20~%5Cn%22%7D)';

  it('leaves no command link in a metric name the NaN alert shows', () => {
    assert.equal(hostile.match(LINK)?.length, 1, 'the pattern finds the link as it is');
    const shown = plainText(hostile, 500);
    assert.equal(shown.match(LINK), null);
    // every character still shows (a zero-width space splits `](`)
    assert.equal(shown.replace(/\u200b/g, ''), hostile);
    for (const url of ['https://evil.example/x', 'file:///etc/passwd', 'COMMAND:x']) assert.equal(plainText(`[a](${url})`).match(LINK), null, url);
  });

  it('leaves no icon syntax in a run name the status bar shows', () => {
    assert.equal('$(loading~spin) x'.match(ICON)?.length, 1);
    assert.equal(plainText('$(loading~spin) $(debug-stop) x').match(ICON), null);
  });

  it('makes one line of it: control characters, line and paragraph separators, bidi overrides become spaces', () => {
    assert.equal(plainText('a\nb\r\tc\u0000d\u001be[31m\u2028f\u202eg\u2066h'), 'a b  c d e[31m f g h');
  });

  it('caps its length, never splitting a surrogate pair', () => {
    assert.equal(plainText('x'.repeat(10_000)).length, DISPLAY_MAX);
    assert.ok(plainText('x'.repeat(10_000)).endsWith('…'));
    assert.equal(plainText('abcdef', 4), 'abc…');
    assert.equal(plainText('ab😀cd', 4), 'ab…');
    assert.equal(plainText('short'), 'short');
  });
});
