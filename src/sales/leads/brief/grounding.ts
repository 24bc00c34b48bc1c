import type { LocalDate } from '../../../lib/zoned-time.js';
import { checkGrounding } from '../../../rag/guard.js';
import { contentTokens, tokenize } from '../../../rag/text/tokens.js';
import { formatRublesDecimal } from '../../money.js';
import { findDates, isoDate } from './dates.js';
import type { BriefField } from './fields.js';
import type { BriefValue } from './values.js';

/**
 * Whether a brief value stands in the buyer's words: the quote is in the message (letter case and
 * spacing aside), and the value is in the quote — every content word of a text (by stem) and every fact
 * in it (numbers, phones, dates: the grounding guard of rag/), the number of a quantity, the amount of a
 * budget («50 тысяч», «30к» count), the date of a deadline (read again from the quote, relative dates
 * against the same today, or the day and month written out).
 */

const squash = (text: string) => text.toLowerCase().replaceAll('ё', 'е').replace(/\s+/g, ' ').trim();

export function quoteInMessage(quote: string, message: string): boolean {
  const q = squash(quote);
  return q.length > 0 && squash(message).includes(q);
}

function textInQuote(value: string, quote: string): boolean {
  const stems = new Set(tokenize(quote).map((t) => t.stem));
  const words = new Set(tokenize(quote).map((t) => t.word));
  const wanted = contentTokens(value);
  return (
    wanted.length > 0 &&
    wanted.every((t) => stems.has(t.stem) || words.has(t.word)) &&
    checkGrounding(value, [quote]).grounded
  );
}

export function valueInQuote(
  field: Pick<BriefField, 'type'>,
  value: BriefValue,
  quote: string,
  today: LocalDate,
): boolean {
  switch (field.type) {
    case 'text':
      return textInQuote(String(value), quote);
    case 'number':
      return checkGrounding(String(value), [quote]).grounded;
    case 'money':
      return checkGrounding(formatRublesDecimal(Number(value)), [quote]).grounded;
    case 'date': {
      const iso = String(value);
      if (findDates(quote, today).some((d) => isoDate(d.date) === iso)) return true;
      const [, month, day] = iso.split('-').map(Number);
      return checkGrounding(`${day}.${String(month).padStart(2, '0')}`, [quote]).grounded;
    }
  }
}

/** Both checks: the quote is the buyer's, and the value is what the quote says. */
export function groundedInMessage(
  field: Pick<BriefField, 'type'>,
  value: BriefValue,
  quote: string,
  message: string,
  today: LocalDate,
): boolean {
  return quoteInMessage(quote, message) && valueInQuote(field, value, quote, today);
}
