/**
 * Messages from the webview, checked at the host boundary before anything acts on them or a
 * worker sees them: the page renders text from logs, so it is treated as untrusted. One small
 * check per message type; a message that fails one is dropped (the caller says so once).
 */
import type { WebviewToHost } from './webview';

/** Most buckets a zoom window asks for (pixel columns of a chart). */
export const MAX_BUCKETS = 4096;
/** Most log lines one `logLines` asks for (the webview asks in blocks of 200). */
export const MAX_LOG_LINES = 10_000;
/** Most series one zoom window names. */
export const MAX_KEYS = 10_000;
/** Longest series key, stream name, run id, chart name or search query. */
export const MAX_NAME = 10_000;
/** Longest text put on the clipboard, and longest PNG data URL saved. */
export const MAX_TEXT = 64 << 20;

type Fields = Record<string, unknown>;
/** Undefined when `m` is well formed, else what is wrong with it. */
type Check = (m: Fields) => string | undefined;

const isString = (v: unknown, max = MAX_NAME): v is string => typeof v === 'string' && v.length <= max;
const isInt = (v: unknown, min: number, max: number): v is number => Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max;
const isId = (v: unknown) => isInt(v, 0, Number.MAX_SAFE_INTEGER);

/** The first failing condition's description, or undefined when all hold. */
function first(...conditions: Array<[boolean, string]>): string | undefined {
  return conditions.find(([ok]) => !ok)?.[1];
}

const CHECKS: Record<WebviewToHost['type'], Check> = {
  ready: () => undefined,
  stop: () => undefined,
  exportCsv: () => undefined,
  exportPng: (m) => first([isString(m.name), 'name is not a short string'], [isString(m.png, MAX_TEXT), 'png is not a string of at most 64 MiB']),
  window: (m) =>
    first(
      [isId(m.id), 'id is not a non-negative integer'],
      [Array.isArray(m.keys) && m.keys.length <= MAX_KEYS && m.keys.every((k) => isString(k)), `keys is not a list of at most ${MAX_KEYS} strings`],
      [Number.isFinite(m.x0) && Number.isFinite(m.x1) && (m.x0 as number) <= (m.x1 as number), 'x0 and x1 are not finite numbers with x0 <= x1'],
      [isInt(m.buckets, 1, MAX_BUCKETS), `buckets is not an integer in 1..${MAX_BUCKETS}`],
      [m.axis === 'x' || m.axis === 'wall', 'axis is neither "x" nor "wall"'],
    ),
  logLines: (m) =>
    first(
      [isId(m.id), 'id is not a non-negative integer'],
      [isString(m.stream), 'stream is not a short string'],
      [isInt(m.from, 0, Number.MAX_SAFE_INTEGER), 'from is not a non-negative integer'],
      [isInt(m.count, 1, MAX_LOG_LINES), `count is not an integer in 1..${MAX_LOG_LINES}`],
    ),
  logSearch: (m) =>
    first(
      [isId(m.id), 'id is not a non-negative integer'],
      [isString(m.stream), 'stream is not a short string'],
      [isString(m.query), 'query is not a short string'],
    ),
  copy: (m) => first([isString(m.text, MAX_TEXT), 'text is not a string of at most 64 MiB']),
  showRun: (m) => first([isString(m.id), 'id is not a short string']),
  overlay: (m) => first([isString(m.id), 'id is not a short string'], [typeof m.on === 'boolean', 'on is not a boolean']),
};

/** `raw` as a message the host acts on, or why it is dropped. */
export function checkWebviewMessage(raw: unknown): { ok: true; msg: WebviewToHost } | { ok: false; why: string } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, why: 'not an object' };
  const type = (raw as Fields).type;
  if (typeof type !== 'string') return { ok: false, why: `type is a ${typeof type}, not a string` };
  if (!Object.prototype.hasOwnProperty.call(CHECKS, type)) return { ok: false, why: `unknown type ${JSON.stringify(type.slice(0, 40))}` };
  const wrong = CHECKS[type as WebviewToHost['type']](raw as Fields);
  return wrong ? { ok: false, why: `${type}: ${wrong}` } : { ok: true, msg: raw as WebviewToHost };
}
