/** ANSI escape sequences (CSI, OSC, and two-byte escapes) and backspaces, which carry no data. */
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]|[\b]/g;

export function stripAnsi(text: string): string {
  return text.indexOf('\x1b') < 0 && text.indexOf('\b') < 0 ? text : text.replace(ANSI, '');
}
