/** A tour step that did not happen in time; `message` says what was expected, for the user as is. */
export class DemoStepError extends Error {
  override name = 'DemoStepError';
}

/**
 * Polls `check` every `intervalMs` until it returns a value other than undefined/null/false. After
 * `timeoutMs` throws {@link DemoStepError}: `failure` (e.g. "No card appeared") plus the time and the
 * last error `check` threw, if any.
 */
export async function waitFor<T>(
  failure: string,
  check: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs: number,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
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
      throw new DemoStepError(`${failure} within ${Math.round(timeoutMs / 1000)} s${cause}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
