import type { OutgoingDelivery } from '../common/webhook-sender.js';
import type { Notifier } from './notifications.js';
import { kopecksOf, rub, type YooState } from './state.js';
import type { CancellationDetails, PaymentRecord, RefundRecord } from './types.js';

/** Reasons that come from the card network rather than from YooKassa itself [U: party per reason]. */
const NETWORK_REASONS = new Set([
  'call_issuer',
  'card_expired',
  'country_forbidden',
  'insufficient_funds',
  'invalid_card_number',
  'invalid_csc',
  'issuer_unavailable',
  'payment_method_limit_exceeded',
  'payment_method_restricted',
  'general_decline',
]);

/** Cancellation reasons [C: SDK constants]. */
export const CANCELLATION_REASONS = [
  '3d_secure_failed',
  'call_issuer',
  'card_expired',
  'country_forbidden',
  'fraud_suspected',
  'general_decline',
  'identification_required',
  'insufficient_funds',
  'invalid_card_number',
  'invalid_csc',
  'issuer_unavailable',
  'payment_method_limit_exceeded',
  'payment_method_restricted',
  'permission_revoked',
  'internal_timeout',
  'canceled_by_merchant',
  'expired_on_confirmation',
  'expired_on_capture',
  'deal_expired',
  'unsupported_mobile_operator',
] as const;

export interface NewPayment {
  kopecks: number;
  currency: string;
  capture: boolean;
  returnUrl: string | undefined;
  confirmationType: 'redirect' | 'embedded' | undefined;
  description: string | undefined;
  metadata: Record<string, string>;
  hasReceipt: boolean;
  merchantCustomerId: string | undefined;
}

/** The payment state machine (NOTES.md, "Statuses and transitions"), shared by the API and the actors. */
export class PaymentBook {
  constructor(
    private readonly state: YooState,
    private readonly notifier: Notifier,
    private readonly checkoutBase: () => string,
  ) {}

  create(shopId: string, input: NewPayment): PaymentRecord {
    const id = this.state.objectId();
    const confirmation =
      input.confirmationType === 'redirect'
        ? {
            type: 'redirect',
            return_url: input.returnUrl,
            confirmation_url: `${this.checkoutBase()}/checkout/${id}`,
          }
        : input.confirmationType === 'embedded'
          ? { type: 'embedded', confirmation_token: `ct-${this.state.randomString(32)}` }
          : undefined;
    const record: PaymentRecord = {
      shopId,
      kopecks: input.kopecks,
      capture: input.capture,
      hasReceipt: input.hasReceipt,
      refundedKopecks: 0,
      object: {
        id,
        status: 'pending',
        paid: false,
        amount: { value: rub(input.kopecks), currency: input.currency },
        ...(input.description === undefined ? {} : { description: input.description }),
        recipient: {
          account_id: shopId,
          gateway_id: String(100_000 + Number(shopId.replace(/\D/g, '').slice(-5) || 0)),
        },
        created_at: this.state.iso(),
        ...(confirmation ? { confirmation } : {}),
        test: this.state.test,
        refundable: false,
        metadata: input.metadata,
        ...(input.merchantCustomerId === undefined ? {} : { merchant_customer_id: input.merchantCustomerId }),
      },
    };
    this.state.payments.set(id, record);
    return record;
  }

  /** The buyer completes the form: `succeeded` (capture) or `waiting_for_capture`, then the notification. */
  pay(record: PaymentRecord): Promise<OutgoingDelivery[]> {
    this.require(record, ['pending']);
    const p = record.object;
    p.paid = true;
    p.payment_method = {
      type: 'bank_card',
      id: p.id,
      saved: false,
      title: 'Bank card *4477',
      card: {
        first6: '555555',
        last4: '4477',
        expiry_month: '07',
        expiry_year: '2030',
        card_type: 'MasterCard',
        issuer_country: 'RU',
      },
    };
    p.authorization_details = {
      rrn: this.state.randomString(12),
      auth_code: this.state.randomString(6),
      three_d_secure: { applied: true },
    };
    if (record.capture) return this.succeed(record, record.kopecks);
    p.status = 'waiting_for_capture';
    p.expires_at = this.state.iso(this.state.nowMs() + this.state.captureMs);
    return this.notifier.notify('payment.waiting_for_capture', p);
  }

