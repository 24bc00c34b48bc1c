import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** One HTTP attempt of an outgoing webhook. */
export interface OutgoingAttempt {
  /** Epoch ms. */
  at: number;
  /** HTTP status, absent when the request failed (timeout, refused, reset). */
  status?: number;
  error?: string;
  durationMs: number;
}

/** What one webhook carries, whichever URLs it goes to. */
export interface OutgoingMessage {
  contentType: string;
  body: string;
  /** What the body announces (e.g. `payment.succeeded`), for tests to find it. */
  label: string;
}

/** One webhook body on its way to one URL, with every attempt. */
export interface OutgoingDelivery extends OutgoingMessage {
  /** Simulator-side id (`w1`, `w2`… or the simulator's own prefix) for `redeliver`. */
  id: string;
  url: string;
  /**
   * `held` waits for `release`; `suppressed` = recorded but never sent, because the service would not call
   * at that moment (see `WebhookSenderSettings.suppressed`).
   */
  state: 'held' | 'sending' | 'delivered' | 'failed' | 'suppressed';
  attempts: OutgoingAttempt[];
  /** Set on the second copy made by `duplicateNext`. */
  duplicateOf?: string;
  /** Set on copies made by `redeliver`. */
  redeliveryOf?: string;
}

/** Order in which `release` sends what was held. */
export type ReleaseOrder = 'fifo' | 'reverse' | 'shuffle';

/** How a simulated service POSTs its webhooks. */
export interface WebhookSenderSettings {
  /** Deadline of one attempt, from connecting to the end of the answer. */
  timeoutMs: number;
  /** Extra attempts after a non-2xx answer or a failed connection; 0 = fire once. */
  retries: number;
  /** Delay before the first retry, doubled each time. */
  backoffMs: number;
  /**
   * Local address the POST leaves from (any 127.x.y.z works on loopback), so a receiver's source-address
   * check can be exercised. Default: the system's choice.
   */
  sourceAddress?: string;
  /** For `release('shuffle')`. */
  random: () => number;
  /** Prefix of delivery ids; default `w`. */
  idPrefix?: string;
  /** While this says true, new deliveries are recorded as `suppressed` and never sent. Default: never. */
  suppressed?: () => boolean;
}

/** Outcome of one POST: a status, or why there is none. */
export interface PostResult {
  status?: number;
  error?: string;
}

/**
 * The sending side of a service's webhooks, shared by the simulators that call back (Avito, amoCRM,
 * YooKassa): POST with a timeout and retries, a log of every delivery, and the test levers for duplicate,
 * held, reordered and repeated deliveries. `Extra` is what a simulator keeps on each delivery besides the
 * body (Avito: the envelope as an object).
 */
export class WebhookSender<Extra extends object = Record<never, never>> {
  readonly deliveries: Array<OutgoingDelivery & Extra> = [];
  private readonly messages = new Map<string, OutgoingMessage & Extra>();
  private held: Array<OutgoingDelivery & Extra> = [];
  private holding = false;
  private duplicates = 0;
  private nextId = 1;
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly aborts = new Set<() => void>();
  private closed = false;

  constructor(private readonly settings: WebhookSenderSettings) {}

  /**
   * Delivers one webhook to each URL (twice to each after `duplicateNext`, which counts webhooks, not
   * URLs); resolves when every delivery is done, held or suppressed.
   */
  async send(
    urls: readonly string[],
    message: OutgoingMessage & Extra,
  ): Promise<Array<OutgoingDelivery & Extra>> {
    const copies = this.duplicates > 0 ? 2 : 1;
    if (this.duplicates > 0) this.duplicates -= 1;
    const created: Array<OutgoingDelivery & Extra> = [];
    for (const url of urls) {
      let first: OutgoingDelivery | undefined;
      for (let i = 0; i < copies; i += 1) {
        const delivery = this.create(url, message);
        if (first) delivery.duplicateOf = first.id;
        first ??= delivery;
        created.push(delivery);
      }
    }
    await Promise.all(created.map((d) => this.route(d)));
    return created;
  }

  /** Sends a past delivery's webhook again as a new delivery record. */
  async redeliver(deliveryId: string): Promise<OutgoingDelivery & Extra> {
    const original = this.deliveries.find((d) => d.id === deliveryId);
    const message = this.messages.get(deliveryId);
    if (!original || !message) throw new Error(`No delivery ${deliveryId}; see sim.deliveries for the ids`);
    const copy = this.create(original.url, message);
    copy.redeliveryOf = original.id;
    await this.route(copy);
    return copy;
  }

  /** The next `count` webhooks go out twice. */
  duplicateNext(count = 1): void {
    this.duplicates += count;
  }

  /** Keep new deliveries back until `release`. */
  hold(): void {
    this.holding = true;
  }

