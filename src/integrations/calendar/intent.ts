/**
 * What a buyer's message means for booking a consultation, read by rules (Russian and English): a request to
 * book («хочу консультацию», «можно записаться?», «давайте созвонимся») and the choice of one of the offered
 * slots («2», «второй», «в среду в 11», «11:00»). Pure: no calls, no clock but the one given.
 */
import { addDays, isoWeekday, type LocalDate, toWallTime } from '../../lib/zoned-time.js';
import type { Slot } from './slots.js';

/**
 * A whole-word pattern: JavaScript's `\b` knows only latin letters, so Cyrillic words are delimited by
 * "no letter or digit" on either side instead.
 */
const word = (body: string, edges: 'both' | 'start' = 'both'): RegExp =>
  new RegExp(`(?<![\\p{L}\\d])(?:${body})${edges === 'both' ? '(?![\\p{L}\\d])' : ''}`, 'iu');

const REQUEST = [
  word('консультац', 'start'),
  word('записаться|записываться|запишите меня|запишусь|записать меня|хочу записат[а-я]*'),
  word('созвониться|созвонимся|созвонится'),
  word('встретиться|встречу|встреча'),
  word('consultation'),
  word('(?:book|schedule) (?:a )?(?:call|meeting|consultation|appointment)'),
];

/** Phrases that mention booking without asking for it. */
const NOT_A_REQUEST = [word('не (?:нужн[аоы]?|надо|хочу)[^.!?]*(?:консультац|запис|созвон|встреч)', 'start')];

/** The buyer asks for a consultation (a call or a meeting with the seller). */
export function isConsultationRequest(text: string): boolean {
  const t = text.replace(/ё/g, 'е');
  return REQUEST.some((r) => r.test(t)) && !NOT_A_REQUEST.some((r) => r.test(t));
}

const ORDINALS: Record<string, number> = {
  первый: 1,
  первое: 1,
  второй: 2,
  второе: 2,
  третий: 3,
  третье: 3,
  first: 1,
  second: 2,
  third: 3,
};

const WEEKDAYS: Array<[RegExp, number]> = [
  [word('понедельник|пн|monday|mon'), 1],
  [word('вторник|вт|tuesday|tue'), 2],
  [word('сред[аыу]|ср|wednesday|wed'), 3],
  [word('четверг|чт|thursday|thu'), 4],
  [word('пятниц[аыу]|пт|friday|fri'), 5],
  [word('суббот[аыу]|сб|saturday|sat'), 6],
  [word('воскресень[ея]|вс|sunday|sun'), 7],
];

const MONTHS = [
  'январ',
  'феврал',
  'март',
  'апрел',
  'ма[йя]',
  'июн',
  'июл',
  'август',
  'сентябр',
  'октябр',
  'ноябр',
  'декабр',
];

/** Wall clock of a slot in the seller's zone. */
function wallOf(slot: Slot, timeZone: string) {
  return toWallTime(slot.start.getTime(), timeZone);
}

const sameDate = (a: LocalDate, b: LocalDate) => a.year === b.year && a.month === b.month && a.day === b.day;

/** «03.06» or «03.06.2026»: the first such in a message is its date. */
const NUMERIC_DATE = /(?<!\d)(\d{1,2})\.(\d{1,2})(?:\.(\d{2,4}))?(?!\d)/;

/** The calendar date the buyer names, if any («завтра», «3 июня», «03.06»). */
function namedDate(t: string, today: LocalDate): LocalDate | 'none' | undefined {
  if (word('послезавтра').test(t)) return addDays(today, 2);
  if (word('завтра|tomorrow').test(t)) return addDays(today, 1);
  if (word('сегодня|today').test(t)) return today;
  const numeric = NUMERIC_DATE.exec(t);
  if (numeric) {
    const day = Number(numeric[1]);
    const month = Number(numeric[2]);
    if (day >= 1 && day <= 31 && month >= 1 && month <= 12)
      return { year: yearFor(today, month, day), month, day };
  }
  const words = new RegExp(`(?<!\\d)(\\d{1,2})\\s+(${MONTHS.join('|')})[а-я]*`, 'iu').exec(t);
  if (words) {
    const month = MONTHS.findIndex((m) => new RegExp(`^${m}`, 'i').test(words[2]!)) + 1;
    const day = Number(words[1]);
    if (month > 0 && day >= 1 && day <= 31) return { year: yearFor(today, month, day), month, day };
  }
  return 'none';
}

/** A day and month without a year: this year, or next year once this year's has passed. */
function yearFor(today: LocalDate, month: number, day: number): number {
  return month < today.month || (month === today.month && day < today.day) ? today.year + 1 : today.year;
}

/** The time of day the buyer names («в 11», «11:30», «в 15.00»), in minutes since midnight. */
function namedTime(t: string): number | undefined {
  const colon = /(?<!\d)([01]?\d|2[0-3]):([0-5]\d)(?!\d)/.exec(t);
  if (colon) return Number(colon[1]) * 60 + Number(colon[2]);
  const clock = /\b([01]?\d|2[0-3])[:.]([0-5]\d)\b/.exec(t);
  if (clock) return Number(clock[1]) * 60 + Number(clock[2]);
  const hour = word(
    '(?:в|к|at) ([01]?\\d|2[0-3])(?!\\d)(?! ?(?:шт|[а-я]*(?:янв|фев|мар|апр|мая|июн|июл|авг|сен|окт|ноя|дек)))',
    'start',
  ).exec(t);
  return hour ? Number(hour[1]) * 60 : undefined;
}

/**
 * Which of the offered `slots` (numbered from 1 as offered) the buyer's message picks, or undefined. A bare
 * number or an ordinal picks by position; a weekday, a date and/or a time of day pick the one slot that fits
 * all of them (none or several fitting is no choice: the buyer is asked again or the AI answers).
 */
export function parseSlotChoice(
  text: string,
  slots: readonly Slot[],
  timeZone: string,
  now: Date,
): number | undefined {
  const t = text.trim().toLowerCase().replace(/ё/g, 'е');
  if (t.length === 0 || t.length > 120 || slots.length === 0) return undefined;
  const position =
    /^(?:(?:давайте|пусть будет|вариант|номер|option|№)\s*)?#?(\d)\s*[).!]?\s*(?:вариант)?$/.exec(t);
  if (position) {
    const n = Number(position[1]);
    return n >= 1 && n <= slots.length ? n - 1 : undefined;
  }
  const ordinal =
    /^(?:давайте\s+)?(первый|первое|второй|второе|третий|третье|first|second|third)(?:\s+вариант)?[.!]?$/.exec(
      t,
    );
  if (ordinal) {
    const n = ORDINALS[ordinal[1]!]!;
    return n <= slots.length ? n - 1 : undefined;
  }
  const today = toWallTime(now.getTime(), timeZone);
  const weekday = WEEKDAYS.find(([r]) => r.test(t))?.[1];
  const date = namedDate(t, today);
  // «03.06 11:00»: the date's digits are not a time.
  const minutes = namedTime(date !== 'none' && date !== undefined ? t.replace(NUMERIC_DATE, ' ') : t);
  if (weekday === undefined && date === 'none' && minutes === undefined) return undefined;
  const fits = slots
    .map((slot, i) => ({ wall: wallOf(slot, timeZone), i }))
    .filter(({ wall }) => weekday === undefined || isoWeekday(wall) === weekday)
    .filter(({ wall }) => date === 'none' || date === undefined || sameDate(wall, date))
    .filter(({ wall }) => minutes === undefined || wall.hour * 60 + wall.minute === minutes);
  return fits.length === 1 ? fits[0]!.i : undefined;
}
