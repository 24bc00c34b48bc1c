import type { ProtectedField, RewriteReport, Store } from '../store/port.js';
import { isSealed, open, seal, sealedKeyId } from './cipher.js';
import type { Keyring } from './keys.js';

/** Fields that hold a JSON value rather than text: sealed as their JSON text, restored by parsing it. */
const JSON_FIELDS: ReadonlySet<ProtectedField> = new Set(['messages.content', 'events.payload', 'kv.value']);

export interface RotationReport extends RewriteReport {
  /** What every value is now: sealed with this key id, or plaintext when no current key is set. */
  target: string;
}

/**
 * Brings every protected value to the current key: values sealed with the previous key (or any configured
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
  const report = await store.maintenance.rewriteProtected((field, value) => {
    const json = JSON_FIELDS.has(field);
    if (isSealed(value)) {
      if (current && sealedKeyId(value) === current.id) return undefined;
      const plain = open(keyring, value, field);
      if (current) return seal(current, plain, field);
      return json ? (JSON.parse(plain) as unknown) : plain;
    }
    if (!current) return undefined;
    return seal(current, json ? JSON.stringify(value) : String(value), field);
  }, onProgress);
  return { ...report, target: current ? `key ${current.id}` : 'plaintext' };
}
