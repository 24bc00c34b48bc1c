/** Thrown by {@link pollUntil} when the condition did not hold in time. */
export class WaitTimeoutError extends Error {
  override name = 'WaitTimeoutError';
}

/**
 * Polls `check` until it returns something other than undefined, null or false, and returns that.
 * After `timeoutMs` throws {@link WaitTimeoutError} saying `what` did not happen, with the last error
 * `check` threw. For tests, the demo and the benchmarks: bounded waits instead of fixed sleeps.
 */
export async function pollUntil<T>(
  check: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  options: { timeoutMs: number; intervalMs?: number; what?: string },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new WaitTimeoutError(
        `${options.what ?? 'condition not met'} within ${options.timeoutMs} ms${cause}`,
        {
          cause: lastError,
        },
      );
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 25));
  }
}
