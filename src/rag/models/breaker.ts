/** Circuit breaker settings. */
export interface BreakerPolicy {
  /** Failed turns in a row (every model and retry used up) that open the circuit. Default 3. */
  failureThreshold: number;
  /** How long an open circuit skips the provider before one probe call is let through. Default 60 s. */
  coolDownMs: number;
}

export const DEFAULT_BREAKER: BreakerPolicy = { failureThreshold: 3, coolDownMs: 60_000 };

/** Where a provider's circuit is: `open` until `until`, then `half-open` while one probe runs. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * Skips a failing provider for a cool-down instead of paying its timeouts on every buyer message.
 * Closed: calls pass, consecutive failed turns are counted. Open: calls are refused until the cool-down
 * ends. Then one call is let through as a probe (half-open): its success closes the circuit, its failure
 * opens it for another cool-down; other calls are refused while the probe runs.
 */
export class CircuitBreaker {
  private failures = 0;
  private openUntil = 0;
  private probing = false;

  constructor(
    private readonly policy: BreakerPolicy,
    private readonly now: () => number = Date.now,
  ) {}

  get state(): BreakerState {
    if (this.openUntil === 0) return 'closed';
    return this.probing || this.now() >= this.openUntil ? 'half-open' : 'open';
  }

  /** When the open circuit lets a probe through (epoch ms); null when closed. */
  get reopensAt(): number | null {
    return this.openUntil === 0 ? null : this.openUntil;
  }

  /** Whether a call may go now; a call admitted after the cool-down is the probe (others wait for it). */
  tryAcquire(): boolean {
    if (this.openUntil === 0) return true;
    if (this.probing || this.now() < this.openUntil) return false;
    this.probing = true;
    return true;
  }

  succeeded(): void {
    this.failures = 0;
    this.openUntil = 0;
    this.probing = false;
  }

  /** A failed turn; `trip` opens the circuit at once (a quota or a refused key does not heal in seconds). */
  failed(trip = false): void {
    this.failures += 1;
    if (trip || this.probing || this.failures >= this.policy.failureThreshold) {
      this.openUntil = this.now() + this.policy.coolDownMs;
    }
    this.probing = false;
  }

  /** A turn that ended for a reason that says nothing about the provider's health (our bad request). */
  released(): void {
    this.probing = false;
  }
}
