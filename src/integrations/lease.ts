import { randomUUID } from 'node:crypto';
import type { LeaseRepository } from '../store/port.js';

/** Another run holds the lease: worth trying again shortly (outbox jobs retry it with backoff). */
export class LeaseBusyError extends Error {
  readonly retryable = true;
  constructor(name: string) {
    super(`${name} is being worked on by another run; trying again shortly`);
    this.name = 'LeaseBusyError';
  }
}

const TTL_MS = 2 * 60_000;
const RENEW_MS = 20_000;
const WAIT_MS = 200;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `work` while holding the store lease `name` (across processes), renewing it as the work lasts. Waits up
 * to `waitMs` for another holder; then throws {@link LeaseBusyError}. Used where two jobs must not talk to an
 * outside service about the same thing at once (two creates of one deal would make two deals).
 */
export async function withLease<T>(
  leases: LeaseRepository,
  name: string,
  work: () => Promise<T>,
  waitMs = 5_000,
): Promise<T> {
  const holder = randomUUID();
  let waited = 0;
  while (!(await leases.acquire(name, holder, TTL_MS))) {
    if (waited >= waitMs) throw new LeaseBusyError(name);
    await sleep(WAIT_MS);
    waited += WAIT_MS;
  }
  // A missed renewal only brings the expiry closer; the next one tries again well before it.
  const timer = setInterval(() => void leases.renew(name, holder, TTL_MS).catch(() => false), RENEW_MS);
  timer.unref();
  try {
    return await work();
  } finally {
    clearInterval(timer);
    await leases.release(name, holder);
  }
}
