/**
 * Calendar dates in the seller's time zone: a quote valid "until 20 December" ends at 23:59:59 in
 * Moscow, not in the server's zone, and a document dated 1 January belongs to the new year's numbering.
 */

export interface LocalDate {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
}

/** True when `zone` is an IANA time zone this runtime knows (`Europe/Moscow`). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function parts(date: Date, zone: string, options: Intl.DateTimeFormatOptions): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of new Intl.DateTimeFormat('en-US', { timeZone: zone, ...options }).formatToParts(date)) {
    out[p.type] = p.value;
  }
  return out;
}

/** The calendar date of `instant` in `zone`. */
export function localDate(instant: Date, zone: string): LocalDate {
  const p = parts(instant, zone, { year: 'numeric', month: 'numeric', day: 'numeric' });
  return { year: Number(p.year), month: Number(p.month), day: Number(p.day) };
}

/** The UTC offset of `zone` at `instant`, in minutes (Moscow: 180). */
export function offsetMinutes(instant: Date, zone: string): number {
  const name = parts(instant, zone, { timeZoneName: 'longOffset' }).timeZoneName ?? 'GMT';
  const m = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name);
  if (!m) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
}

/** The instant of a wall-clock time in `zone` (the later one if a DST change makes it ambiguous). */
export function zonedInstant(
  date: LocalDate,
  time: { hour: number; minute: number; second: number },
  zone: string,
): Date {
  const wall = Date.UTC(date.year, date.month - 1, date.day, time.hour, time.minute, time.second);
  let instant = new Date(wall - offsetMinutes(new Date(wall), zone) * 60_000);
  // Once more with the offset at the first guess: right across a DST change.
  instant = new Date(wall - offsetMinutes(instant, zone) * 60_000);
  return instant;
}

/** `date` plus `days` calendar days. */
export function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** The last second of `days` days after the local date of `from`: a validity that ends with a day. */
export function endOfDayAfter(from: Date, days: number, zone: string): Date {
  return zonedInstant(addDays(localDate(from, zone), days), { hour: 23, minute: 59, second: 59 }, zone);
}

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0');

/** `2026-12-20T23:59:59+03:00`: the instant with the offset of `zone`, as a seller would read it. */
export function isoInZone(instant: Date, zone: string): string {
  const offset = offsetMinutes(instant, zone);
  const local = new Date(instant.getTime() + offset * 60_000);
  const sign = offset < 0 ? '-' : '+';
  return (
    `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}` +
    `${sign}${pad(Math.trunc(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`
  );
}

const MONTHS_GENITIVE = [
  'января',
  'февраля',
  'марта',
  'апреля',
  'мая',
  'июня',
  'июля',
  'августа',
  'сентября',
  'октября',
  'ноября',
  'декабря',
];

/** «6 декабря 2026 г.», the form of Russian documents. */
export function formatDateLong(date: LocalDate): string {
  return `${date.day} ${MONTHS_GENITIVE[date.month - 1]} ${date.year} г.`;
}

/** «06.12.2026». */
export function formatDateShort(date: LocalDate): string {
  return `${pad(date.day)}.${pad(date.month)}.${date.year}`;
}

/** Parses `2026-12-06` into a local date; null when it is not a real calendar date. */
export function parseLocalDate(text: string): LocalDate | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return null;
  const date = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  const check = addDays(date, 0);
  return check.year === date.year && check.month === date.month && check.day === date.day ? date : null;
}
