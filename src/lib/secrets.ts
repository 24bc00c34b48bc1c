import { timingSafeEqual } from 'node:crypto';

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
