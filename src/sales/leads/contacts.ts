/**
 * Phones and e-mails a buyer wrote in a message, picked out as they are, never guessed: a phone is
 * returned only when the digits the buyer typed make a Russian number on their own (`+7`, `8` or `7`
 * and ten digits, or ten digits of a mobile or of a landline written with its area code apart), in
 * E.164 (`+79161234567`). Prices («12 500 ₽», «50 тыс»), dates, order and document numbers (№, ИНН,
 * ОГРН, счёт…), Avito ids and links are not phones. Numbers of other countries are left alone.
 */
import { EMAIL_IN_TEXT } from '../../lib/contact.js';

export interface FoundContacts {
  /** E.164, in order of appearance, without repeats. */
  phones: string[];
  /** Lower case, in order of appearance, without repeats. */
  emails: string[];
}

const URL = /(?:https?:\/\/|www\.)\S+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:ru|com|рф|net|org|su|me|io)\/\S*/giu;

/** A run of digits and the separators people put in phone numbers, maybe after a `+`. */
const RUN = /(?<![\p{L}\p{N}_/@#№])(?:\+\s?)?[(\d](?:[\d \u00a0\t().\-–]*\d)?(?![\p{L}\p{N}_/@])/gu;
const THOUSANDS = /^\d{1,3}(?:[ \u00a0]\d{3})+$/;
/** What follows an amount, a size, a count or a duration, never a phone. */
const AFTER_NUMBER = new RegExp(
  String.raw`^(?:(?:к|k|р|м|г|х|x|т\.?р)(?!\p{L})|\s*(?:₽|\$|€|%|×|` +
    String.raw`(?:руб|rub|тыс|тыщ|млн|шт|штук|сантиметр|метр|копе|недел)\p{L}*|` +
    String.raw`(?:р\.|т\.\s?р|см|мм|м²|м2|кв\.?\s?м|кг|лет|год|года|лет|раз|раза|дн|дня|дней|мес|месяц\p{L}*|` +
    String.raw`час|часа|часов|мин|минут\p{L}*|чел|человек\p{L}*|этаж\p{L}*)(?!\p{L})))`,
  'iu',
);
/** What precedes a number that is not a phone. */
const BEFORE_NOT_PHONE = new RegExp(
  String.raw`(?:[№#]|(?<!\p{L})(?:n|заказ\p{L}*|сч[её]т\p{L}*|инн|огрн(?:ип)?|кпп|бик|снилс|паспорт\p{L}*|` +
    String.raw`артикул\p{L}*|арт|код\p{L}*|id|объявлени\p{L}*|р/с|к/с|договор\p{L}*|трек\p{L}*|` +
    String.raw`накладн\p{L}*|карт[аыуе]\p{L}*))\s*[:.]?\s*$`,
  'iu',
);

/** The first digit of a Russian ten-digit number: 3, 4, 8 (area codes, 800) or 9 (mobiles). */
const NATIONAL = /^[3489]\d{9}$/;

function phoneOf(span: string, before: string, after: string): string | null {
  const text = span.trim();
  const digits = text.replace(/\D/g, '');
  const plus = text.startsWith('+');
  const separated = /[^\d+]/.test(text);
  let national: string;
  if (plus) {
    if (digits.length !== 11 || digits[0] !== '7') return null;
    national = digits.slice(1);
  } else if (digits.length === 11 && (digits[0] === '7' || digits[0] === '8')) {
    national = digits.slice(1);
  } else if (digits.length === 10) {
    // Ten bare digits are a mobile (9…) as people type it; 3…/4… is an id or an ИНН more often than a
    // landline, which is written with its area code apart ("495 123-45-67", "(495) 1234567").
    if (!separated && digits[0] !== '9') return null;
    national = digits;
  } else return null;
  if (!NATIONAL.test(national)) return null;
  if (!plus && THOUSANDS.test(text)) return null;
  if (AFTER_NUMBER.test(after) || BEFORE_NOT_PHONE.test(before)) return null;
  return `+7${national}`;
}

const blank = (text: string, re: RegExp) => text.replace(re, (m) => ' '.repeat(m.length));

/** Phones written in `text`, as E.164. */
export function findPhones(text: string): string[] {
  // Digits inside e-mails and links are never phones.
  const plain = blank(blank(text, EMAIL_IN_TEXT), URL);
  const out: string[] = [];
  for (const m of plain.matchAll(RUN)) {
    // A run may hold two numbers or a number next to something else ("15.05 8 916…", "8 916… 8 926…"):
    // take the longest windows of whole space-separated pieces that make a phone, left to right.
    const pieces = [...m[0].matchAll(/\S+/g)].map((p) => ({
      start: m.index + p.index,
      end: m.index + p.index + p[0].length,
    }));
    for (let i = 0; i < pieces.length;) {
      let found = 0;
      for (let j = Math.min(pieces.length, i + 6); j > i && found === 0; j--) {
        const start = pieces[i]!.start;
        const end = pieces[j - 1]!.end;
        const span = plain.slice(start, end);
        const phone = phoneOf(span, plain.slice(Math.max(0, start - 24), start), plain.slice(end, end + 8));
        if (phone) {
          if (!out.includes(phone)) out.push(phone);
          found = j - i;
        }
      }
      i += found || 1;
    }
  }
  return out;
}

/** E-mails written in `text`, in lower case. */
export function findEmails(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(EMAIL_IN_TEXT)) {
    const email = m[0].toLowerCase();
    if (!out.includes(email)) out.push(email);
  }
  return out;
}

/** The phones and e-mails a message holds. */
export function findContacts(text: string): FoundContacts {
  return { phones: findPhones(text), emails: findEmails(text) };
}
