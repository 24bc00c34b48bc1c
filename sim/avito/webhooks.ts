import type { AvitoState } from './state.js';
import { rfc3339 } from './state.js';
import type {
  ChatRecord,
  DeliveryAttempt,
  MessageRecord,
  SubscriptionCheck,
  WebhookDelivery,
  WebhookEnvelope,
} from './types.js';

/** Settings of webhook delivery, fixed at start. */
export interface WebhookSettings {
  timeoutMs: number;
  retries: number;
  backoffMs: number;
  version: string;
  subscriptionCheck: boolean;
}

/** Order in which `releaseDeliveries` sends what was held. */
export type ReleaseOrder = 'fifo' | 'reverse' | 'shuffle';

/**
 * Avito's side of the webhook: subscriptions, the `{}` check on subscribe, and delivery of every message
 * event to every subscribed URL with a timeout and (undocumented, so configurable) retries. Tests steer
 * ordering and duplication through `hold`/`release`, `duplicateNext` and `redeliver`.
 */
export class WebhookDispatcher {
  /** Subscribed URLs in subscription order. */
  readonly subscriptions: string[] = [];
  /** Every delivery ever made, in creation order. */
  readonly deliveries: WebhookDelivery[] = [];
  readonly checks: SubscriptionCheck[] = [];
  private held: WebhookDelivery[] = [];
  private holding = false;
  private duplicates = 0;
  private nextId = 1;
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly controllers = new Set<AbortController>();
  private closed = false;

  constructor(
    private readonly state: AvitoState,
    private readonly settings: WebhookSettings,
  ) {}

  /** Builds the envelope Avito POSTs for a stored message. */
  envelopeFor(message: MessageRecord, chat: ChatRecord): WebhookEnvelope {
    return {
      id: this.uuid(),
      version: this.settings.version,
      timestamp: this.state.now(),
      payload: {
        type: 'message',
        value: {
          id: message.id,
          chat_id: chat.id,
          user_id: this.state.userId,
          author_id: message.authorId,
          created: message.created,
          published_at: rfc3339(message.created),
          type: message.type,
          chat_type: chat.type,
          item_id: chat.itemId,
          read: null,
          content: message.content,
        },
      },
    };
  }

  /**
   * Sends one message event to every subscription. Resolves when all deliveries are done (or held), with
   * retries included, so a test can assert right after it.
   */
  async emit(message: MessageRecord, chat: ChatRecord): Promise<WebhookDelivery[]> {
    const envelope = this.envelopeFor(message, chat);
    const copies = this.duplicates > 0 ? 2 : 1;
    if (this.duplicates > 0) this.duplicates -= 1;
    const created: WebhookDelivery[] = [];
    for (const url of this.subscriptions) {
      let first: WebhookDelivery | undefined;
      for (let i = 0; i < copies; i += 1) {
        const delivery = this.create(url, envelope);
        if (first) delivery.duplicateOf = first.id;
        first ??= delivery;
        created.push(delivery);
      }
    }
    await Promise.all(created.map((d) => this.route(d)));
    return created;
  }

  /** Sends a past delivery's envelope again (same envelope id) as a new delivery record. */
  async redeliver(deliveryId: string): Promise<WebhookDelivery> {
    const original = this.deliveries.find((d) => d.id === deliveryId);
    if (!original) throw new Error(`No delivery ${deliveryId}; see sim.deliveries for the ids`);
    const copy = this.create(original.url, original.envelope);
    copy.redeliveryOf = original.id;
    await this.route(copy);
    return copy;
  }

  /** The next `count` events are delivered twice (same envelope id) to each URL. */
  duplicateNext(count = 1): void {
    this.duplicates += count;
  }

  /** Keep new deliveries back until `release` (for out-of-order and late delivery). */
  hold(): void {
    this.holding = true;
  }

