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

/**
 * Sealed bytes (a PDF): `ENCB` `1` + the key id (4 bytes) + IV + tag + ciphertext, same cipher and field binding
 * as {@link seal}; kept as bytes, never as base64 text. A PDF starts with `%PDF`, so the two never mix up.
 */
const SEALED_BYTES_MAGIC = Buffer.from('ENCB1', 'latin1');
const BYTES_HEADER = SEALED_BYTES_MAGIC.length + 4 + IV_BYTES + TAG_BYTES;

export function isSealedBytes(value: unknown): value is Uint8Array {
  return (
    value instanceof Uint8Array &&
    value.byteLength >= BYTES_HEADER &&
    Buffer.from(value.buffer, value.byteOffset, SEALED_BYTES_MAGIC.length).equals(SEALED_BYTES_MAGIC)
  );
}

/** The id of the key sealed bytes were written with. */
export function sealedBytesKeyId(value: Uint8Array): string {
  const at = SEALED_BYTES_MAGIC.length;
  return Buffer.from(value.buffer, value.byteOffset + at, 4).toString('hex');
}

export function sealBytes(key: DataKey, plain: Uint8Array, field: string): Uint8Array {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(field, 'utf8'));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  const id = Buffer.from(key.id, 'hex');
  return new Uint8Array(Buffer.concat([SEALED_BYTES_MAGIC, id, iv, cipher.getAuthTag(), body]));
}

/** Opens sealed bytes with whichever configured key they name; throws {@link DataKeyError} otherwise. */
export function openBytes(keyring: Keyring, sealed: Uint8Array, field: string): Uint8Array {
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  const id = sealedBytesKeyId(sealed);
  const key = [keyring.current, keyring.previous].find((k) => k?.id === id);
  if (!key) {
    throw new DataKeyError(
      `Cannot decrypt ${field}: it was encrypted with key ${id}, but the configured keys are ${describeRing(keyring)}. ` +
        'Set DATA_ENCRYPTION_KEY (or DATA_ENCRYPTION_KEY_PREVIOUS during a rotation) to the key it was written with.',
    );
  }
  let at = SEALED_BYTES_MAGIC.length + 4;
  const iv = bytes.subarray(at, (at += IV_BYTES));
  const tag = bytes.subarray(at, (at += TAG_BYTES));
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(field, 'utf8'));
    decipher.setAuthTag(tag);
    return new Uint8Array(Buffer.concat([decipher.update(bytes.subarray(at)), decipher.final()]));
  } catch {
    throw new DataKeyError(
      `Cannot decrypt ${field} with key ${id}: authentication failed (the value was altered or belongs to another field)`,
    );
  }
}
