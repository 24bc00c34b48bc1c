import { createHash } from 'node:crypto';

/** Our UUID namespace for Idempotence-Keys (random, fixed forever: changing it would re-charge retries). */
const NAMESPACE = 'b6c3a0f2-5d1e-4a7b-9c8d-2e4f6a8b0c1d';

/**
 * The Idempotence-Key of one intended operation, derived from our own ids (a name-based UUID v5), so every
 * retry — in this process, after a restart, from another worker — carries the same key and YooKassa never
 * charges or refunds twice. `attempt` starts a new operation on purpose: only after a definite failure
 * (a 4xx, or a payment that ended `canceled`) [C: response-handling recommendations].
 */
export function idempotenceKey(
  operation: 'payment' | 'capture' | 'cancel' | 'refund',
  ourId: string,
  attempt = 0,
): string {
  const ns = Buffer.from(NAMESPACE.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(`${operation}:${ourId}:${attempt}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
