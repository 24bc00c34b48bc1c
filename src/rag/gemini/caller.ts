import { backoffDelay, sleep } from '../../lib/retry.js';
import type { Logger } from '../../logger.js';
import { GeminiError } from '../errors.js';
import type { ModelFailureKind } from '../models/port.js';
import type { RetryPolicy } from '../retry-policy.js';
import { classifyGeminiFailure, type GeminiFailure } from './failures.js';

export { DEFAULT_RETRY, type RetryPolicy } from '../retry-policy.js';

/** What `/ready` shows about Gemini. */
export type GeminiStatus =
  | { state: 'disabled' }
  | { state: 'ok'; store: string | null; lastSuccessAt: Date | null }
  | {
      state: 'degraded';
      store: string | null;
      lastError: { kind: ModelFailureKind; message: string; at: Date };
    };

/** Remembers the outcome of the latest call for {@link GeminiStatus}. */
export class GeminiHealth {
  private lastSuccessAt: Date | null = null;
  private lastError: { kind: ModelFailureKind; message: string; at: Date } | null = null;
  store: string | null = null;

  succeeded(): void {
    this.lastSuccessAt = new Date();
    this.lastError = null;
  }

  failed(kind: ModelFailureKind, message: string): void {
    this.lastError = { kind, message, at: new Date() };
  }

  status(): GeminiStatus {
    if (this.lastError) return { state: 'degraded', store: this.store, lastError: this.lastError };
    return { state: 'ok', store: this.store, lastSuccessAt: this.lastSuccessAt };
  }
}

/** Raised inside the loop so the model fallback can read the last classified failure. */
export class GeminiAttemptsExhausted extends Error {
  constructor(readonly failure: GeminiFailure) {
    super(failure.message);
  }
}

/**
 * Runs one Gemini request with our retries: 429 per minute and 5xx wait the server's RetryInfo delay
 * (or backoff) and retry; a per-day quota or a 4xx stops at once. Throws {@link GeminiAttemptsExhausted}
 * with the last failure when the attempts are used up.
 */
export async function withRetries<T>(
  label: string,
  fn: () => Promise<T>,
  deps: { policy: RetryPolicy; logger: Logger },
): Promise<T> {
  const { policy, logger } = deps;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const failure = classifyGeminiFailure(err);
      const serverDelay = failure.retryDelayMs;
      const last =
        !failure.retryable ||
        attempt >= policy.maxAttempts ||
        (serverDelay !== undefined && serverDelay > policy.maxServerDelayMs);
      logger.warn(
        { op: label, attempt, kind: failure.kind, status: failure.status, retryDelayMs: serverDelay, last },
        'gemini call failed',
      );
      if (last) throw new GeminiAttemptsExhausted(failure);
      await sleep(serverDelay ?? backoffDelay(attempt, policy.baseDelayMs, policy.maxDelayMs));
    }
  }
}

/** Turns an exhausted failure into the error the rest of rag/ and the owner see. */
export function toGeminiError(err: unknown, what: string): GeminiError {
  if (err instanceof GeminiError) return err;
  const failure = err instanceof GeminiAttemptsExhausted ? err.failure : classifyGeminiFailure(err);
  const text =
    failure.kind === 'quota_per_day'
      ? `Gemini daily quota is used up (${what}); it resets tomorrow: ${failure.message}`
      : `Gemini ${what} failed (${failure.kind}${failure.status ? ` ${failure.status}` : ''}): ${failure.message}`;
  return new GeminiError(failure.kind, text, failure.status, { cause: err });
}
