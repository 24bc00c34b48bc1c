import { createHash } from 'node:crypto';
import type { Express, Request } from 'express';
import type { CheckResult } from '../../lib/checks.js';
import type { FetchLike } from '../../lib/http.js';
import { SlidingWindowLimiter } from '../../lib/rate-limiter.js';
import type { Logger } from '../../logger.js';
import type { LeadStage } from '../../models/records.js';
import type { BriefField, LeadEvent, LeadListener } from '../../sales/leads/index.js';
import type { Store } from '../../store/port.js';
import type { IntegrationHealth } from '../health.js';
import type { OutboxDeps } from '../outbox.js';
import { formatKopecks, type Locale, type Texts } from '../../texts/index.js';
import { kvTokenStore, LongLivedAuth, OAuthAuth } from './auth.js';
import type { AmoCrmClientOptions } from './client.js';
import type { AmoCrmConfig } from './config.js';
import { type AmoCrmJobs, defineAmoCrmJobs } from './jobs/index.js';
export { amoCrmQueues } from './jobs/index.js';
import {
  AMOCRM_WEBHOOK_PATH,
  isAmoWebhookRequest,
  mountAmoCrmWebhook,
  resolveAmoWebhookSecret,
} from './route.js';
import { AmoCrmSync, type LeadMoves } from './sync.js';

/** What the other integrations ask of the CRM: a note on a lead's deal, once per `what`. */
export interface Crm {
  note(leadId: string, what: string, text: string): Promise<void>;
}

/** Without amoCRM, notes go nowhere. */
export const NO_CRM: Crm = { note: async () => undefined };

/** The CRM side the other integrations use, on amoCRM's queues. */
export function amoCrm(queues: Pick<AmoCrmJobs, 'note'>): Crm {
  return { note: (leadId, what, text) => queues.note(leadId, what, text) };
}

/**
 * Lead events become deal syncs and notes, queued (never called out from here): every event may change what
 * the deal shows, so each queues one sync (a burst makes one run); contacts, the brief and documents get notes.
 */
export function amoCrmListener(
  queues: AmoCrmJobs,
  options: { texts: Texts; locale: Locale; briefDelayMs?: number },
): LeadListener {
  const { texts } = options;
  const briefDelay = options.briefDelayMs ?? 30_000;
  return {
    async onLeadEvent(event: LeadEvent) {
      const lead = event.lead;
      switch (event.type) {
        case 'lead.contact_added':
          await queues.note(
            lead.id,
            `contact:${lead.contact.phone ?? ''}:${lead.contact.email ?? ''}`,
            texts.crm.contact(lead.contact.phone, lead.contact.email),
          );
          break;
        case 'lead.brief_updated':
          await queues.noteBrief(lead.id, briefDelay);
          break;
        case 'lead.document_attached': {
          const d = event.document;
          const amount = d.total === null ? null : formatKopecks(d.total, options.locale);
          await queues.note(lead.id, `doc:${d.kind}:${d.number}`, texts.crm.document(d, amount));
          break;
        }
        default:
          break;
      }
      await queues.syncDeal(lead.id);
    },
  };
}

export interface AmoCrmIntegration {
  mount(app: Express): void;
  authenticates(req: Request): boolean;
  check(health: IntegrationHealth): CheckResult;
  /** Subscribes the webhook (when `publicUrl` is set) and learns the account id; after jobs start. */
  start(): Promise<void>;
  /** For tests: the sync. */
  sync: AmoCrmSync;
}

export interface AmoCrmIntegrationDeps {
  config: Extract<AmoCrmConfig, { enabled: true }>;
  outbox: OutboxDeps;
  /** amoCRM's queues ({@link amoCrmQueues}), shared with the listener. */
  queues: AmoCrmJobs;
  store: Pick<Store, 'kv' | 'leases' | 'crmDeals'>;
  leads: LeadMoves;
  statuses: Partial<Record<LeadStage, number | string>>;
  briefFields: readonly BriefField[];
  texts: Texts;
  publicUrl: string | undefined;
  logger: Logger;
  fetch?: FetchLike;
  client?: Pick<AmoCrmClientOptions, 'maxAttempts' | 'backoff' | 'timeoutMs'>;
}

/** amoCRM for the sales pipeline: deals for leads, notes, stages both ways. */
export async function createAmoCrmIntegration(deps: AmoCrmIntegrationDeps): Promise<AmoCrmIntegration> {
  const { config, texts, logger } = deps;
  const auth =
    config.auth.kind === 'long-lived'
      ? new LongLivedAuth(config.auth.token)
      : new OAuthAuth({
          baseUrl: config.baseUrl,
          ...config.auth,
          store: kvTokenStore(deps.store.kv),
          ...(deps.fetch ? { fetch: deps.fetch } : {}),
          logger,
        });
  const sync = new AmoCrmSync({
    config,
    auth,
    // amoCRM allows 7 requests a second per integration; 6 leaves the headroom it advises.
    limiter: new SlidingWindowLimiter(6, 1000),
    store: deps.store,
    leads: deps.leads,
    statuses: deps.statuses,
    briefFields: deps.briefFields,
    texts,
    logger,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    ...(deps.client ? { client: deps.client } : {}),
  });
  defineAmoCrmJobs(deps.outbox, sync);
  const jobs = deps.queues;
  const secret = await resolveAmoWebhookSecret(config.webhookSecret, deps.store.kv);
  let accountId: number | undefined;

  return {
    mount(app) {
      mountAmoCrmWebhook(app, {
        secret,
        statusChanged: (dealId) => jobs.statusChanged(dealId),
        accountId: () => accountId,
        logger: logger.child({ route: 'amocrm-webhook' }),
      });
    },
    authenticates: isAmoWebhookRequest(secret),
    check(health) {
      const check = health.check('amocrm', true);
      if (check.status === 'ok' && sync.mapProblems.length > 0)
        return { status: 'degraded', detail: sync.mapProblems.join('; ') };
      return check;
    },
    async start() {
      if (deps.publicUrl) {
        const url = `${deps.publicUrl}${AMOCRM_WEBHOOK_PATH}/${secret}`;
        await jobs.registerWebhook(url, createHash('sha256').update(url).digest('hex').slice(0, 16));
      }
      // Learnt in the background: amoCRM may be down now, and webhooks are verified by re-reading anyway.
      sync.accountId().then(
        (id) => void (accountId = id),
        (err: unknown) => logger.debug({ err }, 'amoCRM account not read yet'),
      );
    },
    sync,
  };
}
