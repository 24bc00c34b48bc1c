import type { WebhookSender } from '../common/webhook-sender.js';
import type { AvitoState } from './state.js';
import { rfc3339 } from './state.js';
import type {
  ChatRecord,
  MessageRecord,
  SubscriptionCheck,
  WebhookDelivery,
  WebhookEnvelope,
} from './types.js';

/** Settings of Avito's webhook content and subscriptions, fixed at start. */
export interface WebhookSettings {
  version: string;
  subscriptionCheck: boolean;
}

/**
 * Avito's side of the webhook: subscriptions, the `{}` check on subscribe, and one envelope per message event
 * to every subscribed URL. Delivery (timeout, the undocumented and so configurable retries, the test levers,
 * no calls without the tariff) is the common sender's.
 */
export class WebhookDispatcher {
  /** Subscribed URLs in subscription order. */
  readonly subscriptions: string[] = [];
  readonly checks: SubscriptionCheck[] = [];

  constructor(
    private readonly state: AvitoState,
    private readonly sender: WebhookSender<Pick<WebhookDelivery, 'envelope'>>,
    private readonly settings: WebhookSettings,
  ) {}

  /** Every delivery ever made, in creation order (live array). */
  get deliveries(): WebhookDelivery[] {
    return this.sender.deliveries;
  }

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
  emit(message: MessageRecord, chat: ChatRecord): Promise<WebhookDelivery[]> {
    const envelope = this.envelopeFor(message, chat);
    return this.sender.send(this.subscriptions, {
      body: JSON.stringify(envelope),
      contentType: 'application/json',
      label: envelope.payload.type,
      envelope,
    });
  }

  /** Adds a subscription after Avito's `{}` check (when enabled). Returns the failed check, if any. */
  async subscribe(url: string): Promise<SubscriptionCheck | undefined> {
    if (this.settings.subscriptionCheck) {
      const started = Date.now();
      const result = await this.sender.post(url, '{}', 'application/json');
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

  /** UUID-shaped envelope id from the seeded generator, so runs repeat exactly. */
  private uuid(): string {
    const hex = this.state.randomString(32);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
  }
}
