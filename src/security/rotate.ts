import type { ProtectedField, RewriteReport, Store } from '../store/port.js';
import {
  isSealed,
  isSealedBytes,
  open,
  openBytes,
  seal,
  sealBytes,
  sealedBytesKeyId,
  sealedKeyId,
} from './cipher.js';
import { contactKeysOf } from './contact-keys.js';
import type { Keyring } from './keys.js';

/** Fields that hold a JSON value rather than text: sealed as their JSON text, restored by parsing it. */
const JSON_FIELDS: ReadonlySet<ProtectedField> = new Set([
  'messages.content',
  'events.payload',
  'kv.value',
  'leads.contact',
  'leads.brief',
]);

export interface RotationReport extends RewriteReport {
  /** What every value is now: sealed with this key id, or plaintext when no current key is set. */
  target: string;
}

/**
 * Brings every protected value to the current key, and the leads' contact lookup keys with them: values sealed with the previous key (or any configured
 * key) are re-sealed, plaintext ones (written before encryption was on) are sealed, current ones are left.
 * Without a current key it decrypts everything back to plaintext, which is how encryption is turned off.
 * Idempotent: an interrupted run is finished by running it again. A value sealed with an unknown key stops
 * the run with a `DataKeyError`.
 */
export async function rotateProtected(
  store: Store,
  keyring: Keyring,
  onProgress?: (done: number, total: number) => void,
): Promise<RotationReport> {
  const current = keyring.current;
  // Lookup keys first: the protected rewrite below ends by purging old copies from the file.
  const rekeyed = await store.maintenance.rewriteContactKeys((raw) => {
    const contact = (isSealed(raw) ? JSON.parse(open(keyring, raw, 'leads.contact')) : raw) as {
      phone?: string | null;
      email?: string | null;
    } | null;
    return contact ? contactKeysOf(contact, [current]) : undefined;
  });
  const report = await store.maintenance.rewriteProtected(
    (field, value) => {
      if (value instanceof Uint8Array) {
        if (isSealedBytes(value)) {
          if (current && sealedBytesKeyId(value) === current.id) return undefined;
          const plain = openBytes(keyring, value, field);
          return current ? sealBytes(current, plain, field) : plain;
        }
        return current ? sealBytes(current, value, field) : undefined;
      }
      const json = JSON_FIELDS.has(field);
      if (isSealed(value)) {
        if (current && sealedKeyId(value) === current.id) return undefined;
        const plain = open(keyring, value, field);
        if (current) return seal(current, plain, field);
        return json ? (JSON.parse(plain) as unknown) : plain;
      }
      if (!current) return undefined;
      return seal(current, json ? JSON.stringify(value) : String(value), field);
    },
    onProgress && ((done, total) => onProgress(rekeyed.visited + done, rekeyed.visited + total)),
  );
  return {
    ...report,
    visited: report.visited + rekeyed.visited,
    rewritten: report.rewritten + rekeyed.rewritten,
    skipped: report.skipped + rekeyed.skipped,
    target: current ? `key ${current.id}` : 'plaintext',
  };
}
