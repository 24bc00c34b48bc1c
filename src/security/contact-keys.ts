import { createHash, createHmac, hkdfSync } from 'node:crypto';
import { domainToASCII } from 'node:url';
import { isSealed } from './cipher.js';
import type { DataKey } from './keys.js';

/**
 * Lookup keys of a buyer's phone and e-mail: how a returning buyer's open lead is found while the
 * contact itself is sealed. A key is an HMAC-SHA256 of the normalised value under a key derived (HKDF)
 * from `DATA_ENCRYPTION_KEY`, so the store never holds the value, and the digest cannot be recomputed
 * (or brute-forced over all phone numbers) without the data key. Without a data key the contact is kept
 * in plaintext anyway and the key is a plain SHA-256. `npm run rotate-key` recomputes them under the new key.
 */

export type ContactKind = 'phone' | 'email';

const HKDF_INFO = 'avito-responder/lead-contact-lookup/v1';
const derived = new Map<string, Buffer>();

function lookupKey(key: DataKey): Buffer {
  let k = derived.get(key.id);
  if (!k) {
    k = Buffer.from(hkdfSync('sha256', key.key, Buffer.alloc(0), HKDF_INFO, 32));
    derived.set(key.id, k);
  }
  return k;
}

/** The form both sides of a lookup compare: `+7` and digits; an e-mail in lower case, domain in ASCII. */
export function normaliseContact(kind: ContactKind, value: string): string | null {
  const text = value.normalize('NFC').trim();
  if (kind === 'phone') {
    const digits = text.replace(/\D/g, '');
    return digits.length >= 10 ? `+${digits}` : null;
  }
  const at = text.lastIndexOf('@');
  if (at <= 0 || at === text.length - 1) return null;
  const domain = domainToASCII(text.slice(at + 1).toLowerCase());
  return domain ? `${text.slice(0, at).toLowerCase()}@${domain}` : null;
}

/** The lookup key of one phone or e-mail under `key` (undefined: no data key configured). */
export function contactKey(kind: ContactKind, value: string, key: DataKey | undefined): string | null {
  const normal = normaliseContact(kind, value);
  if (normal === null) return null;
  const input = `${kind}:${normal}`;
  const digest = key
    ? createHmac('sha256', lookupKey(key)).update(input).digest('hex')
    : createHash('sha256').update(`${HKDF_INFO}:${input}`).digest('hex');
  return `${kind}:${digest}`;
}

/**
 * The lookup keys of a contact's phone and e-mail under each of `keys` (a data key, or undefined for the
 * keyless form), without repeats. Sealed values are skipped: they are not the value.
 */
export function contactKeysOf(
  contact: { phone?: string | null; email?: string | null },
  keys: ReadonlyArray<DataKey | undefined>,
): string[] {
  const out = new Set<string>();
  for (const key of keys) {
    for (const kind of ['phone', 'email'] as const) {
      const value = contact[kind];
      if (typeof value !== 'string' || isSealed(value)) continue;
      const k = contactKey(kind, value, key);
      if (k) out.add(k);
    }
  }
  return [...out];
}
