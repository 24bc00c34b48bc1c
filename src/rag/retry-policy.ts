/** Retries of one model (or File Search) request. */
export interface RetryPolicy {
  /** Attempts per model (first try included). Default 3. */
  maxAttempts: number;
  /** Backoff when the server gives no delay. Defaults 500 ms, capped at 8 s. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A server-requested delay longer than this is not waited out: the call fails over. Default 30 s. */
  maxServerDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 3,
  baseDelayMs: 500,
  maxDelayMs: 8000,
  maxServerDelayMs: 30_000,
};
