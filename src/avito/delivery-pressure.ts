import { setTimeout as sleep } from 'node:timers/promises';

/** Deliveries within one window that count as a storm (about 200 a second). */
const BUSY_PER_WINDOW = 20;
const WINDOW_MS = 100;
/** Step of the wait while a storm lasts. */
const POLL_MS = 10;

/**
 * Lets inbound processing step aside while Avito deliveries pour in. Acknowledging and processing share
 * one event loop; in a redelivery storm (after an outage, Avito sends everything it holds) processing
 * would slow every acknowledgement, and slow answers make Avito time out and deliver again. Events are
 * stored before they are acknowledged, so they wait safely. A seller's ordinary traffic (a few messages
 * a minute) never counts as a storm, and processing never waits longer than `maxWaitMs` per event, so a
 * storm that does not end still gets its events processed, only slower.
 */
export class DeliveryPressure {
  #windowStart = 0;
  #current = 0;
  #previous = 0;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxWaitMs = 200,
  ) {}

  /** The webhook route calls this for every delivery. */
  delivered(): void {
    this.#roll();
    this.#current += 1;
  }

  /** True while deliveries arrive at storm rate. */
  busy(): boolean {
    this.#roll();
    return this.#previous + this.#current >= BUSY_PER_WINDOW;
  }

  /** Resolves once the storm is over, or after `maxWaitMs`. */
  async calm(): Promise<void> {
    const until = this.now() + this.maxWaitMs;
    while (this.busy() && this.now() < until) await sleep(POLL_MS);
  }

  /** Two adjacent windows: a rate over the last 100–200 ms without keeping a timestamp per delivery. */
  #roll(): void {
    const now = this.now();
    const elapsed = now - this.#windowStart;
    if (elapsed < WINDOW_MS) return;
    this.#previous = elapsed < 2 * WINDOW_MS ? this.#current : 0;
    this.#current = 0;
    this.#windowStart = now - (elapsed % WINDOW_MS);
  }
}
