/**
 * Dates, money and sizes as people read them in the texts' locale. One helper per thing: the owner's card
 * time (`formatWhen`), a free slot for a buyer (`formatSlot`), an amount in kopecks (`formatKopecks`).
 */
import type { Locale, Texts } from './index.js';

const INTL: Record<Locale, string> = { ru: 'ru-RU', en: 'en-GB' };

/** Building an Intl formatter costs far more than using one (it showed in the card-rendering profile). */
const whenFormats = new Map<string, Intl.DateTimeFormat>();

/** A date as the owner reads it, in Moscow time (Avito's clock). */
export function formatWhen(t: Texts, date: Date): string {
  const key = `${t.locale}|${t.timeZone}`;
  let format = whenFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(t.locale === 'en' ? 'en-GB' : 'ru-RU', {
      timeZone: t.timeZone,
      day: '2-digit',
      month: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    whenFormats.set(key, format);
  }
  return `${format.format(date)} ${t.tzLabel}`;
}

/** A size in megabytes with one decimal, in the owner's notation: `30,0` in Russian, `30.0` in English. */
export function formatMegabytes(t: Texts, bytes: number): string {
  return new Intl.NumberFormat(t.numberLocale, {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
    useGrouping: false,
  }).format(bytes / 1024 / 1024);
}

/** «ср, 3 июня, 11:00» in the seller's zone. */
export function formatSlot(start: Date, timeZone: string, locale: Locale): string {
  const day = new Intl.DateTimeFormat(INTL[locale], {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'long',
  }).format(start);
  const time = new Intl.DateTimeFormat(INTL[locale], {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(start);
  return `${day}, ${time}`;
}

/** 1234567 kopecks → «12 345,67 ₽». */
export function formatKopecks(kopecks: number, locale: Locale): string {
  return new Intl.NumberFormat(INTL[locale], { style: 'currency', currency: 'RUB' }).format(kopecks / 100);
}

/** Options as a numbered list, one a line: «1) …». */
export const numbered = (items: readonly string[]): string =>
  items.map((s, i) => `${i + 1}) ${s}`).join('\n');
