import { CallLog } from '../common/call-log.js';
import { FaultInjector } from '../common/faults.js';
import { finishSimulatorApp, simulatorApp } from '../common/http.js';
import { listen } from '../common/server.js';
import {
  leversOf,
  type OutgoingDelivery,
  WebhookSender,
  type WebhookLevers,
} from '../common/webhook-sender.js';
import { createActors, type YooActors } from './actors.js';
import { PaymentBook } from './book.js';
import { registerCheckout } from './checkout.js';
import { sendYooError, yooStatusRenderer } from './errors.js';
import type { IdempotenceKnobs } from './idempotence.js';
import { Notifier } from './notifications.js';
import { rateLimit, registerRoutes, requireBasic, requireJson } from './routes.js';
import { YooState } from './state.js';
import type { NotificationEvent, PaymentObject, RefundObject, YooKassaSimOptions, YooShop } from './types.js';

export type { YooActors } from './actors.js';
export { kopecksOf, rub } from './state.js';
export * from './types.js';

/** Run-time switches of the simulated YooKassa. */
export interface YooKassaControls extends WebhookLevers {
  /**
   * The next `times` operations (create, capture, cancel, refund) are committed but answered with 500, or
   * the connection is dropped: the "result unknown" a client must repeat with the same key.
   */
  failAfterCommit(times?: number, kind?: 'status' | 'drop'): void;
  /**
   * The next `times` answers to operations (a first request or its repeats) are 202 with `retry_after` (ms):
   * "still processing". The operation is done on the first request; a repeat with the key gets its result.
   */
  processingNext(times?: number, retryAfterMs?: number): void;
  /** Moves the clock: key lifetime, capture deadline. */
  advanceTime(ms: number): void;
  /** The merchant cabinet's notification URL. */
  setNotificationUrl(url: string | undefined): void;
}

/** A running YooKassa simulator; the buyer and the controls are also reachable directly on it. */
export interface YooKassaSim extends YooActors, YooKassaControls {
  /** Origin, e.g. `http://127.0.0.1:41234`. */
  url: string;
  /** `YOOKASSA_API_BASE`: `${url}/v3`. */
  apiBase: string;
  port: number;
  shops: YooShop[];
  env: Record<string, string>;
  calls: CallLog;
  faults: FaultInjector;
  /** Every notification with its attempts (live array). */
  readonly deliveries: readonly OutgoingDelivery[];
  payment(id: string): PaymentObject | undefined;
  payments(): PaymentObject[];
  refunds(): RefundObject[];
  /** The JSON body YooKassa would POST for this event (to forge or compare one). */
  notificationBody(event: NotificationEvent, object: PaymentObject | RefundObject): string;
  close(): Promise<void>;
}

/**
 * Starts a local YooKassa API v3 (payments, capture/cancel, refunds) on loopback with Basic auth, the
 * Idempotence-Key semantics, 54-FZ receipt checks and YooKassa's error bodies; plays the buyer paying or
 * cancelling and POSTs notifications from a chosen source address:
 *
 * ```ts
 * const yk = await startYooKassaSim({ notificationUrl: `${service}/yookassa/notifications`, notificationSourceAddress: '127.0.0.2' });
 * await yk.buyerPays(paymentId);
 * ```
 */
export async function startYooKassaSim(opts: YooKassaSimOptions = {}): Promise<YooKassaSim> {
  const state = new YooState(opts);
  const calls = new CallLog();
  const faults = new FaultInjector(opts.seed ?? 1);
  const sender = new WebhookSender({
    timeoutMs: opts.notificationTimeoutMs ?? 5000,
    retries: opts.notificationRetry?.retries ?? 3,
    backoffMs: opts.notificationRetry?.backoffMs ?? 200,
    sourceAddress: opts.notificationSourceAddress,
    random: state.random,
  });
  const notifier = new Notifier(sender, opts.notificationUrl);
  let origin = '';
  const book = new PaymentBook(state, notifier, () => origin);
  const knobs: IdempotenceKnobs = { afterCommit: [], processing: [] };
  const actors = createActors(state, book);

  const app = simulatorApp({
    calls,
    faults,
    render: yooStatusRenderer,
    tooLarge: (res) => sendYooError(res, 413, 'Request body is too large'),
  });
  app.use((_req, _res, next) => {
    book.sweep();
    next();
  });
  registerCheckout(app, state, actors, opts.controlRoutes ?? false);
  app.use('/v3', requireBasic(state), rateLimit(state, opts.rateLimitPerSecond ?? 0), requireJson());
  registerRoutes(app, state, book, knobs);
  finishSimulatorApp(
    app,
    (res) => sendYooError(res, 404, 'Not found'),
    (res, message) => sendYooError(res, 500, message),
  );

  const server = await listen(app, opts.port ?? 0);
  origin = server.url;
  const shop = state.shops[0];

  const controls: YooKassaControls = {
    failAfterCommit: (times = 1, kind = 'status') => {
      for (let i = 0; i < times; i += 1) knobs.afterCommit.push({ kind });
    },
    processingNext: (times = 1, retryAfterMs = 1800) => {
      for (let i = 0; i < times; i += 1) knobs.processing.push(retryAfterMs);
    },
    advanceTime: (ms) => {
      state.advance(ms);
      book.sweep();
    },
    setNotificationUrl: (url) => {
      notifier.url = url;
    },
    ...leversOf(sender),
  };

  return {
    ...controls,
    ...actors,
    url: server.url,
    apiBase: `${server.url}/v3`,
    port: server.port,
    shops: state.shops,
    env: {
      YOOKASSA_API_BASE: `${server.url}/v3`,
      YOOKASSA_SHOP_ID: shop?.shopId ?? '',
      YOOKASSA_SECRET_KEY: shop?.secretKey ?? '',
      ...(opts.receiptsRequired ? { YOOKASSA_RECEIPTS: 'true' } : {}),
    },
    calls,
    faults,
    deliveries: sender.deliveries,
    payment: (id) => state.payments.get(id)?.object,
    payments: () => [...state.payments.values()].map((r) => r.object),
    refunds: () => [...state.refunds.values()].map((r) => r.object),
    notificationBody: (event, object) => notifier.body(event, object),
    async close() {
      sender.close();
      await server.close();
      await sender.settled();
    },
  };
}
