/** ANSI escape sequences (CSI, OSC, and two-byte escapes) and backspaces, which carry no data. */
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]|[\b]/g;

export function stripAnsi(text: string): string {
  return text.indexOf('\x1b') < 0 && text.indexOf('\b') < 0 ? text : text.replace(ANSI, '');
}

/** Of a line's `\r` redraws, the one a terminal ends up showing: the last that is not empty. */
export function lastRedraw(line: string): string {
  if (line.indexOf('\r') < 0) return line;
  const parts = line.split('\r');
  for (let i = parts.length - 1; i > 0; i--) if (parts[i]) return parts[i];
  return parts[0];
}
