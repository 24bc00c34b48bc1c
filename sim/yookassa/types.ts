/**
 * Records and options of the YooKassa simulator. Wire field names follow API v3 (see
 * /work/shared/api/yookassa/NOTES.md); everything else is camelCase.
 */

/** A shop the simulator accepts at Basic auth (username = shopId, password = secret key). */
export interface YooShop {
  shopId: string;
  secretKey: string;
}

/** `{value: "1500.00", currency: "RUB"}`. */
export interface Amount {
  value: string;
  currency: string;
}

export type PaymentStatus = 'pending' | 'waiting_for_capture' | 'succeeded' | 'canceled';
export type RefundStatus = 'pending' | 'succeeded' | 'canceled';

export interface CancellationDetails {
  party: 'merchant' | 'yoo_kassa' | 'payment_network';
  reason: string;
}

/** A payment as the API renders it; internal bookkeeping sits in `PaymentRecord`. */
export interface PaymentObject {
  id: string;
  status: PaymentStatus;
  paid: boolean;
  amount: Amount;
  income_amount?: Amount;
  description?: string;
  recipient: { account_id: string; gateway_id: string };
  payment_method?: Record<string, unknown>;
  captured_at?: string;
  created_at: string;
  expires_at?: string;
  confirmation?: Record<string, unknown>;
  test: boolean;
  refunded_amount?: Amount;
  refundable: boolean;
  receipt_registration?: 'pending' | 'succeeded' | 'canceled';
  metadata: Record<string, string>;
  cancellation_details?: CancellationDetails;
  authorization_details?: Record<string, unknown>;
  merchant_customer_id?: string;
}

export interface PaymentRecord {
  object: PaymentObject;
  shopId: string;
  kopecks: number;
  capture: boolean;
  hasReceipt: boolean;
  refundedKopecks: number;
}

export interface RefundObject {
  id: string;
  payment_id: string;
  status: RefundStatus;
  amount: Amount;
  created_at: string;
  description?: string;
  receipt_registration?: 'pending' | 'succeeded' | 'canceled';
  cancellation_details?: CancellationDetails;
}

export interface RefundRecord {
  object: RefundObject;
  shopId: string;
}

/** The events YooKassa notifies about (the ones this product needs). */
export type NotificationEvent =
  'payment.waiting_for_capture' | 'payment.succeeded' | 'payment.canceled' | 'refund.succeeded';

/** Options of `startYooKassaSim`. */
export interface YooKassaSimOptions {
  /** 0 (default) = a random free port. */
  port?: number;
  /** Accepted shops; default one `123456` / `test_sim-secret-key`. */
  shops?: YooShop[];
  /** Shops of the test environment answer `test: true`. Default true. */
  test?: boolean;
  /** The shop fiscalises through YooKassa: every payment and refund needs a `receipt`. Default false. */
  receiptsRequired?: boolean;
  /** `vat_code`s accepted in receipts; default 1–6 (the 2022 SDK [C]; newer codes exist [U]). */
  vatCodes?: number[];
  /** Currencies the shop accepts; default RUB. */
  currencies?: string[];
  /** How long a key's first answer is replayed; default 24 h [U]. */
  idempotenceTtlMs?: number;
  /** Commission kept from each payment (`income_amount`), in percent; default 3.5. */
  commissionPercent?: number;
  /** Days a `waiting_for_capture` payment may wait; default 7 (bank cards [U]). */
  captureDays?: number;
  /** Requests per second per shop before 429 (YooKassa publishes no number [U]); default 0 = off. */
  rateLimitPerSecond?: number;
  /** Where notifications go (the merchant cabinet's HTTP-notification URL). */
  notificationUrl?: string;
  /** Local address notifications leave from, e.g. 127.0.0.2 (the service checks it against an allowlist). */
  notificationSourceAddress?: string;
  /** Notification POST timeout; default 5000 ms [U]. */
  notificationTimeoutMs?: number;
  /** Retries of a failed notification; default 3 retries, 200 ms (YooKassa retries for 24 h [U]). */
  notificationRetry?: { retries?: number; backoffMs?: number };
  /** Seed of ids and fault fractions. Default 1. */
  seed?: number;
  /** Mount `/__sim/*` routes so a human can play the buyer from a shell (used by `main.ts`). Default false. */
  controlRoutes?: boolean;
}
