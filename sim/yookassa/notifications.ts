import type { OutgoingDelivery, WebhookSender } from '../common/webhook-sender.js';
import type { NotificationEvent, PaymentObject, RefundObject } from './types.js';

/**
 * HTTP notifications [C: SDK WebhookNotification + docs]: a JSON POST `{type: "notification", event, object}`
 * with the object as of the change, unsigned, to the one URL set in the merchant cabinet.
 */
export class Notifier {
  url: string | undefined;

  constructor(
    private readonly sender: WebhookSender,
    url: string | undefined,
  ) {
    this.url = url;
  }

  body(event: NotificationEvent, object: PaymentObject | RefundObject): string {
    return JSON.stringify({ type: 'notification', event, object });
  }

  /** Sends in the background (YooKassa does not wait for us); `settled()` waits for it. */
  notify(event: NotificationEvent, object: PaymentObject | RefundObject): Promise<OutgoingDelivery[]> {
    if (!this.url) return Promise.resolve([]);
    // Serialised now: later changes to the payment must not leak into this notification.
    return this.sender.send([this.url], {
      body: this.body(event, object),
      contentType: 'application/json',
      label: event,
    });
  }
}
