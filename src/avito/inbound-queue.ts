import type { Logger } from '../logger.js';
import { INBOUND_BATCH_MAX, INBOUND_JOB } from './jobs/inbound.js';

/** Longest a delivery acknowledged during a storm waits in memory before it is queued anyway. */
const HOLD_MAX_MS = 5_000;
/** How often held deliveries check whether the storm has passed. */
const HOLD_CHECK_MS = 250;
/** After a failed save of held deliveries, the next try. */
const HOLD_RETRY_MS = 5_000;

/** What the queue needs of Agenda. */
export interface JobSaver {
  now(name: string, data: unknown): Promise<unknown>;
}

/** Whether Avito deliveries come at storm rate (see DeliveryPressure). */
export interface StormSignal {
  storm(): boolean;
}

/**
 * Queues processing of stored events.
 *
 * - Ordinarily the events acknowledged in one turn of the event loop share one job, saved before the
 *   acknowledgement: a burst of deliveries costs one job row and one claim/run/remove cycle, not one per event.
 * - During a delivery storm (a redelivery flood after an outage) a job per turn would cost more than the
 *   acknowledgement itself, and processing waits for the storm anyway: the events (already stored, so durable)
 *   are held here and queued, 100 per job, when the storm passes or after {@link HOLD_MAX_MS}. Should the
 *   process die meanwhile, the inbox sweep finds them pending with no job and queues them.
 *
 * Plain inserts (no unique key): processing is idempotent, so a second job for a pending event does nothing.
 */
export class InboundQueue {
  #batch: { ids: string[]; saved: Promise<void> } | null = null;
  #held: string[] = [];
  #heldSince = 0;
  #retryAt = 0;
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;

  constructor(
    private readonly agenda: JobSaver,
    private readonly options: { pressure?: StormSignal; logger?: Logger } = {},
  ) {}

  /** Resolves once a job carrying the event is saved, or, during a storm, once the event is held. */
  enqueue(eventId: string): Promise<void> {
    if (this.options.pressure?.storm()) {
      this.#hold(eventId);
      return Promise.resolve();
    }
    // The storm has passed: what it left goes first (its first job is saved before this turn's).
    if (this.#held.length > 0 && !this.#flushing) void this.flush();
    if (this.#batch && this.#batch.ids.length < INBOUND_BATCH_MAX) {
      this.#batch.ids.push(eventId);
      return this.#batch.saved;
    }
    const ids = [eventId];
    const saved = new Promise<void>((resolve, reject) => {
      setImmediate(() => {
        if (this.#batch?.ids === ids) this.#batch = null;
        this.agenda.now(INBOUND_JOB.name, { eventIds: ids }).then(() => resolve(), reject);
      });
    });
    this.#batch = { ids, saved };
    return saved;
  }

  /** Deliveries acknowledged during a storm and not queued yet. */
  get held(): number {
    return this.#held.length;
  }

  /** Queues every held event now (shutdown; the storm check does it otherwise). Never rejects. */
  flush(): Promise<void> {
    this.#flushing ??= this.#saveHeld().finally(() => {
      this.#flushing = undefined;
      this.#arm();
    });
    return this.#flushing;
  }

  #hold(eventId: string): void {
    if (this.#held.length === 0) this.#heldSince = Date.now();
    this.#held.push(eventId);
    this.#arm();
  }

  #arm(): void {
    if (this.#held.length === 0 || this.#timer) return;
    this.#timer = setInterval(() => this.#check(), HOLD_CHECK_MS);
    // Held events are durable; an idle process must still be free to exit.
    this.#timer.unref();
  }

  #check(): void {
    const now = Date.now();
    if (this.#flushing || now < this.#retryAt) return;
    if (this.options.pressure?.storm() && now - this.#heldSince < HOLD_MAX_MS) return;
    void this.flush();
  }

  async #saveHeld(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    const ids = this.#held;
    this.#held = [];
    for (let at = 0; at < ids.length; at += INBOUND_BATCH_MAX) {
      try {
        await this.agenda.now(INBOUND_JOB.name, { eventIds: ids.slice(at, at + INBOUND_BATCH_MAX) });
      } catch (err) {
        // Still stored and pending: kept here for the next try (and the inbox sweep, should we die).
        this.#held = [...ids.slice(at), ...this.#held];
        this.#retryAt = Date.now() + HOLD_RETRY_MS;
        this.options.logger?.warn(
          { err, held: this.#held.length },
          'could not queue Avito events held during a delivery storm; retrying',
        );
        return;
      }
    }
  }
}