  /** Stops holding and sends what was held one after another, in arrival order, reversed or shuffled. */
  async release(order: ReleaseOrder = 'fifo'): Promise<Array<OutgoingDelivery & Extra>> {
    this.holding = false;
    const batch = this.held;
    this.held = [];
    if (order === 'reverse') batch.reverse();
    if (order === 'shuffle') {
      for (let i = batch.length - 1; i > 0; i -= 1) {
        const j = Math.floor(this.settings.random() * (i + 1));
        [batch[i], batch[j]] = [batch[j]!, batch[i]!];
      }
    }
    for (const delivery of batch) await this.track(this.deliver(delivery));
    return batch;
  }

  /** Resolves when no delivery is in flight. */
  async settled(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  /** Aborts deliveries in flight and stops retrying. */
  close(): void {
    this.closed = true;
    for (const abort of this.aborts) abort();
  }

  /** One POST outside the delivery log, without retries (e.g. Avito's check of a URL on subscribe). */
  post(url: string, body: string, contentType: string): Promise<PostResult> {
    return new Promise((resolve) => {
      let done = false;
      const finish = (result: PostResult) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this.aborts.delete(abort);
        resolve(result);
      };
      const target = new URL(url);
      const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = request(
        target,
        {
          method: 'POST',
          headers: { 'content-type': contentType, 'content-length': Buffer.byteLength(body) },
          localAddress: this.settings.sourceAddress,
        },
        (res) => {
          // Drain so the socket is released; what the receiver says does not matter beyond its status.
          res.resume();
          res.on('end', () => finish({ status: res.statusCode }));
          res.on('error', (error) => finish({ error: error.message }));
          res.on('close', () => finish({ error: 'answer cut off' }));
        },
      );
      // Stop the attempt with its reason first, so the destroy's own error does not replace it.
      const stop = (reason: string) => {
        finish({ error: reason });
        req.destroy();
      };
      // A deadline for the whole exchange, not an idle timeout: a receiver that trickles its answer fails too.
      const timer = setTimeout(
        () => stop(`timeout after ${this.settings.timeoutMs} ms`),
        this.settings.timeoutMs,
      );
      const abort = () => stop('simulator closed');
      this.aborts.add(abort);
      req.on('error', (error) => finish({ error: error.message }));
      req.end(body);
    });
  }

  private create(url: string, message: OutgoingMessage & Extra): OutgoingDelivery & Extra {
    const delivery: OutgoingDelivery & Extra = {
      ...message,
      id: `${this.settings.idPrefix ?? 'w'}${this.nextId++}`,
      url,
      state: 'sending',
      attempts: [],
    };
    this.deliveries.push(delivery);
    this.messages.set(delivery.id, message);
    return delivery;
  }

  private route(delivery: OutgoingDelivery & Extra): Promise<void> {
    if (this.settings.suppressed?.()) {
      delivery.state = 'suppressed';
      return Promise.resolve();
    }
    if (this.holding) {
      delivery.state = 'held';
      this.held.push(delivery);
      return Promise.resolve();
    }
    return this.track(this.deliver(delivery));
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inflight.add(promise);
    return promise.finally(() => this.inflight.delete(promise));
  }

  private async deliver(delivery: OutgoingDelivery): Promise<void> {
    delivery.state = 'sending';
    for (let attempt = 0; attempt <= this.settings.retries && !this.closed; attempt += 1) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, this.settings.backoffMs * 2 ** (attempt - 1)));
      if (this.closed) break;
      const at = Date.now();
      const result = await this.post(delivery.url, delivery.body, delivery.contentType);
      delivery.attempts.push({ at, ...result, durationMs: Date.now() - at });
      if (result.status !== undefined && result.status >= 200 && result.status <= 299) {
        delivery.state = 'delivered';
        return;
      }
    }
    delivery.state = 'failed';
  }
}

/** The test levers over a simulator's outgoing webhooks, under the same names on every simulator. */
export interface WebhookLevers {
  /** The next `count` webhooks go out twice. */
  duplicateNext(count?: number): void;
  /** Keep deliveries back until `releaseDeliveries`. */
  holdDeliveries(): void;
  /** Send what was held one by one: in arrival order, reversed, or shuffled (seeded). */
  releaseDeliveries(order?: ReleaseOrder): Promise<OutgoingDelivery[]>;
  /** Send a past delivery's body again as a new delivery. */
  redeliver(deliveryId: string): Promise<OutgoingDelivery>;
  /** Resolves once no delivery is in flight. */
  settled(): Promise<void>;
}

export function leversOf(sender: WebhookSender): WebhookLevers {
  return {
    duplicateNext: (count = 1) => sender.duplicateNext(count),
    holdDeliveries: () => sender.hold(),
    releaseDeliveries: (order) => sender.release(order),
    redeliver: (id) => sender.redeliver(id),
    settled: () => sender.settled(),
  };
}
