/**
 * A phone number as comparable digits: Russian numbers as `7XXXXXXXXXX` (from `+7…`, `8…` or the bare
 * ten digits), others as all their digits (E.164 without the plus). Undefined when it has too few or too
 * many digits to be a phone.
 */
export function normalizePhone(raw: string): string | undefined {
  const digits = raw.replace(/\D/g, '');
  if (digits.length === 11 && (digits.startsWith('7') || digits.startsWith('8')))
    return `7${digits.slice(1)}`;
  if (digits.length === 10 && digits.startsWith('9')) return `7${digits}`;
  return digits.length >= 7 && digits.length <= 15 ? digits : undefined;
}
