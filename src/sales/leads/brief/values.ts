import type { LocalDate } from '../../../lib/zoned-time.js';
import { formatRubles, parseRubles } from '../../money.js';
import { formatQuantity, MILLI, parseQuantity } from '../../quantity.js';
import { formatDateShort, parseLocalDate } from '../../time.js';
import { isoDate } from './dates.js';
import type { BriefField } from './fields.js';

/**
 * A brief value of a field's type, from whatever typed it (the owner in Telegram, the model's JSON):
 * text → trimmed string, number → `2.5` (up to 3 decimals), money → kopecks from «50 000», «12 500,50 ₽»,
 * date → `YYYY-MM-DD` from `2026-05-15`, «15.05.2026», «15.05» (the next 15 May from `today`).
 */

export type BriefValue = string | number;
export type ParsedBriefValue = { ok: true; value: BriefValue } | { ok: false; error: string };

export const MAX_TEXT_VALUE = 500;

const DMY = /^(\d{1,2})\.(\d{1,2})(?:\.(\d{4}|\d{2}))?$/;

function parseDate(text: string, today: LocalDate): LocalDate | null {
  const iso = parseLocalDate(text);
  if (iso) return iso;
  const m = DMY.exec(text);
  if (!m) return null;
  const [day, month] = [Number(m[1]), Number(m[2])];
  const year = m[3] === undefined ? today.year : m[3].length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
  const date = parseLocalDate(`${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`);
  if (!date || m[3] !== undefined) return date;
  const passed = isoDate(date) < isoDate(today);
  return passed ? parseLocalDate(`${year + 1}-${isoDate(date).slice(5)}`) : date;
}

/** Checks and converts `input` to `field`'s type; an error message (English, for logs) otherwise. */
export function parseBriefValue(field: BriefField, input: unknown, today: LocalDate): ParsedBriefValue {
  switch (field.type) {
    case 'text': {
      if (typeof input !== 'string' && typeof input !== 'number')
        return { ok: false, error: 'expected text' };
      const text = String(input).replace(/\s+/g, ' ').trim();
      if (text === '') return { ok: false, error: 'expected text' };
      if (text.length > MAX_TEXT_VALUE)
        return { ok: false, error: `expected at most ${MAX_TEXT_VALUE} characters` };
      return { ok: true, value: text };
    }
    case 'number': {
      const parsed = parseQuantity(input);
      if (!parsed.ok) return parsed;
      return parsed.milli === 0
        ? { ok: false, error: 'expected a number above 0' }
        : { ok: true, value: parsed.milli / MILLI };
    }
    case 'money': {
      const parsed = parseRubles(input);
      if (!parsed.ok) return parsed;
      return parsed.kopecks === 0
        ? { ok: false, error: 'expected an amount above 0' }
        : { ok: true, value: parsed.kopecks };
    }
    case 'date': {
      const date = typeof input === 'string' ? parseDate(input.trim(), today) : null;
      return date
        ? { ok: true, value: isoDate(date) }
        : { ok: false, error: 'expected a date like 2026-05-15 or 15.05.2026' };
    }
  }
}

/**
 * Checks a value already in its field's type (what extractors return: kopecks for money, `YYYY-MM-DD`
 * for dates), unlike {@link parseBriefValue}, which reads what a person typed.
 */
export function checkBriefValue(field: Pick<BriefField, 'type'>, value: unknown): ParsedBriefValue {
  const bad = (error: string): ParsedBriefValue => ({ ok: false, error });
  switch (field.type) {
    case 'text':
      return typeof value === 'string' && value.trim() !== '' && value.length <= MAX_TEXT_VALUE
        ? { ok: true, value: value.trim() }
        : bad('expected text');
    case 'number':
      return typeof value === 'number' &&
        value > 0 &&
        Math.abs(value * MILLI - Math.round(value * MILLI)) < 1e-6
        ? { ok: true, value }
        : bad('expected a number above 0 with at most 3 decimals');
    case 'money':
      return typeof value === 'number' && Number.isSafeInteger(value) && value > 0
        ? { ok: true, value }
        : bad('expected whole kopecks above 0');
    case 'date':
      return typeof value === 'string' && parseLocalDate(value)
        ? { ok: true, value }
        : bad('expected YYYY-MM-DD');
  }
}

/** The value as the seller reads it: «2,5», «50 000,00 ₽», «15.05.2026». */
export function formatBriefValue(field: Pick<BriefField, 'type'>, value: BriefValue): string {
  switch (field.type) {
    case 'number':
      return formatQuantity(Math.round(Number(value) * MILLI));
    case 'money':
      return formatRubles(Number(value), { withSign: true });
    case 'date': {
      const date = parseLocalDate(String(value));
      return date ? formatDateShort(date) : String(value);
    }
    default:
      return String(value);
  }
}