  /** Stops holding and sends what was held, one after another in the given order. */
  async release(order: ReleaseOrder = 'fifo'): Promise<WebhookDelivery[]> {
    this.holding = false;
    const batch = this.held;
    this.held = [];
    if (order === 'reverse') batch.reverse();
    if (order === 'shuffle') {
      for (let i = batch.length - 1; i > 0; i -= 1) {
        const j = Math.floor(this.state.random() * (i + 1));
        [batch[i], batch[j]] = [batch[j]!, batch[i]!];
      }
    }
    for (const delivery of batch) await this.track(this.send(delivery));
    return batch;
  }

  /** Adds a subscription after Avito's `{}` check (when enabled). Returns the failed check, if any. */
  async subscribe(url: string): Promise<SubscriptionCheck | undefined> {
    if (this.settings.subscriptionCheck) {
      const started = Date.now();
      const result = await this.post(url, '{}');
      const check: SubscriptionCheck = { url, at: started, ...result };
      this.checks.push(check);
      if (check.status === undefined || check.status < 200 || check.status > 299) return check;
    }
    if (!this.subscriptions.includes(url)) this.subscriptions.push(url);
    return undefined;
  }

  unsubscribe(url: string): void {
    const index = this.subscriptions.indexOf(url);
    if (index >= 0) this.subscriptions.splice(index, 1);
  }

  /** Resolves when no delivery is in flight (echoes of API sends run in the background). */
  async settled(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  /** Aborts in-flight deliveries and stops retrying; called by `sim.close()`. */
  close(): void {
    this.closed = true;
    for (const controller of this.controllers) controller.abort();
  }

  private create(url: string, envelope: WebhookEnvelope): WebhookDelivery {
    const delivery: WebhookDelivery = {
      id: `d${this.nextId++}`,
      url,
      envelope,
      state: 'sending',
      attempts: [],
    };
    this.deliveries.push(delivery);
    return delivery;
  }

  private route(delivery: WebhookDelivery): Promise<void> {
    if (!this.state.tariff) {
      delivery.state = 'suppressed';
      return Promise.resolve();
    }
    if (this.holding) {
      delivery.state = 'held';
      this.held.push(delivery);
      return Promise.resolve();
    }
    return this.track(this.send(delivery));
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inflight.add(promise);
    return promise.finally(() => this.inflight.delete(promise));
  }

  private async send(delivery: WebhookDelivery): Promise<void> {
    delivery.state = 'sending';
    const body = JSON.stringify(delivery.envelope);
    for (let attempt = 0; attempt <= this.settings.retries; attempt += 1) {
      if (this.closed) break;
      if (attempt > 0) await this.sleep(this.settings.backoffMs * 2 ** (attempt - 1));
      if (this.closed) break;
      const at = Date.now();
      const result = await this.post(delivery.url, body);
      const record: DeliveryAttempt = { at, durationMs: Date.now() - at, ...result };
      delivery.attempts.push(record);
      if (record.status !== undefined && record.status >= 200 && record.status <= 299) {
        delivery.state = 'delivered';
        return;
      }
    }
    delivery.state = 'failed';
  }

  private async post(url: string, body: string): Promise<{ status?: number; error?: string }> {
    const controller = new AbortController();
    this.controllers.add(controller);
    const timer = setTimeout(
      () => controller.abort(new Error(`timeout after ${this.settings.timeoutMs} ms`)),
      this.settings.timeoutMs,
    );
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: controller.signal,
      });
      // Drain so the connection can be reused; the content of the answer does not matter to Avito.
      await response.arrayBuffer().catch(() => undefined);
      return { status: response.status };
    } catch (error) {
      const reason = controller.signal.aborted ? controller.signal.reason : error;
      return { error: reason instanceof Error ? reason.message : String(reason) };
    } finally {
      clearTimeout(timer);
      this.controllers.delete(controller);
    }
  }

  /** UUID-shaped envelope id from the seeded generator, so runs repeat exactly. */
  private uuid(): string {
    const hex = this.state.randomString(32);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
}
