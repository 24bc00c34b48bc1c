import { createHash } from 'node:crypto';

/** A 256-bit data key and its public id (first 8 hex chars of its sha256), which sealed values carry. */
export interface DataKey {
  readonly id: string;
  readonly key: Buffer;
}

/**
 * The keys PII is sealed with: `current` seals new values (none → values are written in plaintext),
 * `previous` only opens old ones while a rotation is pending.
 */
export interface Keyring {
  readonly current: DataKey | undefined;
  readonly previous: DataKey | undefined;
}

export const KEY_BYTES = 32;
const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const BASE64_KEY = /^[A-Za-z0-9+/_-]{42,43}={0,2}$/;

/**
 * Decodes `DATA_ENCRYPTION_KEY`: 64 hex characters, or base64 / base64url of exactly 32 bytes
 * (`openssl rand -base64 32`). Hex is tried first because a 64-char hex string is also valid base64.
 * Returns undefined for anything else.
 */
export function decodeKey(raw: string): Buffer | undefined {
  const text = raw.trim();
  if (HEX_KEY.test(text)) return Buffer.from(text, 'hex');
  if (!BASE64_KEY.test(text)) return undefined;
  const bytes = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return bytes.length === KEY_BYTES ? bytes : undefined;
}

export function keyId(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

export function dataKey(raw: string): DataKey {
  const key = decodeKey(raw);
  if (!key) throw new Error('expected a 32-byte key as 64 hex characters or base64');
  return { id: keyId(key), key };
}

/** The keyring for the configured key strings (already validated by the config schema). */
export function keyringOf(keys: { key: string | undefined; previousKey: string | undefined }): Keyring {
  const current = keys.key ? dataKey(keys.key) : undefined;
  const previous = keys.previousKey ? dataKey(keys.previousKey) : undefined;
  // The same key twice is harmless; keep the ring minimal so messages name each key once.
  return { current, previous: previous && previous.id !== current?.id ? previous : undefined };
}
