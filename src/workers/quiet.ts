/**
 * How often the tailer looks at what does not change: many quiet files, or a folder tree where
 * nothing new appears, should cost next to nothing while the run is idle.
 */

/**
 * A file unchanged for a while is stat'ed less often: after half the time it has been quiet, at
 * most QUIET_MS apart, or QUIET_MS_PER_FILE times the number of files (a quiet run of 5,000
 * files settles at 125 stats a second, not 2,500; a file changed without a watch event, as on a
 * network mount, is seen within 40 s there, within 2 s in a run of up to 250 files). A watch event or a change brings it back to every pass.
 */
const QUIET_MS = 2000;
const QUIET_MS_PER_FILE = 8;

/** When to stat next a file last seen changing at `changedAt`, among `files` followed. */
export function quietUntil(now: number, changedAt: number, files: number): number {
  return now + Math.min(Math.max(QUIET_MS, files * QUIET_MS_PER_FILE), (now - changedAt) / 2);
}

/** How often the folder tree is walked for new files when no watch event says so: doubled while walks find nothing new. */
export const RELIST_MS = 1000;
const RELIST_MAX_MS = 8000;

/** The next walk's interval, after one that found the same files (`same`) or not. */
export function nextRelist(ms: number, same: boolean): number {
  return same ? Math.min(RELIST_MAX_MS, ms * 2) : RELIST_MS;
}

/** Longest wait between passes while nothing changes (a watch event still starts one at once). */
const POLL_MAX_MS = 1000;

/** The wait before the next pass: `pollMs` while files change, doubled after each pass that found none. */
export function nextPoll(ms: number, pollMs: number, moved: boolean): number {
  return moved ? pollMs : Math.min(Math.max(pollMs, POLL_MAX_MS), ms * 2);
}
