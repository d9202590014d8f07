/**
 * How a run reads in the run selector, its chips and legends: its name (or the one the user gave
 * it), when it started, how long it ran, and its state — `train.py · 09:30 · 12 min · running`.
 * A clock time alone (`train.py 00:20`) read like a duration, and two runs of a script looked alike.
 */
import type { RunChoice } from '../core/protocol/webview';

const p2 = (n: number) => String(n).padStart(2, '0');

/** A start time: the clock time today, else with its date. */
export function startText(iso: string, now = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const clock = `${p2(d.getHours())}:${p2(d.getMinutes())}`;
  return d.toDateString() === now.toDateString() ? clock : `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())} ${clock}`;
}

/** A duration in the largest units that say it: `42 s`, `12 min`, `3 h 05 min`, `2 d 4 h`. */
export function durationText(ms: number): string {
  if (!(ms >= 0)) return '';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ${p2(m % 60)} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

const stateText = (r: RunChoice) => (r.state === 'past' ? 'ended' : r.state);
const LIVE = new Set(['running', 'watching', 'pending', 'stopping']);

/** The name a run is shown by: the user's, else the host's. */
export function runName(r: RunChoice, names: Record<string, string>): string {
  return names[r.id] || r.name || r.label;
}

/** A run in a chip or a legend, short: the user's name, else the host's label (name and start). */
export function runTag(r: RunChoice, names: Record<string, string>): string {
  return names[r.id] || r.label;
}

/** The run's line in the selector. Without a known start, the host's label (name and start). */
export function runText(r: RunChoice, names: Record<string, string>, now = new Date()): string {
  if (!r.start) return `${names[r.id] || r.label} — ${stateText(r)}`;
  const started = new Date(r.start).getTime();
  const end = r.end ? new Date(r.end).getTime() : LIVE.has(r.state) ? now.getTime() : NaN;
  const parts = [runName(r, names), startText(r.start, now), durationText(end - started), stateText(r)];
  return parts.filter(Boolean).join(' · ');
}
