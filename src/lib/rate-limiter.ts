import { sleep } from './retry.js';

/**
 * Client-side sliding-window limiter: at most `limit` calls start in any `windowMs`. Callers `await
 * acquire()` before each request and are let through in arrival order, so a burst is spread out instead of
 * earning a 429 (and, on services that block abusers, a ban).
 */
export class SlidingWindowLimiter {
  private readonly starts: number[] = [];
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(limit >= 1)) throw new RangeError(`limit must be at least 1, got ${limit}`);
  }

  /** Resolves when a call may start now (and counts it). */
  acquire(): Promise<void> {
    const turn = this.queue.then(() => this.take());
    // A waiter that rejects never blocks the ones behind it.
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  private async take(): Promise<void> {
    for (;;) {
      const now = this.now();
      while (this.starts.length > 0 && this.starts[0]! <= now - this.windowMs) this.starts.shift();
      if (this.starts.length < this.limit) {
        this.starts.push(now);
        return;
      }
      await sleep(this.starts[0]! + this.windowMs - now + 1);
    }
  }
}
