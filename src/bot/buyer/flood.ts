/**
 * A buyer writing faster than a person can read is slowed down politely: at most `limit` messages in any
 * `windowMs`; the first one over is answered with a request to wait, the rest are not handled until the window
 * has room again (each logged).
 */
export class BuyerFloodGuard {
  private readonly recent = new Map<number, { times: number[]; warned: boolean }>();
  private checks = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(limit >= 1)) throw new RangeError(`limit must be at least 1, got ${limit}`);
  }

  /** `ok`: handle the message; `warn`: over the limit, tell the buyer once; `drop`: over, already told. */
  check(userId: number): 'ok' | 'warn' | 'drop' {
    const now = this.now();
    if (++this.checks % 500 === 0) this.sweep(now);
    const entry = this.recent.get(userId) ?? { times: [], warned: false };
    entry.times = entry.times.filter((t) => t > now - this.windowMs);
    this.recent.set(userId, entry);
    if (entry.times.length < this.limit) {
      entry.times.push(now);
      entry.warned = false;
      return 'ok';
    }
    if (entry.warned) return 'drop';
    entry.warned = true;
    return 'warn';
  }

  /** Forgets buyers quiet for a whole window, so the map does not grow with every buyer ever seen. */
  private sweep(now: number): void {
    for (const [userId, entry] of this.recent)
      if (entry.times.every((t) => t <= now - this.windowMs)) this.recent.delete(userId);
  }
}
