/** Something that ends once: an HTTP response, in the route. */
export interface Closable {
  once(event: 'close', listener: () => void): unknown;
}

/** Deliveries within the last second that make a storm: well above a burst of chats writing at once. */
const STORM_PER_SECOND = 300;
/** Deliveries within one 100 ms slot that make a storm at once: a flood at 1000/s shows in its first slot. */
const STORM_PER_SLOT = 60;
const SLOT_MS = 100;
const SLOTS = 10;

/**
 * Lets inbound processing step aside while Avito deliveries are being acknowledged. Acknowledging and
 * processing share one event loop; in a redelivery storm (after an outage, Avito sends everything it holds)
 * processing would slow every acknowledgement, and slow answers make Avito time out and deliver again.
 * Events are stored before they are acknowledged, so they wait safely.
 *
 * - Ordinary traffic and bursts: processing waits only while a delivery is in flight, and resumes one
 *   worker per event-loop turn, so a delivery arriving meanwhile is answered first.
 * - A storm (more than {@link STORM_PER_SECOND} deliveries in the last second, or {@link STORM_PER_SLOT} in
 *   100 ms), or deliveries that never stop being in flight: waiting events trickle through, the oldest first,
 *   one per `trickleMs` for the whole process however many jobs wait, so a storm that does not end still gets
 *   its events processed.
 */
export class DeliveryPressure {
  #inFlight = 0;
  /** Waiting workers in arrival order (a Set keeps insertion order). */
  readonly #waiting = new Set<() => void>();
  #trickle: NodeJS.Timeout | undefined;
  /** Deliveries per 100 ms slot over the last second (a ring), and the slot `#slots[#at]` stands for. */
  readonly #slots = new Array<number>(SLOTS).fill(0);
  #at = 0;
  #slotStart = 0;

  constructor(
    private readonly trickleMs = 100,
    private readonly now: () => number = Date.now,
  ) {}

  /** The webhook route calls this with each delivery's response; it counts until the response closes. */
  track(response: Closable): void {
    this.#roll();
    this.#slots[this.#at]! += 1;
    this.#inFlight += 1;
    response.once('close', () => {
      this.#inFlight -= 1;
      if (this.#inFlight === 0) this.#release();
    });
  }

  /** True while a delivery is being acknowledged, or deliveries come at storm rate. */
  busy(): boolean {
    return this.#inFlight > 0 || this.storm();
  }

  storm(): boolean {
    this.#roll();
    const latest = Math.max(this.#slots[this.#at]!, this.#slots[(this.#at + SLOTS - 1) % SLOTS]!);
    return latest > STORM_PER_SLOT || this.#slots.reduce((sum, n) => sum + n, 0) > STORM_PER_SECOND;
  }

  /** Resolves at once when not busy; otherwise when that changes, or when its turn in the trickle comes. */
  calm(): Promise<void> {
    return this.busy() ? this.#wait() : Promise.resolve();
  }

  /**
   * Resolves at once unless deliveries come at storm rate; then like {@link calm}. For work that must not queue
   * behind a burst's acknowledgements (answers), but should not compete with a flood of them either.
   */
  outOfStorm(): Promise<void> {
    return this.storm() ? this.#wait() : Promise.resolve();
  }

  #wait(): Promise<void> {
    return new Promise((resolve) => {
      this.#waiting.add(resolve);
      this.#armTrickle();
    });
  }

  #armTrickle(): void {
    if (this.#waiting.size > 0) this.#trickle ??= setTimeout(() => this.#trickleOne(), this.trickleMs);
  }

  /**
   * Lets the oldest waiter go and keeps trickling while any wait; once the storm has passed (it ends by the
   * clock, not by a delivery closing), lets them all go, one per turn.
   */
  #trickleOne(): void {
    this.#trickle = undefined;
    if (!this.busy()) return this.#release();
    this.#next();
    this.#armTrickle();
  }

  /** One waiter per event-loop turn while idle: a delivery arriving meanwhile is answered first. */
  #release(): void {
    if (this.busy()) return this.#armTrickle();
    if (!this.#next()) return;
    if (this.#waiting.size > 0) setImmediate(() => this.#release());
  }

  #next(): boolean {
    const next = this.#waiting.values().next().value;
    if (!next) return false;
    this.#waiting.delete(next);
    next();
    if (this.#waiting.size === 0 && this.#trickle) {
      clearTimeout(this.#trickle);
      this.#trickle = undefined;
    }
    return true;
  }

  /** Moves the ring to the current slot, emptying the slots that passed. */
  #roll(): void {
    const passed = Math.min(SLOTS, Math.floor((this.now() - this.#slotStart) / SLOT_MS));
    if (passed <= 0) return;
    for (let i = 0; i < passed; i++) {
      this.#at = (this.#at + 1) % SLOTS;
      this.#slots[this.#at] = 0;
    }
    this.#slotStart = this.now() - ((this.now() - this.#slotStart) % SLOT_MS);
  }
}
