import { createHash } from 'node:crypto';
import type { Express, Request } from 'express';
import type { CheckResult } from '../../http/readiness.js';
import type { FetchLike } from '../../lib/http.js';
import { SlidingWindowLimiter } from '../../lib/rate-limiter.js';
import type { Logger } from '../../logger.js';
import type { LeadStage } from '../../models/records.js';
import type { BriefField, LeadEvent, LeadListener } from '../../sales/leads/index.js';
import type { Store } from '../../store/port.js';
import type { IntegrationHealth } from '../health.js';
import type { OutboxDeps } from '../outbox.js';
import { formatKopecks, type IntegrationLocale, type IntegrationTexts } from '../texts.js';
import { kvTokenStore, LongLivedAuth, OAuthAuth } from './auth.js';
import type { AmoCrmClientOptions } from './client.js';
import type { AmoCrmConfig } from './config.js';
import { type AmoCrmJobs, defineAmoCrmJobs } from './jobs.js';
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

export interface AmoCrmIntegration {
  crm: Crm;
  /** Lead events become deal syncs and notes (queued, never called out from here). */
  listener: LeadListener;
  mount(app: Express): void;
  authenticates(req: Request): boolean;
  check(health: IntegrationHealth): CheckResult;
  /** Subscribes the webhook (when `publicUrl` is set) and learns the account id; after jobs start. */
  start(): Promise<void>;
  /** For tests: the jobs and the sync. */
  jobs: AmoCrmJobs;
  sync: AmoCrmSync;
}

export interface AmoCrmIntegrationDeps {
  config: Extract<AmoCrmConfig, { enabled: true }>;
  outbox: OutboxDeps;
  store: Pick<Store, 'kv' | 'leases'>;
  leads: LeadMoves;
  statuses: Partial<Record<LeadStage, number | string>>;
  briefFields: readonly BriefField[];
  texts: IntegrationTexts;
  locale: IntegrationLocale;
  publicUrl: string | undefined;
  logger: Logger;
  fetch?: FetchLike;
  client?: Pick<AmoCrmClientOptions, 'maxAttempts' | 'backoff' | 'timeoutMs'>;
  /** Wait before noting the brief, so a burst of buyer messages makes one note (default 30 s). */
  briefDelayMs?: number;
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
  const jobs = defineAmoCrmJobs(deps.outbox, sync);
  const secret = await resolveAmoWebhookSecret(config.webhookSecret, deps.store.kv);
  let accountId: number | undefined;
  const briefDelay = deps.briefDelayMs ?? 30_000;

  const onLeadEvent = async (event: LeadEvent): Promise<void> => {
    const lead = event.lead;
    switch (event.type) {
      case 'lead.contact_added':
        await jobs.note(
          lead.id,
          `contact:${lead.contact.phone ?? ''}:${lead.contact.email ?? ''}`,
          texts.crm.contact(lead.contact.phone, lead.contact.email),
        );
        break;
      case 'lead.brief_updated':
        await jobs.noteBrief(lead.id, briefDelay);
        break;
      case 'lead.document_attached': {
        const d = event.document;
        const amount = d.total === null ? null : formatKopecks(d.total, deps.locale);
        await jobs.note(lead.id, `doc:${d.kind}:${d.number}`, texts.crm.document(d, amount));
        break;
      }
      default:
        break;
    }
    // Every event may have changed what the deal shows (made, tagged, moved): one sync per burst.
    await jobs.syncDeal(lead.id);
  };

  return {
    crm: { note: (leadId, what, text) => jobs.note(leadId, what, text) },
    listener: { onLeadEvent },
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
    jobs,
    sync,
  };
}
