/**
 * A buyer's contact as they type it, in any channel (the widget's brief, the Telegram buyer bot's contact step):
 * a phone is kept in E.164 (`+79123456789`), an e-mail in lower case.
 */
export interface BuyerContact {
  phone?: string;
  email?: string;
}

/** Characters people put in phone numbers. */
const PHONE_CHARS = /^\+?[\d\s().\-\u00a0]+$/;
/** A Russian national number: area codes start with 3, 4 or 8 (8-800), mobiles with 9. */
const RUSSIAN_NATIONAL = /^[3489]\d{9}$/;
const EMAIL =
  /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:".]+(?:\.[^\s@<>()[\]\\,;:".]+)*\.(?:\p{L}{2,}|xn--[a-z0-9-]+)$/iu;

/** Top-level domains written in Cyrillic. */
const CYRILLIC_TLD = 'рф|рус|москва|онлайн|сайт|дети|орг|ком|бел|укр|қаз|срб';
/**
 * E-mail addresses inside a text (global: use with `matchAll`/`replace`). An address starts only where a word
 * does, so a long text without one is read in linear time.
 */
export const EMAIL_IN_TEXT = new RegExp(
  String.raw`(?<![\p{L}\p{N}._%+\-@])[\p{L}\p{N}](?:[\p{L}\p{N}._%+\-]*[\p{L}\p{N}_])?@` +
    String.raw`(?:[\p{L}\p{N}](?:[\p{L}\p{N}\-]*[\p{L}\p{N}])?\.)+(?:[a-z]{2,24}|xn--[a-z0-9\-]+|${CYRILLIC_TLD})` +
    String.raw`(?![\p{L}\p{N}_\-@]|\.[\p{L}\p{N}])`,
  'giu',
);

/**
 * A phone as typed (`+7 912 345-67-89`, `8 (912) 345 67 89`, `9123456789`) in E.164, or undefined when it is
 * not one. Russian numbers in any common form; other countries only with their `+` and code.
 */
export function phoneToE164(raw: string): string | undefined {
  const text = raw.trim();
  if (!PHONE_CHARS.test(text)) return undefined;
  const digits = text.replace(/\D/g, '');
  const plus = text.startsWith('+');
  let national: string | undefined;
  if (digits.length === 11 && (digits.startsWith('7') || (!plus && digits.startsWith('8'))))
    national = digits.slice(1);
  else if (!plus && digits.length === 10) national = digits;
  if (national !== undefined) return RUSSIAN_NATIONAL.test(national) ? `+7${national}` : undefined;
  return plus && !digits.startsWith('7') && digits.length >= 8 && digits.length <= 15
    ? `+${digits}`
    : undefined;
}

/** An e-mail address in lower case, or undefined. Cyrillic domains (`почта@магазин.рф`) are fine. */
export function normalizeEmail(raw: string): string | undefined {
  const text = raw.trim();
  return text.length <= 254 && EMAIL.test(text) ? text.toLowerCase() : undefined;
}

/** A phone or an e-mail from one field: whichever the text is. */
export function contactOf(raw: string): BuyerContact | undefined {
  if (raw.includes('@')) {
    const email = normalizeEmail(raw);
    return email ? { email } : undefined;
  }
  const phone = phoneToE164(raw);
  return phone ? { phone } : undefined;
}
