import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { KvRepository } from '../store/port.js';

/**
 * A constant-time check against one expected secret (routes that check every request build it once).
 * The comparison always covers the expected secret's full length: a presented value of another length is
 * swapped for the secret itself before comparing and then rejected, so the time taken depends on neither
 * the content nor the length of the secret. (Hashing both sides does the same at ten times the cost, on
 * every request.)
 */
export function secretMatcher(expected: string): (presented: string | undefined) => boolean {
  const want = Buffer.from(expected, 'utf8');
  return (presented) => {
    if (presented === undefined) return false;
    const got = Buffer.from(presented, 'utf8');
    const sameLength = got.length === want.length;
    return timingSafeEqual(sameLength ? got : want, want) && sameLength;
  };
}

/** Compares a presented secret with the expected one in constant time (see {@link secretMatcher}). */
export function secretEquals(presented: string | undefined, expected: string): boolean {
  return secretMatcher(expected)(presented);
}

/**
 * A webhook's secret path segment: `configured` when set, else 32 random bytes generated once and kept in the store
 * under `key`, so every instance and restart uses the same URL. `what` names it in the error.
 */
export async function storedSecret(
  configured: string | undefined,
  kv: Pick<KvRepository, 'get' | 'setIfAbsent'>,
  key: string,
  what: string,
): Promise<string> {
  if (configured) return configured;
  await kv.setIfAbsent(key, randomBytes(32).toString('base64url'));
  const secret = await kv.get<string>(key);
  if (!secret) throw new Error(`could not keep the generated ${what} in the store`);
  return secret;
}
