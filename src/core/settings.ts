/**
 * Bounds of the numeric settings. A workspace's settings.json can hold any JSON value (`0`, `-5`,
 * `1e9`, a string): each is read through `numericSetting`, so `updatesPerSecond: 0` cannot make a
 * 1 ms timer nor `stopGraceSeconds: 1e9` a stop that never escalates. package.json's `minimum` and
 * `maximum` say the same (a test checks they agree).
 */
export const NUMERIC_SETTINGS = {
  updatesPerSecond: { min: 1, max: 60, fallback: 20 },
  stopGraceSeconds: { min: 0, max: 3600, fallback: 10 },
  /** 0 turns the stall warning off; at most a week. */
  stallMinutes: { min: 0, max: 10_080, fallback: 10 },
} as const;

export type NumericSetting = keyof typeof NUMERIC_SETTINGS;

/** Setting `name`'s value as configured, clamped to its bounds; not a finite number: its default. */
export function numericSetting(name: NumericSetting, value: unknown): number {
  const { min, max, fallback } = NUMERIC_SETTINGS[name];
  if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, value));
}
