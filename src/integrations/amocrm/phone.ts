/**
 * A phone number as comparable digits: Russian numbers as `7XXXXXXXXXX` (from `+7…`, `8…` or the bare
 * ten digits), others as all their digits. Undefined when it has too few digits to be a phone.
 */
export function normalizePhone(raw: string): string | undefined {
  const digits = raw.replace(/\D/g, '');
  if (digits.length === 11 && (digits.startsWith('7') || digits.startsWith('8')))
    return `7${digits.slice(1)}`;
  if (digits.length === 10 && digits.startsWith('9')) return `7${digits}`;
  return digits.length >= 7 && digits.length <= 15 ? digits : undefined;
}

/**
 * What to put in amoCRM's `query` to find a phone stored in any of its forms: the national ten digits of a
 * Russian number match `+7 900…`, `8 900…` and `900…` alike (amoCRM compares digits [U]).
 */
export function phoneQuery(normalized: string): string {
  return normalized.length === 11 && normalized.startsWith('7') ? normalized.slice(1) : normalized;
}

/** `+79001234567` for amoCRM's PHONE field. */
export function displayPhone(normalized: string): string {
  return `+${normalized}`;
}
