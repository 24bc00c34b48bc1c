export { normalizePhone } from '../../lib/phone.js';

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
