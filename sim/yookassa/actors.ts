import type { OutgoingDelivery } from '../common/webhook-sender.js';
import { type CANCELLATION_REASONS, type PaymentBook } from './book.js';
import type { YooState } from './state.js';

/** The buyer on YooKassa's checkout page. */
export interface YooActors {
  /** The buyer pays: `succeeded` (or `waiting_for_capture` without capture) and the notification goes out. */
  buyerPays(paymentId: string): Promise<OutgoingDelivery[]>;
  /**
   * The payment fails or is abandoned: `canceled` with this reason (default `expired_on_confirmation`, the
   * buyer never finished) and the notification goes out.
   */
  buyerCancels(
    paymentId: string,
    reason?: (typeof CANCELLATION_REASONS)[number],
  ): Promise<OutgoingDelivery[]>;
}

/** Thrown when the buyer cannot act on that payment. */
export class BuyerActionError extends Error {
  override name = 'BuyerActionError';
}

export function createActors(state: YooState, book: PaymentBook): YooActors {
  const find = (id: string) => {
    const record = state.payments.get(id);
    if (!record) throw new BuyerActionError(`No payment ${id}`);
    if (record.object.status !== 'pending') {
      throw new BuyerActionError(`Payment ${id} is ${record.object.status}, not waiting for the buyer`);
    }
    return record;
  };
  return {
    buyerPays: async (id) => book.pay(find(id)),
    buyerCancels: async (id, reason = 'expired_on_confirmation') => book.decline(find(id), reason),
  };
}
