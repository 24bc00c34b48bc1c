/**
 * Wall-clock time in an IANA time zone, with Intl only (no tz database of our own). Working hours are
 * wall times ("10:00 in Moscow"), busy periods and bookings are instants; these helpers convert between
 * the two correctly across DST changes.
 */

/** A local calendar date and time of day, as a clock on the wall of `timeZone` shows it. */
export interface WallTime {
  year: number;
  /** 1–12. */
  month: number;
  day: number;
  hour: number;
  minute: number;
}

/** Local calendar date only. */
export type LocalDate = Pick<WallTime, 'year' | 'month' | 'day'>;

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/** Whether `timeZone` is an IANA zone this runtime knows (e.g. `Europe/Moscow`). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    partsFormatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

function wallParts(instantMs: number, timeZone: string): WallTime & { second: number } {
  const out: Record<string, number> = {};
  for (const part of partsFormatter(timeZone).formatToParts(new Date(instantMs))) {
    if (part.type !== 'literal') out[part.type] = Number(part.value);
  }
  return {
    year: out.year ?? 0,
    month: out.month ?? 1,
    day: out.day ?? 1,
    hour: out.hour ?? 0,
    minute: out.minute ?? 0,
    second: out.second ?? 0,
  };
}

/** The zone's offset from UTC at `instantMs`, in minutes (Moscow: +180). */
export function zoneOffsetMinutes(timeZone: string, instantMs: number): number {
  const w = wallParts(instantMs, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return Math.round((asUtc - Math.floor(instantMs / 1000) * 1000) / 60_000);
}

/** What the clock in `timeZone` shows at `instantMs`. */
export function toWallTime(instantMs: number, timeZone: string): WallTime {
  const { second: _second, ...wall } = wallParts(instantMs, timeZone);
  return wall;
}

/**
 * The instant when the clock in `timeZone` shows `wall`. A wall time skipped by a DST jump (02:30 on the
 * spring-forward night) maps to the instant the same distance after the jump (03:30 local); a wall time
 * that happens twice (the autumn overlap) maps to the earlier one.
 */
export function fromWallTime(wall: WallTime, timeZone: string): number {
  const naive = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  const day = 24 * 60 * 60_000;
  // A transition within a day of `naive` leaves at most two candidate offsets: before and after it.
  const before = zoneOffsetMinutes(timeZone, naive - day);
  const after = zoneOffsetMinutes(timeZone, naive + day);
  const valid = [...new Set([before, after])]
    .map((offset) => naive - offset * 60_000)
    .filter((instant) => naive - zoneOffsetMinutes(timeZone, instant) * 60_000 === instant);
  if (valid.length > 0) return Math.min(...valid);
  return naive - before * 60_000;
}

/** The local date `days` after `date` (calendar arithmetic, independent of any zone). */
export function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** ISO weekday of a local date: 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: LocalDate): number {
  const weekday = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
  return weekday === 0 ? 7 : weekday;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * RFC 3339 with the zone's own offset at that instant (`2026-03-29T10:00:00+02:00`), as Google Calendar
 * expects in `EventDateTime.dateTime`; seconds always present, no fraction.
 */
export function toRfc3339(instantMs: number, timeZone: string): string {
  const w = wallParts(instantMs, timeZone);
  const offset = zoneOffsetMinutes(timeZone, instantMs);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return (
    `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Parses an RFC 3339 date-time that carries a zone (`Z` or an offset); undefined otherwise. */
export function parseRfc3339(value: string): number | undefined {
  if (!RFC3339.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
