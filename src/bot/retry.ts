/**
 * auto-retry capped so a handler stays quick: at most 3 retries, never sleeping more than 10 s. Network
 * errors are rethrown: auto-retry would otherwise retry them silently and without limit (up to an hour
 * apart); every caller handles them already (jobs retry with backoff, alerts wait out transient errors, the
 * connection loop logs each attempt).
 */
export const RETRY_OPTIONS = { maxRetryAttempts: 3, maxDelaySeconds: 10, rethrowHttpErrors: true } as const;
