/**
 * The owner's texts: one module per locale (`ru.ts`, the default, and `en.ts`, typed against it) and the
 * formatting of dates and numbers that goes with them.
 */
import { en } from './en.js';
import { ru, type Texts } from './ru.js';

export type { DownloadProblem, Locale, Texts } from './ru.js';

/** The texts for a locale; anything but `en` is Russian. */
export function textsFor(locale: string | undefined): Texts {
  return locale === 'en' ? en : ru;
}

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
