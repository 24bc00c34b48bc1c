import { sleep } from './retry.js';

/**
 * Client-side sliding-window limiter: at most `limit` calls in any `windowMs` as the server counts them.
 * A call holds its slot from its start until `windowMs` after its answer: the server saw it somewhere in
 * between, so however late a request arrives (a new connection, a busy machine) the server never counts more
 * than `limit` in its window. Callers are let through in arrival order, so a burst is spread out instead of
 * earning a 429 (and, on services that block abusers, a ban).
 */
export class SlidingWindowLimiter {
  /** When each counted call ended (epoch ms); Infinity while it runs. */
  private slots: Array<{ endedAt: number }> = [];
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(limit >= 1)) throw new RangeError(`limit must be at least 1, got ${limit}`);
  }

  /** Resolves when a call may start now; call the returned function once its answer (or failure) is in. */
  acquire(): Promise<() => void> {
    const turn = this.queue.then(() => this.take());
    this.queue = turn;
    return turn;
  }

  /** Runs `call` inside a slot. */
  async run<T>(call: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await call();
    } finally {
      release();
    }
  }

  private async take(): Promise<() => void> {
    for (;;) {
      const now = this.now();
      this.slots = this.slots.filter((s) => s.endedAt > now - this.windowMs);
      if (this.slots.length < this.limit) {
        const slot = { endedAt: Number.POSITIVE_INFINITY };
        this.slots.push(slot);
        return () => {
          if (slot.endedAt === Number.POSITIVE_INFINITY) slot.endedAt = this.now();
        };
      }
      const oldest = Math.min(...this.slots.map((s) => s.endedAt));
      // Every slot is held by a call still running: look again shortly.
      await sleep(Number.isFinite(oldest) ? oldest + this.windowMs - now + 1 : 10);
    }
  }
}
