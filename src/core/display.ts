/**
 * Text from logs and files on its way into the editor's own UI: notifications, quick picks, the
 * status bar. Metric names, run names, file names and scheduler messages come from
 * whatever wrote the files, so they are made inert and short before they are shown.
 *
 * VS Code parses `[label](command:…)` / `(https:…)` / `(file:…)` into links in notification
 * messages (`parseLinkedText` in `vs/base/common/linkedText.ts`, a regex that needs `](` side by
 * side and knows no escapes) and `$(name)` into icons in status bar and quick pick labels
 * (`renderLabelWithIcons`, which needs `$(` side by side). A zero-width space between the two
 * characters of each pair keeps every character visible and breaks both syntaxes.
 */

/** Characters a UI string never shows: C0/C1 controls, line and paragraph separators, bidi overrides. */
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const ZWSP = '\u200b';

/** The length a name or message keeps by default (a status bar or notification line). */
export const DISPLAY_MAX = 160;

function capped(text: string, max: number): string {
  const flat = text.replace(INVISIBLE, ' ');
  if (flat.length <= max) return flat;
  // never end on half of a surrogate pair
  let cut = Math.max(0, max - 1);
  if (cut > 0 && /[\ud800-\udbff]/.test(flat[cut - 1])) cut--;
  return `${flat.slice(0, cut)}…`;
}

/**
 * For notifications, quick pick items and status bar text: one line, at most `max` characters,
 * with no link (`](`) or icon (`$(`) syntax left.
 */
export function plainText(text: string, max = DISPLAY_MAX): string {
  return capped(String(text), max).replace(/([\]$])\(/g, `$1${ZWSP}(`);
}
