import express from 'express';
import { CallLog } from '../common/call-log.js';
import { FaultInjector } from '../common/faults.js';
import { listen } from '../common/server.js';
import { type ReleaseOrder, WebhookSender } from '../common/webhook-sender.js';
import { type AvitoActors, createActors } from './actors.js';
import { requireBearer, tokenHandler } from './auth.js';
import { registerControlRoutes } from './control-routes.js';
import { avitoStatusRenderer, type FaultStyle, sendAvitoError } from './errors.js';
import { logCalls, readBody, rejectInvalidJson } from './http.js';
import { RateLimiter, registerItems } from './items.js';
import { type AfterSendFault, type MessengerKnobs, registerMessenger } from './messenger.js';
import { AvitoState } from './state.js';
import type {
  AvitoClientCredentials,
  AvitoSimOptions,
  MessageRecord,
  SentByApi,
  SubscriptionCheck,
  WebhookDelivery,
} from './types.js';
import { WebhookDispatcher } from './webhooks.js';

export type { AvitoActors, BuyerWritesInput, BuyerWritesResult, SellerWritesResult } from './actors.js';
export type { AfterSendFault } from './messenger.js';
export { priceString, rfc3339 } from './state.js';
export * from './types.js';
export type { ReleaseOrder } from '../common/webhook-sender.js';

/** Run-time switches of the simulated Avito (the things a test changes mid-scenario). */
export interface AvitoControls {
  /** Every token issued so far is expired from now on (the next call gets 401/403 as configured). */
  expireTokens(): void;
  /** How many tokens `POST /token` has issued (to assert "refreshed once"). */
  tokenIssues(): number;
  /** Moves the simulator clock forward: token expiry, rate-limit window, the 1-hour delete window. */
  advanceTime(ms: number): void;
  /** Switch the «Максимальный» tariff on/off (off → 402 on messenger reads/sends, no webhooks). */
  setTariff(on: boolean): void;
  setExpiredTokenStatus(status: 401 | 403): void;
  setMessagesShape(shape: 'array' | 'object'): void;
  /**
   * The next `times` sends are stored (and echoed) but the client gets no answer (`drop`) or an error
   * status: the "unknown outcome" a retry must not turn into a duplicate.
   */
  failAfterSend(fault?: AfterSendFault, times?: number): void;
  /** The next `count` message events are delivered twice with the same envelope id. */
  duplicateNext(count?: number): void;
  /** Keep deliveries back until `releaseDeliveries`. */
  holdDeliveries(): void;
  /** Send the held deliveries one by one, in arrival order (`fifo`), `reverse` or a seeded `shuffle`. */
  releaseDeliveries(opts?: { order?: ReleaseOrder }): Promise<WebhookDelivery[]>;
  /** Send a past delivery's envelope again (same envelope id) as a new delivery. */
  redeliver(deliveryId: string): Promise<WebhookDelivery>;
  /** Resolves once no webhook delivery is in flight (echoes of API sends go out in the background). */
  settled(): Promise<void>;
}

/** A running Avito simulator. Actors and controls are also reachable directly on it. */
export interface AvitoSim extends AvitoActors, AvitoControls {
  /** Base URL, e.g. `http://127.0.0.1:41234` (our client's `AVITO_API_BASE`). */
  url: string;
  port: number;
  userId: number;
  clients: AvitoClientCredentials[];
  /** Environment that points the service at this simulator. */
  env: Record<string, string>;
  calls: CallLog;
  faults: FaultInjector;
  controls: AvitoControls;
  actors: AvitoActors;
  /** All messages of a chat, oldest first (including deleted ones, as type `deleted`). */
  chatMessages(chatId: string): MessageRecord[];
  /** What the buyers received from our service through `POST …/messages`. */
  sentByApi(): SentByApi[];
  /** Every webhook delivery with its attempts and status codes (live array). */
  readonly deliveries: readonly WebhookDelivery[];
  /** Avito's `{}` checks made on subscribe (live array). */
  readonly subscriptionChecks: readonly SubscriptionCheck[];
  /** Currently subscribed webhook URLs. */
  subscriptions(): string[];
  /** Stops the server and aborts deliveries in flight. */
  close(): Promise<void>;
}

/**
 * Starts a local Avito API (auth, Messenger, items) on loopback that speaks the official wire format,
 * acts as buyers and POSTs webhooks like Avito. Tests start one per case on a random port:
 *
 * ```ts
 * const sim = await startAvitoSim({ expiredTokenStatus: 401 });
 * const listing = sim.seedListing({ title: 'Ноутбук', price: 54900 });
 * await sim.buyerWrites({ itemId: listing.id, buyer: { name: 'Иван' }, text: 'Здравствуйте!' });
 * ```
 */
