import { parseRetryAfter } from '../../lib/retry.js';
import type { ModelFailure, ModelFailureKind } from './port.js';

/** What an SDK's HTTP error tells us: status, the provider's own words, and whether it is about money. */
export interface HttpFailure {
  status: number;
  message: string;
  headers: Headers | undefined;
  /** The provider says credits, quota or a spend limit ran out (not a per-minute rate limit). */
  outOfQuota: boolean;
}

/** `retry-after-ms` (OpenAI), else `retry-after` (seconds or a date), in ms. */
export function retryAfterOf(headers: Headers | undefined): number | undefined {
  const ms = headers?.get('retry-after-ms');
  if (ms && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.round(Number(ms));
  return parseRetryAfter(headers?.get('retry-after'));
}

/** The router's kind for an HTTP status (see {@link ModelFailureKind}). */
export function kindOfStatus(status: number, outOfQuota: boolean): ModelFailureKind {
  if (outOfQuota || status === 402) return 'quota';
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not_found';
  if (status === 408 || status === 504) return 'timeout';
  if (status === 429) return 'rate_limited';
  if (status === 409 || status >= 500) return 'unavailable';
  return 'rejected';
}

/** An HTTP error in the router's terms; a quota gets no retry delay (it does not come back in seconds). */
export function httpFailure(f: HttpFailure): ModelFailure {
  const kind = kindOfStatus(f.status, f.outOfQuota);
  return {
    kind,
    status: f.status,
    // A quota does not come back in seconds, whatever the header says.
    retryAfterMs: kind === 'quota' ? undefined : retryAfterOf(f.headers),
    message: f.message.split('\n')[0]?.slice(0, 500) ?? f.message,
  };
}

/** No HTTP answer: our abort or the SDK's timeout is a timeout, anything else a network failure. */
export function transportFailure(err: unknown): ModelFailure {
  const e = err instanceof Error ? err : new Error(String(err));
  const timeout =
    e.name === 'AbortError' ||
    e.name === 'TimeoutError' ||
    /timed? ?out|abort/i.test(`${e.name} ${e.message}`);
  return {
    kind: timeout ? 'timeout' : 'unavailable',
    status: undefined,
    retryAfterMs: undefined,
    message: e.message || e.name,
  };
}
