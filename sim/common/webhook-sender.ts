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

/** One webhook body on its way to one URL, with every attempt. */
export interface OutgoingDelivery {
  /** Simulator-side id (`w1`, `w2`…) for `redeliver`. */
  id: string;
  url: string;
  contentType: string;
  body: string;
  /** What the body announces (e.g. `payment.succeeded`), for tests to find it. */
  label: string;
  /** `held` waits for `release`. */
  state: 'held' | 'sending' | 'delivered' | 'failed';
  attempts: OutgoingAttempt[];
  /** Set on the second copy made by `duplicateNext`. */
  duplicateOf?: string;
  /** Set on copies made by `redeliver`. */
  redeliveryOf?: string;
}

/** How a simulated service POSTs its webhooks. */
export interface WebhookSenderSettings {
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
}

/**
 * The sending side of a service's webhooks, shared by the simulators that call back (amoCRM, YooKassa):
 * POST with a timeout and retries, a log of every delivery, and the test levers for duplicate, held,
 * reordered and repeated deliveries.
 */
export class WebhookSender {
  readonly deliveries: OutgoingDelivery[] = [];
  private held: OutgoingDelivery[] = [];
  private holding = false;
  private duplicates = 0;
  private nextId = 1;
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly aborts = new Set<() => void>();
  private closed = false;

  constructor(private readonly settings: WebhookSenderSettings) {}

  /** Delivers `body` to `url` (twice after `duplicateNext`); resolves when done or held. */
  async send(url: string, body: string, contentType: string, label: string): Promise<OutgoingDelivery[]> {
    const copies = this.duplicates > 0 ? 2 : 1;
    if (this.duplicates > 0) this.duplicates -= 1;
    const created: OutgoingDelivery[] = [];
    for (let i = 0; i < copies; i += 1) {
      const delivery = this.create(url, body, contentType, label);
      if (created[0]) delivery.duplicateOf = created[0].id;
      created.push(delivery);
    }
    await Promise.all(created.map((d) => this.route(d)));
    return created;
  }

  /** Sends a past delivery's body again as a new delivery record. */
  async redeliver(deliveryId: string): Promise<OutgoingDelivery> {
    const original = this.deliveries.find((d) => d.id === deliveryId);
    if (!original) throw new Error(`No delivery ${deliveryId}; see sim.deliveries for the ids`);
    const copy = this.create(original.url, original.body, original.contentType, original.label);
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
  async release(order: 'fifo' | 'reverse' | 'shuffle' = 'fifo'): Promise<OutgoingDelivery[]> {
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

  private create(url: string, body: string, contentType: string, label: string): OutgoingDelivery {
    const delivery: OutgoingDelivery = {
      id: `w${this.nextId++}`,
      url,
      contentType,
      body,
      label,
      state: 'sending',
      attempts: [],
    };
    this.deliveries.push(delivery);
    return delivery;
  }

  private route(delivery: OutgoingDelivery): Promise<void> {
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
      const result = await this.post(delivery);
      delivery.attempts.push({ at, ...result, durationMs: Date.now() - at });
      if (result.status !== undefined && result.status >= 200 && result.status <= 299) {
        delivery.state = 'delivered';
        return;
      }
    }
    delivery.state = 'failed';
  }

  private post(delivery: OutgoingDelivery): Promise<{ status?: number; error?: string }> {
    return new Promise((resolve) => {
      const target = new URL(delivery.url);
      const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = request(
        target,
        {
          method: 'POST',
          headers: {
            'content-type': delivery.contentType,
            'content-length': Buffer.byteLength(delivery.body),
          },
          localAddress: this.settings.sourceAddress,
          timeout: this.settings.timeoutMs,
        },
        (res) => {
          // Drain so the socket is released; what the receiver says does not matter beyond its status.
          res.resume();
          res.on('end', () => finish({ status: res.statusCode }));
          res.on('error', (error) => finish({ error: error.message }));
        },
      );
      const abort = () => req.destroy(new Error('simulator closed'));
      this.aborts.add(abort);
      const finish = (result: { status?: number; error?: string }) => {
        this.aborts.delete(abort);
        resolve(result);
      };
      req.on('timeout', () => req.destroy(new Error(`timeout after ${this.settings.timeoutMs} ms`)));
      req.on('error', (error) => finish({ error: error.message }));
      req.end(delivery.body);
    });
  }
}

/** The test levers over a simulator's outgoing webhooks, under the same names on every simulator. */
export interface WebhookLevers {
  /** The next `count` webhooks go out twice. */
  duplicateNext(count?: number): void;
  /** Keep deliveries back until `releaseDeliveries`. */
  holdDeliveries(): void;
  /** Send what was held one by one: in arrival order, reversed, or shuffled (seeded). */
  releaseDeliveries(order?: 'fifo' | 'reverse' | 'shuffle'): Promise<OutgoingDelivery[]>;
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
