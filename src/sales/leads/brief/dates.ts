import { addDays, isoWeekday, type LocalDate } from '../../../lib/zoned-time.js';
import { MONTHS } from '../../../rag/guard.js';
import { findWordNumbers } from '../../../rag/text/number-words.js';
import { parseLocalDate } from '../../time.js';

/**
 * Dates a buyer names for when they need something, read against the seller's today: «к пятнице»,
 * «до 15 мая», «к 15.05», «через неделю», «послезавтра», «к концу месяца». Calendar arithmetic only:
 * the caller turns the seller's now into `today` in the seller's time zone.
 */

export interface FoundDate {
  date: LocalDate;
  /** Span of the words it was read from. */
  start: number;
  end: number;
  /** Introduced by «к», «до», «на», «через», «нужно»…: a deadline rather than any date mentioned. */
  deadline: boolean;
}

/** Weekday forms by ISO number (1 = Monday). */
const WEEKDAYS: ReadonlyArray<readonly [number, string]> = [
  [1, 'понедельник[аиу]?'],
  [2, 'вторник[аиу]?'],
  [3, 'сред[аыуе]'],
  [4, 'четверг[аиу]?'],
  [5, 'пятниц[аыуе]'],
  [6, 'суббот[аыуе]'],
  [7, 'воскресень[еяю]'],
];
/**
 * Words that make a date a deadline: «к», «до», «не позднее», «срок:»; «в», «во», «на» only after a verb of
 * need or delivery («нужно в пятницу», «привезите на 15 мая»), since «работаете в пятницу?» is no deadline.
 */
const CUE = String.raw`(?:к|ко|до|не\s+позднее|не\s+позже|срок(?:ом)?\s*[:\-—]?|успеть\s+к|(?:нужн[оаы]|нужен|надо|привез[а-яё]*|достав[а-яё]*|сдела[а-яё]*|установ[а-яё]*|собрать|соберите)(?:\s+(?:в|во|на))?)`;
const NOT_LETTER_BEFORE = String.raw`(?<![\p{L}\p{N}])`;
const NOT_LETTER_AFTER = String.raw`(?![\p{L}\p{N}])`;

const MONTH_DATE = new RegExp(
  String.raw`${NOT_LETTER_BEFORE}(?:(${CUE})\s+)?(\d{1,2})(?:-?(?:го|е|ое))?\s+(${MONTHS.join('|')})[а-яё]*(?:\s+(\d{4})(?:\s*г(?:ода|\.)?)?)?${NOT_LETTER_AFTER}`,
  'giu',
);
const NUMERIC_DATE = new RegExp(
  String.raw`${NOT_LETTER_BEFORE}(?:(${CUE})\s+)(\d{1,2})[./](\d{1,2})(?:[./](\d{4}|\d{2}))?(?![\d]|[.,]\d)`,
  'giu',
);
const ISO_DATE = /(?<![\d])(\d{4})-(\d{2})-(\d{2})(?![\d])/g;
const WEEKDAY = new RegExp(
  String.raw`${NOT_LETTER_BEFORE}(${CUE})\s+(?:(?:эту|этот|это|следующ[а-яё]+|ближайш[а-яё]+)\s+)?(${WEEKDAYS.map(([, f]) => f).join('|')})${NOT_LETTER_AFTER}`,
  'giu',
);
const RELATIVE = new RegExp(
  String.raw`${NOT_LETTER_BEFORE}через\s+(?:(\d{1,3})\s+|([а-яё]+)\s+)?(дн(?:я|ей)|день|недел[юиь]|месяц(?:а|ев)?)${NOT_LETTER_AFTER}`,
  'giu',
);
const NAMED_DAY = new RegExp(
  String.raw`${NOT_LETTER_BEFORE}(?:(${CUE})\s+)?(сегодня|завтра|послезавтра)${NOT_LETTER_AFTER}`,
  'giu',
);
const END_OF = new RegExp(
  String.raw`${NOT_LETTER_BEFORE}(?:к|до)\s+(?:(концу|конца)\s+(недели|месяца|года)|(выходным|выходных)|(новому\s+году|нового\s+года))${NOT_LETTER_AFTER}`,
  'giu',
);

const monthOf = (word: string) =>
  MONTHS.findIndex((stem) => new RegExp(`^${stem}`, 'iu').test(word.toLowerCase())) + 1;

