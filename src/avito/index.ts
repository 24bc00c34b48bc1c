/**
 * The Avito adapter, built in two halves so the composition root wires it in dependency order: `createAvito`
 * makes the outbound half (token manager, client, {@link Channel}, housekeeping jobs) that the responder is built
 * with; `receiveInto(responder.inbound)` then makes the inbound half (webhook route and the job that hands stored
 * events to the responder).
 */
import type { Agenda } from 'agenda';
import type { Express, Request } from 'express';
import type { Config } from '../config.js';
import type { DomainMetrics } from '../domain-metrics.js';
import type { CheckResult } from '../lib/checks.js';
import type { StorageFailureReporter } from '../lib/storage-outage.js';
import type { Logger } from '../logger.js';
import type { Channel, InboundPort } from '../responder/channel.js';
import type { OwnerAlerts } from '../responder/ports.js';
import type { Store } from '../store/port.js';
import { createAvitoChannel } from './channel.js';
import { AvitoClient } from './client.js';
import { DeliveryPressure } from './delivery-pressure.js';
import { InboundQueue } from './inbound-queue.js';
import { defineInboundJobs, scheduleInboxSweep } from './jobs/inbound.js';
import { defineListingsSyncJob, scheduleListingsSync } from './jobs/listings-sync.js';
import { defineSubscriptionCheckJob, scheduleSubscriptionCheck } from './jobs/subscription-check.js';
import {
  defineTokenRefreshJob,
  scheduleTokenRefresh,
  TOKEN_ALERT_KEY,
  tokenAlert,
} from './jobs/token-refresh.js';
import type { ListingKnowledge } from './listings.js';
import { resolveWebhookSecret, webhookUrl } from './subscription.js';
import { TokenManager } from './token.js';
import { isOwnWebhookRequest, mountAvitoWebhook } from './webhook.js';

export { AVITO_TEXT_LIMIT, createAvitoChannel } from './channel.js';
export { AvitoClient } from './client.js';
export { DeliveryPressure } from './delivery-pressure.js';
export { AvitoApiError, AvitoSendError } from './errors.js';
export { TokenManager } from './token.js';

export interface AvitoDeps {
  config: Config;
  store: Store;
  agenda: Agenda;
  alerts: OwnerAlerts;
  logger: Logger;
  knowledge?: ListingKnowledge;
  /** Shared with the responder, whose answers wait out a delivery storm too; one of its own if absent. */
  pressure?: DeliveryPressure;
  /** Webhook deliveries and token requests are counted here for `/metrics`. */
  metrics?: DomainMetrics;
  /** Where the webhook reports a store that fails to write. */
  storageOutage?: StorageFailureReporter;
}

/** The outbound half of the Avito adapter, and the way to its inbound half. */
export interface AvitoIntegration {
  client: AvitoClient;
  tokens: TokenManager;
  /** Full webhook URL when `PUBLIC_URL` is set. */
  webhookUrl: string | undefined;
  /** Avito Messenger as a channel of the responder. */
  channel: Channel;
  /**
   * The inbound half, once the responder exists: defines the job that hands stored webhook events to `inbound`
   * and returns the webhook for the HTTP app. Call it once.
   */
  receiveInto(inbound: InboundPort): AvitoInbound;
  /** Schedules the recurring housekeeping (token refresh, subscription check, listings sync). */
  start(): Promise<void>;
  check(): Promise<CheckResult>;
}

/** The inbound half: Avito's webhook and the processing of what it stores. */
export interface AvitoInbound {
  /** Adds `POST /avito/webhook/<secret>` to the service's Express app. */
  mount(app: Express): void;
  /** A request to our webhook path carrying our secret: Avito's own, exempt from the per-IP rate limit. */
  authenticates(req: Request): boolean;
  /** Schedules the inbox sweep (events left pending with no job); after the job processor has started. */
  start(): Promise<void>;
  /** Queues the deliveries held during a storm (after the HTTP server has closed, before the jobs stop). */
  stop(): Promise<void>;
}

/** Builds the outbound half of the Avito adapter. Requires credentials in config. */
export async function createAvito(deps: AvitoDeps): Promise<AvitoIntegration> {
  const { config, store, agenda, logger, alerts } = deps;
  const { clientId, clientSecret } = config.avito;
  if (!clientId || !clientSecret)
    throw new Error(
      'createAvito needs AVITO_CLIENT_ID and AVITO_CLIENT_SECRET: build it only when config.avito.enabled is true.',
    );
  const log = logger.child({ module: 'avito' });
  const tokens = new TokenManager({
    baseUrl: config.avito.apiBase,
    clientId,
    clientSecret,
    kv: store.kv,
    logger: log,
    onProblem: (err) => {
      // One message per outage (the notifier dedupes by key); a send that failed is retried with the next failure.
      alerts
        .alert(TOKEN_ALERT_KEY, tokenAlert(err))
        .catch((error: unknown) =>
          log.warn({ err: error }, 'could not alert the owner about the Avito token'),
        );
    },
    onRequested: (outcome) => deps.metrics?.tokenRefresh(outcome),
    onRecovered: () => {
      alerts
        .resolve(TOKEN_ALERT_KEY)
        .catch((error: unknown) => log.warn({ err: error }, 'could not clear the Avito token alert'));
    },
  });
  const client = new AvitoClient({
    baseUrl: config.avito.apiBase,
    tokens,
    userId: config.avito.userId,
    logger: log,
  });
  const secret = await resolveWebhookSecret(config.avito.webhookSecret, store.kv);
  const url = config.http.publicUrl ? webhookUrl(config.http.publicUrl, secret) : undefined;
  // Processing steps aside while deliveries pour in (see delivery-pressure.ts).
  const pressure = deps.pressure ?? new DeliveryPressure();

  defineTokenRefreshJob(agenda, { tokens, alerts });
  defineSubscriptionCheckJob(agenda, { client, store, alerts, logger: log, webhookUrl: url });
  defineListingsSyncJob(agenda, { client, store, knowledge: deps.knowledge, logger: log });

  let inboundStarted = false;
  return {
    client,
    tokens,
    webhookUrl: url,
    channel: createAvitoChannel(client),
    receiveInto(inbound) {
      if (inboundStarted) throw new Error('the Avito inbound half is already started: call receiveInto once');
      inboundStarted = true;
      defineInboundJobs(agenda, { store, avito: client, inbound, alerts, logger: log, pressure });
      const queue = new InboundQueue(agenda, { pressure, logger: log });
      return {
        mount(app) {
          mountAvitoWebhook(app, {
            store,
            secret,
            logger: log,
            enqueueInbound: (id) => queue.enqueue(id),
            pressure,
            ...(deps.metrics ? { metrics: deps.metrics } : {}),
            storageOutage: deps.storageOutage,
          });
        },
        authenticates: isOwnWebhookRequest(secret),
        start: () => scheduleInboxSweep(agenda),
        stop: () => queue.flush(),
      };
    },
    async start() {
      await scheduleTokenRefresh(agenda);
      await scheduleSubscriptionCheck(agenda);
      await scheduleListingsSync(agenda);
    },
    async check() {
      const token = tokens.status();
      if (token.status === 'fail') {
        // Degraded, not failed: webhooks are still stored and processed once the token is back.
        return {
          status: 'degraded',
          detail: token.lastError,
          consecutiveFailures: token.consecutiveFailures,
        };
      }
      return {
        status: 'ok',
        token: token.status,
        expiresAt: token.expiresAt,
        webhook: url ? 'configured' : 'no PUBLIC_URL',
      };
    },
  };
}
