/**
 * How the charts' lines look and are named across runs: colours from colors.ts (remembered in the
 * UI state), run names the user gave, and which run an overlaid line belongs to.
 */
import type { RunChoice } from '../core/protocol/webview';
import { highContrast, palette, stylesFor, type ColorState, type LineStyle } from './colors';
import type { HeldSeries } from './heldSeries';
import { runTag } from './runLabels';

/** What decides how lines look and are named: remembered colours, the user's run names, the runs. */
export interface Look {
  colors: ColorState;
  names: Record<string, string>;
  runs: RunChoice[];
}

export class RunLook {
  look: Look = { colors: {}, names: {}, runs: [] };
  /** The theme's line colours (read again when the theme changes). */
  private palette: string[] = [];
  private hc = false;

  /** `colored`: a metric or run was given its colour (to be kept). */
  constructor(private readonly colored: () => void) {
    this.readTheme();
  }

  readTheme(): void {
    this.palette = palette();
    this.hc = highContrast() !== undefined;
  }

  /** A chart's lines' styles, each metric's and run's colour remembered. */
  styles(lines: HeldSeries[]): LineStyle[] {
    const c = this.look.colors;
    const count = () => Object.keys(c.series ?? {}).length + Object.keys(c.runs ?? {}).length;
    const before = count();
    const runs = this.look.runs;
    const order = [runs.find((r) => r.shown)?.id ?? '', ...runs.filter((r) => r.overlaid).map((r) => r.id)];
    const styles = stylesFor(
      lines.map((l) => ({ name: l.name, run: this.runOf(l)?.id })),
      c,
      order,
      this.palette,
      this.hc,
    );
    if (count() !== before) this.colored();
    return styles;
  }

  /** A line's file as its legend names it: an overlaid run's under the name the user gave the run. */
  sourceText(l: HeldSeries): string {
    const run = this.runOf(l);
    if (!run || run.id.startsWith('\u0000')) return l.source;
    const prefix = `${run.label} · `;
    return l.source.startsWith(prefix) ? `${runTag(run as RunChoice, this.look.names)} · ${l.source.slice(prefix.length)}` : l.source;
  }

  /** Each overlaid run's colour, for its chip (undefined while no run is compared). */
  runColor(id: string): string | undefined {
    const n = this.look.colors.runs?.[id];
    return n === undefined || !this.look.runs.some((r) => r.overlaid) ? undefined : this.palette[n % this.palette.length];
  }

  /**
   * The overlaid run a line belongs to (its key carries the host's tag, its file the run's label),
   * else undefined: the run shown. A tag no run's label matches stands for a run of its own.
   */
  private runOf(l: HeldSeries): { id: string; label: string } | undefined {
    const cut = l.key.indexOf('\u0000');
    if (cut < 0) return undefined;
    const run = this.look.runs.find((r) => r.overlaid && l.source.startsWith(`${r.label} · `));
    return run ?? { id: `\u0000${l.key.slice(0, cut)}`, label: '' };
  }
}
