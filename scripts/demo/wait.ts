import { pollUntil, WaitTimeoutError } from '../../sim/common/wait.js';

/** A tour step that did not happen in time; `message` says what was expected, for the user as is. */
export class DemoStepError extends Error {
  override name = 'DemoStepError';
}

/** Waits for a tour step; on timeout throws {@link DemoStepError} with `failure` (e.g. "No card appeared"). */
export async function waitFor<T>(
  failure: string,
  check: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs: number,
  intervalMs = 50,
): Promise<T> {
  try {
    return await pollUntil(check, { timeoutMs, intervalMs, what: failure });
  } catch (error) {
    if (error instanceof WaitTimeoutError) throw new DemoStepError(error.message, { cause: error });
    throw error;
  }
}
