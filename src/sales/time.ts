import { addDays, fromWallTime, type LocalDate, toRfc3339, toWallTime } from '../lib/zoned-time.js';

/**
 * Calendar dates of the seller (on `src/lib/zoned-time.ts`): a quote valid "until 20 December" ends at
 * 23:59:59 in Moscow, not in the server's zone, and a document dated 1 January belongs to the new
 * year's numbering. Dates are written the way Russian documents write them.
 */

export type { LocalDate };
export { isValidTimeZone } from '../lib/zoned-time.js';

/** The calendar date of `instant` in `zone`. */
export function localDate(instant: Date, zone: string): LocalDate {
  const { year, month, day } = toWallTime(instant.getTime(), zone);
  return { year, month, day };
}

/** The last second of the `days`-th day after the local date of `from`: a validity that ends with a day. */
export function endOfDayAfter(from: Date, days: number, zone: string): Date {
  const date = addDays(localDate(from, zone), days);
  return new Date(fromWallTime({ ...date, hour: 23, minute: 59 }, zone) + 59_000);
}

/** `2026-12-20T23:59:59+03:00`: the instant with the offset of `zone`, as a seller would read it. */
export function isoInZone(instant: Date, zone: string): string {
  return toRfc3339(instant.getTime(), zone);
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

const pad = (n: number) => String(n).padStart(2, '0');

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
