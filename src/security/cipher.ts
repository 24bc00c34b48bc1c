import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { DataKey, Keyring } from './keys.js';

/**
 * Sealed values: `enc:v1:<keyId>:<iv b64>:<tag b64>:<ciphertext b64>`, AES-256-GCM with a random
 * 12-byte IV per value. The field name (e.g. `messages.text`) is bound as additional authenticated data,
 * so a ciphertext copied into another field does not open.
 */
export const SEALED_PREFIX = 'enc:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SEALED = /^enc:v1:([0-9a-f]{8}):([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]*)$/;

/** Raised when a sealed value cannot be opened: names the key it needs, never any key material. */
export class DataKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataKeyError';
  }
}

export function isSealed(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(SEALED_PREFIX);
}

/** The id of the key a sealed value was written with. */
export function sealedKeyId(value: string): string | undefined {
  return SEALED.exec(value)?.[1];
}

export function seal(key: DataKey, plaintext: string, field: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(field, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return `${SEALED_PREFIX}${key.id}:${iv.toString('base64')}:${tag.toString('base64')}:${body.toString('base64')}`;
}

const describeRing = (keyring: Keyring) => {
  const named = [
    keyring.current && `${keyring.current.id} (DATA_ENCRYPTION_KEY)`,
    keyring.previous && `${keyring.previous.id} (DATA_ENCRYPTION_KEY_PREVIOUS)`,
  ].filter(Boolean);
  return named.length ? named.join(', ') : 'none';
};

/** Opens a sealed value with whichever configured key it names; throws {@link DataKeyError} otherwise. */
export function open(keyring: Keyring, sealed: string, field: string): string {
  const parts = SEALED.exec(sealed);
  if (!parts) throw new DataKeyError(`Cannot decrypt ${field}: the stored value is not a valid enc:v1 value`);
  const [, id, iv, tag, body] = parts as unknown as [string, string, string, string, string];
  const key = [keyring.current, keyring.previous].find((k) => k?.id === id);
  if (!key) {
    throw new DataKeyError(
      `Cannot decrypt ${field}: it was encrypted with key ${id}, but the configured keys are ${describeRing(keyring)}. ` +
        'Set DATA_ENCRYPTION_KEY (or DATA_ENCRYPTION_KEY_PREVIOUS during a rotation) to the key it was written with.',
    );
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(iv, 'base64'), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(Buffer.from(field, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new DataKeyError(
      `Cannot decrypt ${field} with key ${id}: authentication failed (the value was altered or belongs to another field)`,
    );
  }
}