  /** The payment fails on the buyer's side (declined card, abandoned form). */
  decline(record: PaymentRecord, reason: string): Promise<OutgoingDelivery[]> {
    this.require(record, ['pending']);
    return this.cancelWith(record, {
      party: NETWORK_REASONS.has(reason) ? 'payment_network' : 'yoo_kassa',
      reason,
    });
  }

  capture(record: PaymentRecord, kopecks: number): Promise<OutgoingDelivery[]> {
    this.require(record, ['waiting_for_capture']);
    return this.succeed(record, kopecks);
  }

  cancel(record: PaymentRecord): Promise<OutgoingDelivery[]> {
    this.require(record, ['waiting_for_capture']);
    return this.cancelWith(record, { party: 'merchant', reason: 'canceled_by_merchant' });
  }

  refund(
    record: PaymentRecord,
    kopecks: number,
    description: string | undefined,
    hasReceipt: boolean,
  ): RefundRecord {
    const refund: RefundRecord = {
      shopId: record.shopId,
      object: {
        id: this.state.objectId().replace('-000f-', '-0015-'),
        payment_id: record.object.id,
        status: 'succeeded',
        amount: { value: rub(kopecks), currency: record.object.amount.currency },
        created_at: this.state.iso(),
        ...(description === undefined ? {} : { description }),
        ...(hasReceipt || record.hasReceipt ? { receipt_registration: 'succeeded' as const } : {}),
      },
    };
    this.state.refunds.set(refund.object.id, refund);
    record.refundedKopecks += kopecks;
    record.object.refunded_amount = {
      value: rub(record.refundedKopecks),
      currency: record.object.amount.currency,
    };
    record.object.refundable = record.refundedKopecks < (kopecksOf(record.object.amount.value) ?? 0);
    void this.notifier.notify('refund.succeeded', refund.object);
    return refund;
  }

  /** Cancels `waiting_for_capture` payments past their capture deadline (`expired_on_capture`). */
  sweep(): void {
    const now = this.state.nowMs();
    for (const record of this.state.payments.values()) {
      const p = record.object;
      if (p.status === 'waiting_for_capture' && p.expires_at && Date.parse(p.expires_at) <= now) {
        void this.cancelWith(record, { party: 'yoo_kassa', reason: 'expired_on_capture' });
      }
    }
  }

  private succeed(record: PaymentRecord, kopecks: number): Promise<OutgoingDelivery[]> {
    const p = record.object;
    const currency = p.amount.currency;
    p.status = 'succeeded';
    p.paid = true;
    p.amount = { value: rub(kopecks), currency };
    p.income_amount = {
      value: rub(kopecks - Math.round((kopecks * this.state.commissionPercent) / 100)),
      currency,
    };
    p.captured_at = this.state.iso();
    p.refunded_amount = { value: '0.00', currency };
    p.refundable = true;
    delete p.expires_at;
    if (record.hasReceipt) p.receipt_registration = 'succeeded';
    return this.notifier.notify('payment.succeeded', p);
  }

  private cancelWith(record: PaymentRecord, details: CancellationDetails): Promise<OutgoingDelivery[]> {
    const p = record.object;
    p.status = 'canceled';
    p.paid = false;
    p.refundable = false;
    p.cancellation_details = details;
    delete p.expires_at;
    if (record.hasReceipt) p.receipt_registration = 'canceled';
    return this.notifier.notify('payment.canceled', p);
  }

  private require(record: PaymentRecord, allowed: string[]): void {
    if (!allowed.includes(record.object.status)) {
      throw new WrongStatusError(record.object.id, record.object.status);
    }
  }
}

/** A transition the payment's status does not allow (400 `invalid_request` on the API [U: code]). */
export class WrongStatusError extends Error {
  constructor(
    readonly paymentId: string,
    readonly status: string,
  ) {
    super(`Payment ${paymentId} is ${status}: this operation is not allowed in that status`);
    this.name = 'WrongStatusError';
  }
}