export async function startAvitoSim(opts: AvitoSimOptions = {}): Promise<AvitoSim> {
  const state = new AvitoState(opts);
  const calls = new CallLog();
  const faults = new FaultInjector(opts.seed ?? 1);
  const faultStyle: FaultStyle = {
    htmlStatuses: new Set(opts.htmlFaultStatuses ?? []),
    emptyRateLimitBody: opts.emptyRateLimitFaultBody ?? false,
  };
  const sender = new WebhookSender<Pick<WebhookDelivery, 'envelope'>>({
    timeoutMs: opts.webhookTimeoutMs ?? 2000,
    retries: opts.webhookRetry?.retries ?? 3,
    backoffMs: opts.webhookRetry?.backoffMs ?? 200,
    random: state.random,
    idPrefix: 'd',
    // Without the tariff Avito accepts the subscription but never calls.
    suppressed: () => !state.tariff,
  });
  const webhooks = new WebhookDispatcher(state, sender, {
    version: opts.webhookVersion ?? 'v3.0.0',
    subscriptionCheck: opts.subscriptionCheck ?? true,
  });
  const knobs: MessengerKnobs = { echoTiming: opts.echoTiming ?? 'after-response', afterSend: [] };
  const limiter = new RateLimiter(state, {
    perMinute: opts.itemsRateLimit?.perMinute ?? 25,
    retryAfter: opts.itemsRateLimit?.retryAfter ?? false,
    emptyBody: opts.itemsRateLimit?.emptyBody ?? true,
  });
  const actors = createActors(state, webhooks);

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  // Avito's paths differ by a trailing slash (`…/messages/` vs `…/messages`): match them exactly.
  app.set('strict routing', true);
  app.use(readBody());
  app.use(logCalls(calls));
  app.use(async (req, res, next) => {
    if (await faults.apply(req, res, req.path, avitoStatusRenderer(faultStyle))) return;
    next();
  });
  app.use(rejectInvalidJson());
  if (opts.controlRoutes) registerControlRoutes(app, state, actors, webhooks);
  app.post(['/token', '/token/'], tokenHandler(state));
  app.use(requireBearer(state));
  registerMessenger(app, state, webhooks, knobs);
  registerItems(app, state, limiter);
  app.use((_req, res) => sendAvitoError(res, 404, 'Not found'));
  app.use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    if (res.headersSent) return;
    sendAvitoError(res, 500, `simulator error: ${error instanceof Error ? error.message : String(error)}`);
  });

  const server = await listen(app, opts.port ?? 0);

  const controls: AvitoControls = {
    expireTokens: () => state.expireTokens(),
    tokenIssues: () => state.tokenIssues,
    advanceTime: (ms) => state.advance(ms),
    setTariff: (on) => {
      state.tariff = on;
    },
    setExpiredTokenStatus: (status) => {
      state.expiredTokenStatus = status;
    },
    setMessagesShape: (shape) => {
      state.messagesShape = shape;
    },
    failAfterSend: (fault = { kind: 'drop' }, times = 1) => {
      for (let i = 0; i < times; i += 1) knobs.afterSend.push(fault);
    },
    duplicateNext: (count = 1) => sender.duplicateNext(count),
    holdDeliveries: () => sender.hold(),
    releaseDeliveries: (o) => sender.release(o?.order ?? 'fifo'),
    redeliver: (id) => sender.redeliver(id),
    settled: () => sender.settled(),
  };

  const client = state.clients[0];
  return {
    ...controls,
    ...actors,
    url: server.url,
    port: server.port,
    userId: state.userId,
    clients: state.clients,
    env: {
      AVITO_API_BASE: server.url,
      AVITO_CLIENT_ID: client?.clientId ?? '',
      AVITO_CLIENT_SECRET: client?.clientSecret ?? '',
      AVITO_USER_ID: String(state.userId),
    },
    calls,
    faults,
    controls,
    actors,
    chatMessages: (chatId) => state.messagesOf(chatId),
    sentByApi: () => [...state.sent],
    deliveries: sender.deliveries,
    subscriptionChecks: webhooks.checks,
    subscriptions: () => [...webhooks.subscriptions],
    async close() {
      sender.close();
      await server.close();
      await sender.settled();
    },
  };
}