const before = (a: LocalDate, b: LocalDate) =>
  a.year !== b.year ? a.year < b.year : a.month !== b.month ? a.month < b.month : a.day < b.day;

/** A day and month without a year: this year's, or next year's once it has passed. */
function upcoming(day: number, month: number, year: number | undefined, today: LocalDate): LocalDate | null {
  const y = year === undefined ? today.year : year < 100 ? 2000 + year : year;
  const date = parseLocalDate(`${y}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
  if (!date) return null;
  if (year === undefined && before(date, today)) return upcoming(day, month, today.year + 1, today);
  return date;
}

function lastDayOfMonth(year: number, month: number): LocalDate {
  return addDays({ year: month === 12 ? year + 1 : year, month: month === 12 ? 1 : month + 1, day: 1 }, -1);
}

/** Adds months, keeping the day where the month has it (31 January + 1 month = 28/29 February). */
function addMonths(date: LocalDate, months: number): LocalDate {
  const index = date.year * 12 + (date.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return { year, month, day: Math.min(date.day, lastDayOfMonth(year, month).day) };
}

/** «пару», «две», «три» … before «дня/недели/месяца»; undefined when it is no count. */
function countWord(word: string): number | undefined {
  const w = word.toLowerCase();
  if (/^пар[уы]$/.test(w)) return 2;
  if (/^(несколько|пару-тройку)$/.test(w)) return undefined;
  const [n] = findWordNumbers(w);
  return n && n.start === 0 && n.end === w.length ? n.value : undefined;
}

/** Every date `text` names, relative ones read against `today`, in order of appearance. */
export function findDates(text: string, today: LocalDate): FoundDate[] {
  const out: FoundDate[] = [];
  const push = (date: LocalDate | null, m: RegExpMatchArray, deadline: boolean) => {
    if (date) out.push({ date, start: m.index!, end: m.index! + m[0].length, deadline });
  };
  for (const m of text.matchAll(MONTH_DATE)) {
    push(upcoming(Number(m[2]), monthOf(m[3]!), m[4] ? Number(m[4]) : undefined, today), m, !!m[1]);
  }
  for (const m of text.matchAll(NUMERIC_DATE)) {
    push(upcoming(Number(m[2]), Number(m[3]), m[4] ? Number(m[4]) : undefined, today), m, true);
  }
  for (const m of text.matchAll(ISO_DATE)) push(parseLocalDate(m[0]), m, false);
  for (const m of text.matchAll(WEEKDAY)) {
    const weekday = WEEKDAYS.find(([, f]) => new RegExp(`^(?:${f})$`, 'iu').test(m[2]!))![0];
    // The next such day after today: «к пятнице» said on a Friday means next Friday.
    const ahead = (weekday - isoWeekday(today) + 7) % 7 || 7;
    push(addDays(today, ahead), m, true);
  }
  for (const m of text.matchAll(RELATIVE)) {
    const count = m[1] ? Number(m[1]) : m[2] ? countWord(m[2]) : 1;
    if (count === undefined || count < 1 || count > 366) continue;
    const unit = m[3]!.toLowerCase();
    const date = unit.startsWith('недел')
      ? addDays(today, 7 * count)
      : unit.startsWith('месяц')
        ? addMonths(today, count)
        : addDays(today, count);
    push(date, m, true);
  }
  for (const m of text.matchAll(NAMED_DAY)) {
    const word = m[2]!.toLowerCase();
    push(addDays(today, word === 'сегодня' ? 0 : word === 'завтра' ? 1 : 2), m, !!m[1]);
  }
  for (const m of text.matchAll(END_OF)) {
    let date: LocalDate;
    if (m[3]) date = addDays(today, (6 - isoWeekday(today) + 7) % 7 || 7);
    else if (m[4]) date = { year: today.year, month: 12, day: 31 };
    else if (m[2]!.toLowerCase() === 'недели') date = addDays(today, 7 - isoWeekday(today));
    else if (m[2]!.toLowerCase() === 'месяца') date = lastDayOfMonth(today.year, today.month);
    else date = { year: today.year, month: 12, day: 31 };
    push(date, m, true);
  }
  return out.sort((a, b) => a.start - b.start);
}

/** `2026-05-15`. */
export const isoDate = (d: LocalDate): string =>
  `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
