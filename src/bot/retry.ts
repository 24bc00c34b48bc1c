/** auto-retry capped so a handler stays quick: at most 3 retries, never sleeping more than 10 s. */
export const RETRY_OPTIONS = { maxRetryAttempts: 3, maxDelaySeconds: 10 } as const;
