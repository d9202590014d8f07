/**
 * Line colours that stay put: each metric keeps its colour across charts, reloads and runs, and
 * when runs are compared each run gets one colour (its metrics differ by shade and dash). The
 * assignments live in the webview's UI state. High Contrast themes get a palette of their own
 * whose colours and dashes all differ, and a subdued grid.
 */
import { cssVar, faint } from './paint';

export interface LineStyle {
  color: string;
  width: number;
  /** uPlot's canvas dash pattern; absent: solid. */
  dash?: number[];
}

const THEME = [
  '--vscode-charts-blue',
  '--vscode-charts-orange',
  '--vscode-charts-green',
  '--vscode-charts-purple',
  '--vscode-charts-red',
  '--vscode-charts-yellow',
];
const FALLBACK = ['#3794ff', '#d18616', '#89d185', '#b180d7', '#f14c4c', '#cca700'];
/** For High Contrast themes that give several chart colours one value: these stay apart on black and on white. */
const HC_DARK = ['#3ea6ff', '#ffb000', '#5ef25e', '#ff70ff', '#ff5050', '#ffff3c'];
const HC_LIGHT = ['#0047b3', '#a04b00', '#006b00', '#7a00a8', '#c00000', '#4d4d00'];
/** Told apart without colour: solid, dashed, dotted, dash-dot. */
const DASHES: Array<number[] | undefined> = [undefined, [7, 4], [2, 3], [9, 3, 2, 3]];

export function highContrast(): 'dark' | 'light' | undefined {
  const c = document.body.classList;
  if (c.contains('vscode-high-contrast-light')) return 'light';
  if (c.contains('vscode-high-contrast')) return 'dark';
  return undefined;
}

/** The theme's chart colours; in High Contrast, where a theme gives several one value, the others get ours. */
export function palette(): string[] {
  const hc = highContrast();
  const theme = THEME.map((v, i) => cssVar(v, FALLBACK[i]).toLowerCase());
  if (!hc) return theme;
  const own = hc === 'light' ? HC_LIGHT : HC_DARK;
  return theme.map((c, i) => (theme.indexOf(c) < i ? own[i] : c));
}

/** The grid's stroke: the widget border, but faint where a High Contrast border would outshout the lines. */
export function gridStroke(): string {
  if (highContrast()) return highContrast() === 'light' ? 'rgba(0, 0, 0, 0.18)' : 'rgba(255, 255, 255, 0.18)';
  return cssVar('--vscode-editorWidget-border', 'rgba(128,128,128,0.25)');
}

/** `color` lightened (k > 0) or darkened (k < 0) by fraction |k|: a run's second, third… metric. */
export function shade(color: string, k: number): string {
  const hex = /^#([0-9a-f]{6})$/i.exec(color);
  if (!hex) return color;
  const n = parseInt(hex[1], 16);
  const mix = (c: number) => Math.round(k > 0 ? c + (255 - c) * k : c * (1 + k));
  const rgb = [n >> 16, (n >> 8) & 255, n & 255].map(mix);
  return `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

/** Remembered colour numbers: by metric name, and by run. */
export interface ColorState {
  series?: Record<string, number>;
  runs?: Record<string, number>;
}

const KEPT = 200;

/** Gives each name a colour number once (the first not taken), and keeps it. */
function numberOf(book: Record<string, number>, name: string, taken: Set<number>, size: number): number {
  const known = book[name];
  if (known !== undefined && !taken.has(known % size)) return known;
  let n = 0;
  const used = new Set(Object.values(book).map((v) => v % size));
  // a new name takes a colour nobody has yet, else one its chart does not use
  while (n < size && (used.has(n) || taken.has(n))) n++;
  if (n === size) for (n = 0; n < size && taken.has(n); n++);
  if (known === undefined) {
    const keys = Object.keys(book);
    if (keys.length >= KEPT) delete book[keys[0]];
    book[name] = n % size;
  }
  return n % size;
}

/** A chart's line as the styles see it: its metric, and its run (undefined: the run shown). */
export interface StyledLine {
  name: string;
  run?: string;
}

/**
 * The styles of one chart's lines. Comparing runs (some line has a run): colour by run, a run's
 * lines told apart by shade and dash. Else by metric: a colour of the palette, then each colour
 * again with a dash. `hc`: High Contrast, whose lines are drawn wider.
 */
export function stylesFor(lines: StyledLine[], state: ColorState, runOrder: string[], colors: string[], hc: boolean): LineStyle[] {
  const shownRun = runOrder[0] ?? '';
  const size = colors.length;
  const compare = lines.some((l) => l.run !== undefined);
  // past the palette's colours, the same colours again with a dash: every metric keeps a look of its own
  const slots = size * DASHES.length;
  const width = hc ? 2 : 1.5;
  const look = (n: number): LineStyle => {
    const dash = DASHES[Math.floor(n / size) % DASHES.length];
    return { color: colors[n % size], width, ...(dash && { dash }) };
  };
  if (!compare) {
    const taken = new Set<number>();
    return lines.map((l) => {
      const n = numberOf((state.series ??= {}), l.name, taken, slots);
      taken.add(n);
      return look(n);
    });
  }
  const runs = (state.runs ??= {});
  const taken = new Set<number>();
  const runNumber = new Map<string, number>();
  // the runs in the selector's order (the shown one first) take colours before any the host did not list
  for (const run of [...runOrder, ...lines.map((l) => l.run ?? shownRun)]) {
    if (runNumber.has(run)) continue;
    const n = numberOf(runs, run, taken, size);
    taken.add(n);
    runNumber.set(run, n);
  }
  const within = new Map<string, number>();
  return lines.map((l) => {
    const run = l.run ?? shownRun;
    const k = within.get(run) ?? 0;
    within.set(run, k + 1);
    const base = colors[runNumber.get(run)!];
    // the first metric in the run's own colour, then lighter and darker shades, each with its dash
    const color = k === 0 ? base : shade(base, k % 2 ? 0.45 : -0.35);
    const dash = DASHES[k % DASHES.length];
    return { color, width, ...(dash && { dash }) };
  });
}

export { faint };

/**
 * A legend swatch's CSS background: the line's colour in its dash pattern (a dashed line's swatch
 * is dashed), so the lines of one run, which differ by dash, are told apart in the legend too.
 */
export function swatchBackground(style: LineStyle): string {
  if (!style.dash) return style.color;
  let at = 0;
  const stops = style.dash.map((len, i) => {
    const c = i % 2 ? 'transparent' : style.color;
    const stop = `${c} ${at}px ${(at += len)}px`;
    return stop;
  });
  return `repeating-linear-gradient(to right, ${stops.join(', ')})`;
}
