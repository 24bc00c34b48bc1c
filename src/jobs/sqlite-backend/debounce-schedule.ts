import type { DebounceOptions } from 'agenda';

export interface DebounceState {
  nextRunAt: number | null;
  debounceStartedAt: number | null;
}

export interface ExistingDebouncedJob extends DebounceState {
  lastRunAt: number | null;
}

/**
 * When a debounced job should run, given the matching row (if any). Times are epoch ms.
 *
 * Follows the Mongo backend's debounce, with two corrections so that a row reused for many
 * cycles (one row per unique key, kept after it runs) keeps debouncing:
 * - trailing (default): each save moves the run to `now + delay`; with `maxWait` the run is never
 *   later than `debounceStartedAt + maxWait` (Mongo only checks maxWait when a save arrives and
 *   then forgets the cycle start). A cycle ends when the job has run since it started (or has no
 *   pending run); the next save starts a new cycle instead of being forced through by maxWait.
 * - leading: the first save runs at its own `nextRunAt` (normally now); saves within `delay` of
 *   the cycle start only update the data and keep the existing schedule (so nothing more runs if
 *   it already ran). A save after the window starts a new cycle (Mongo would keep the old,
 *   possibly empty, schedule forever).
 */
export function debounceSchedule(
  debounce: DebounceOptions,
  now: number,
  requestedNextRunAt: number | null,
  existing: ExistingDebouncedJob | undefined,
): DebounceState {
  const startedAt = existing?.debounceStartedAt ?? null;
  if (debounce.strategy === 'leading') {
    if (existing && startedAt !== null && now - startedAt < debounce.delay) {
      return { nextRunAt: existing.nextRunAt, debounceStartedAt: startedAt };
    }
    return { nextRunAt: requestedNextRunAt ?? now, debounceStartedAt: now };
  }
  const cycleOpen =
    existing !== undefined &&
    startedAt !== null &&
    existing.nextRunAt !== null &&
    (existing.lastRunAt === null || existing.lastRunAt < startedAt);
  const cycleStart = cycleOpen && startedAt !== null ? startedAt : now;
  let nextRunAt = now + debounce.delay;
  if (debounce.maxWait !== undefined && debounce.maxWait !== null) {
    nextRunAt = Math.min(nextRunAt, cycleStart + debounce.maxWait);
  }
  return { nextRunAt, debounceStartedAt: cycleStart };
}
