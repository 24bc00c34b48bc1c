import { type CalendarSettings, WEEKDAY_KEYS } from './config.js';
import { addDays, fromWallTime, isoWeekday, type LocalDate, toWallTime } from '../../lib/zoned-time.js';

/** A period of time between two instants; `end` is exclusive (as in Google's free/busy). */
export interface Interval {
  start: Date;
  end: Date;
}

/** A bookable consultation slot. */
export type Slot = Interval;

const MINUTE = 60_000;

/**
 * The instants to ask free/busy about when looking for slots from `now`: from now to the end of the last
 * day of the horizon, widened by the buffer so a meeting just outside still blocks its neighbour.
 */
export function slotSearchWindow(settings: CalendarSettings, now: Date): Interval {
  const today = toWallTime(now.getTime(), settings.timeZone);
  const afterLast = addDays(today, settings.horizonDays);
  const end = fromWallTime({ ...afterLast, hour: 0, minute: 0 }, settings.timeZone);
  return { start: now, end: new Date(end + settings.bufferMinutes * MINUTE) };
}

/** Whether [start − buffer, end + buffer) is clear of every busy period. */
export function isSlotFree(slot: Interval, busy: readonly Interval[], bufferMinutes: number): boolean {
  const from = slot.start.getTime() - bufferMinutes * MINUTE;
  const to = slot.end.getTime() + bufferMinutes * MINUTE;
  return busy.every((b) => b.end.getTime() <= from || b.start.getTime() >= to);
}

/**
 * The next `count` free slots after `now`: on each working day of the horizon, starts step through
 * each working interval every `slotMinutes + bufferMinutes` from its beginning (so buyers see round
 * times), a slot must end inside the interval, start at least `minNoticeMinutes` from now, and keep
 * `bufferMinutes` clear of every busy period. Working hours are wall times in `settings.timeZone`, so a
 * 10:00 slot stays at 10:00 local across a DST change; a start that does not exist that night is skipped.
 */
export function computeFreeSlots(input: {
  settings: CalendarSettings;
  now: Date;
  busy: readonly Interval[];
  count: number;
}): Slot[] {
  const { settings, now, busy, count } = input;
  const { timeZone, slotMinutes, bufferMinutes } = settings;
  const earliest = now.getTime() + settings.minNoticeMinutes * MINUTE;
  const today: LocalDate = toWallTime(now.getTime(), timeZone);
  const slots: Slot[] = [];
  for (let d = 0; d < settings.horizonDays && slots.length < count; d++) {
    const date = addDays(today, d);
    const hours = settings.workingHours[WEEKDAY_KEYS[isoWeekday(date) - 1]!] ?? [];
    const intervals = [...hours].sort((a, b) => a.from - b.from);
    for (const interval of intervals) {
      for (let m = interval.from; m + slotMinutes <= interval.to; m += slotMinutes + bufferMinutes) {
        const wall = { ...date, hour: Math.floor(m / 60), minute: m % 60 };
        const start = fromWallTime(wall, timeZone);
        const shown = toWallTime(start, timeZone);
        if (shown.hour !== wall.hour || shown.minute !== wall.minute) continue;
        if (start < earliest) continue;
        const slot = { start: new Date(start), end: new Date(start + slotMinutes * MINUTE) };
        if (!isSlotFree(slot, busy, bufferMinutes)) continue;
        slots.push(slot);
        if (slots.length >= count) return slots;
      }
    }
  }
  return slots;
}
