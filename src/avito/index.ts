import type { Agenda } from 'agenda';
import type { Express, Request } from 'express';
import type { Config } from '../config.js';
import type { DomainMetrics } from '../domain-metrics.js';
import type { CheckResult } from '../http/readiness.js';
import type { StorageFailureReporter } from '../lib/storage-outage.js';
import type { Logger } from '../logger.js';
import type { OwnerAlerts } from '../responder/ports.js';
import type { Store } from '../store/port.js';
import { AvitoClient } from './client.js';
import { DeliveryPressure } from './delivery-pressure.js';
import type { InboundHooks } from './inbound.js';
import { InboundQueue } from './inbound-queue.js';
import { defineAvitoJobs, scheduleAvitoJobs, tokenAlert } from './jobs.js';
import type { ListingKnowledge } from './listings.js';
import { resolveWebhookSecret, webhookUrl } from './subscription.js';
import { TokenManager } from './token.js';
import { isOwnWebhookRequest, mountAvitoWebhook } from './webhook.js';

export { AvitoClient } from './client.js';
export { DeliveryPressure } from './delivery-pressure.js';
export { AvitoApiError, AvitoSendError } from './errors.js';
export type { InboundHooks } from './inbound.js';
export { TokenManager } from './token.js';

export interface AvitoDeps {
  config: Config;
  store: Store;
  agenda: Agenda;
  hooks: InboundHooks;
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

export interface AvitoIntegration {
  client: AvitoClient;
  tokens: TokenManager;
  /** Full webhook URL when `PUBLIC_URL` is set. */
  webhookUrl: string | undefined;
  mount(app: Express): void;
  /** A request to our webhook path carrying our secret: Avito's own, exempt from the per-IP rate limit. */
  authenticates(req: Request): boolean;
  /** Starts the recurring jobs (token refresh, subscription check, listings sync, inbox sweep). */
  start(): Promise<void>;
  /** Queues the deliveries held during a storm (after the HTTP server has closed, before the jobs stop). */
  stop(): Promise<void>;
  check(): Promise<CheckResult>;
}

/** Wires the Avito side: token manager, client, webhook route and jobs. Requires credentials in config. */
export async function createAvito(deps: AvitoDeps): Promise<AvitoIntegration> {
  const { config, store, agenda, logger } = deps;
  const { clientId, clientSecret } = config.avito;
  if (!clientId || !clientSecret)
    throw new Error('createAvito needs AVITO_CLIENT_ID and AVITO_CLIENT_SECRET');
  const log = logger.child({ module: 'avito' });
  const tokens = new TokenManager({
    baseUrl: config.avito.apiBase,
    clientId,
    clientSecret,
    kv: store.kv,
    logger: log,
    onProblem: (err) => {
      // One message per outage (the notifier dedupes by key); a send that failed is retried with the next failure.
      deps.alerts
        .alert('avito:token', tokenAlert(err))
        .catch((error: unknown) =>
          log.warn({ err: error }, 'could not alert the owner about the Avito token'),
        );
    },
    onRequested: (outcome) => deps.metrics?.tokenRefresh(outcome),
    onRecovered: () => {
      deps.alerts
        .resolve('avito:token')
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
  defineAvitoJobs(agenda, { ...deps, client, tokens, logger: log, webhookUrl: url, pressure });
  const queue = new InboundQueue(agenda, { pressure, logger: log });

  return {
    client,
    tokens,
    webhookUrl: url,
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
    start: () => scheduleAvitoJobs(agenda),
    stop: () => queue.flush(),
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
