import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * A constant-time check against one expected secret, its digest computed once (routes that check every
 * request). Both sides are compared as SHA-256 digests, so neither the content nor the length of the expected
 * secret leaks through timing.
 */
export function secretMatcher(expected: string): (presented: string | undefined) => boolean {
  const want = digest(expected);
  return (presented) => presented !== undefined && timingSafeEqual(digest(presented), want);
}

/** Compares a presented secret with the expected one in constant time (see {@link secretMatcher}). */
export function secretEquals(presented: string | undefined, expected: string): boolean {
  return secretMatcher(expected)(presented);
}
