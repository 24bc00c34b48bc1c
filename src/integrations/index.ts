/**
 * The sales pipeline's outside services — amoCRM, Google Calendar, YooKassa, e-mail — each off until configured,
 * each calling out only from durable outbox jobs (./outbox.ts), each shown in `/ready` and `/status`. Built in
 * two steps, in the composition root's dependency order:
 *
 * ```ts
 * const plan = await openSalesIntegrations({ config, store, agenda, alerts, logger, sales });
 * const leads = createLeads({ ..., listeners: plan.listeners });   // lead events → queued jobs
 * const integrations = await plan.connect({ leads });              // jobs defined, use cases built
 * const responder = createResponder({ ..., intents: integrations.intents });
 * integrations.deliverBuyerMessages(responder.actions);            // messages to buyers go out through it
 * ```
 */
import { existsSync } from 'node:fs';
import type { Agenda } from 'agenda';
import type { Express, Request } from 'express';
import type { Config } from '../config.js';
import type { CheckResult } from '../lib/checks.js';
import type { FetchLike } from '../lib/http.js';
import type { Logger } from '../logger.js';
import type { BuyerIntents } from '../responder/intents.js';
import type { DraftActions, OwnerAlerts } from '../responder/ports.js';
import { loadSalesConfig, type SalesConfig } from '../sales/config.js';
import type { IssuedDocument } from '../sales/documents/issue.js';
import {
  defaultBriefFields,
  type LeadActionResult,
  type LeadEvent,
  type LeadListener,
  type Leads,
} from '../sales/leads/index.js';
import type { Store } from '../store/port.js';
import {
  amoCrm,
  amoCrmListener,
  amoCrmQueues,
  createAmoCrmIntegration,
  NO_CRM,
} from './amocrm/integration.js';
import type { AmoCrmClientOptions } from './amocrm/client.js';
import { buyerMessageQueue, defineBuyerMessageJob } from './buyer-messages.js';
import { type CalendarSettings, calendarSettingsSchema } from './calendar/config.js';
import type { Consultations } from './calendar/consultations.js';
import { type DocumentFiles, storedDocumentFiles } from './documents.js';
import type { Mailer } from './email/mailer.js';
import { defineEmailJob, type EmailOutbox, emailQueue, NO_EMAIL } from './email/outbox.js';
import { IntegrationHealth } from './health.js';
import { type OutboxDeps, type OutboxRetry } from './outbox.js';
import { createYooKassaClient } from './payments/index.js';
import { createPayments, type Payments, paymentQueues, paymentsListener } from './payments/checkout.js';
import { mountYooKassaRoutes, YOOKASSA_RETURN_PATH } from './payments/route.js';
import { textsFor } from '../texts/index.js';

export { IntegrationHealth } from './health.js';
export type { Consultations } from './calendar/consultations.js';
export type { Payments } from './payments/checkout.js';

/** What the pipeline reads from the sales configuration (defaults without a `SALES_CONFIG` file). */
export type SalesSettings = Pick<SalesConfig, 'timeZone' | 'brief' | 'calendar' | 'amocrm'> & {
  seller: Pick<SalesConfig['seller'], 'name'>;
};

/**
 * The sales configuration for the pipeline and the leads: the file at `SALES_CONFIG` when it exists (a broken
 * one stops start-up with every problem listed), else defaults (Moscow time, the default brief, Mon–Fri
 * 10–19 consultations, no status map).
 */
export async function loadSalesSettings(
  path: string,
  /** BOT_LOCALE: the default brief's labels when there is no file. */
  locale: Config['locale'] = 'ru',
): Promise<SalesSettings & { file: SalesConfig | null }> {
  if (existsSync(path)) {
    const file = await loadSalesConfig(path);
    return { ...file, file };
  }
  return {
    timeZone: 'Europe/Moscow',
    brief: { fields: defaultBriefFields(locale) },
    calendar: calendarSettingsSchema.parse({}),
    amocrm: { statuses: {} },
    seller: {},
    file: null,
  };
}

/** Knobs for tests and the fault suite; production uses the defaults. */
export interface IntegrationOptions {
  retry?: OutboxRetry;
  briefDelayMs?: number;
  fetch?: FetchLike;
  amoClient?: Pick<AmoCrmClientOptions, 'maxAttempts' | 'backoff' | 'timeoutMs'>;
  now?: () => Date;
}

export interface SalesIntegrationsDeps {
  config: Config;
  store: Store;
  agenda: Agenda;
  alerts: OwnerAlerts;
  logger: Logger;
  sales: SalesSettings;
  options?: IntegrationOptions;
}

/** Step one: clients, queues and the listeners lead events go to. */
export interface SalesIntegrationsPlan {
  listeners: LeadListener[];
  health: IntegrationHealth;
  connect(deps: { leads: Leads }): Promise<SalesIntegrations>;
}

/** Step two: the pipeline's use cases, routes, checks and jobs. */
export interface SalesIntegrations {
  /** The responder's hook: consultations booked from the buyer's own words (undefined without a calendar). */
  intents: BuyerIntents | undefined;
  /** 📅 book / reschedule / cancel for the lead card (undefined without a calendar). */
  consultations: Consultations | undefined;
  /** 💳 payment link / refund for the lead card (undefined without YooKassa). */
  payments: Payments | undefined;
  /** A document issued for a lead: its PDF kept (for the e-mails that carry it) and attached to the lead. */
  documentIssued(leadId: string, document: IssuedDocument, actor: string): Promise<LeadActionResult>;
  mounts: Array<(app: Express) => void>;
  /** Requests that carry an integration's own secret (exempt from the per-IP budget). */
  authenticated: Array<(req: Request) => boolean>;
  /** `/ready` checks by name: amocrm, calendar, yookassa, email. */
  checks: Record<'amocrm' | 'calendar' | 'yookassa' | 'email', () => Promise<CheckResult>>;
  /** Defines the job that hands messages to buyers to the responder's delivery path. */
  deliverBuyerMessages(actions: Pick<DraftActions, 'replyToBuyer'>): void;
  /** After the job processor started: webhook subscription and such. */
  start(): Promise<void>;
  stop(): void;
}

/** Offers with their PDF go to the buyer's e-mail when one is known (the e-mail job checks at send time). */
function offerEmailListener(email: EmailOutbox): LeadListener {
  return {
    async onLeadEvent(event: LeadEvent) {
      if (event.type !== 'lead.document_attached' || event.document.kind !== 'offer') return;
      const d = event.document;
      await email.send(event.lead.id, `offer:${d.number}`, {
        kind: 'offer',
        number: d.number,
        totalKopecks: d.total ?? 0,
      });
    },
  };
}

/** Step one of building the pipeline (see the module comment). */
export async function openSalesIntegrations(deps: SalesIntegrationsDeps): Promise<SalesIntegrationsPlan> {
  const { config, store, agenda, logger, sales } = deps;
  const options = deps.options ?? {};
  const { amocrm, yookassa, calendar, email } = config.integrations;
  const texts = textsFor(config.locale);
  const health = new IntegrationHealth();
  const outbox: OutboxDeps = {
    agenda,
    alerts: deps.alerts,
    health,
    logger: logger.child({ module: 'integrations' }),
    ...(options.retry ? { retry: options.retry } : {}),
  };
  const files: DocumentFiles = storedDocumentFiles(store.salesDocuments);
  const amoQueues = amocrm.enabled ? amoCrmQueues(agenda) : undefined;
  const crm = amoQueues ? amoCrm(amoQueues) : NO_CRM;
  const mail = email.enabled ? emailQueue(agenda, email.ownerEmail) : NO_EMAIL;
  const payQueues = yookassa.enabled ? paymentQueues(agenda) : undefined;
  const listeners: LeadListener[] = [
    ...(amoQueues
      ? [amoCrmListener(amoQueues, { texts, locale: config.locale, briefDelayMs: options.briefDelayMs })]
      : []),
    ...(payQueues ? [paymentsListener(payQueues)] : []),
    ...(email.enabled ? [offerEmailListener(mail)] : []),
  ];
  // The SDKs load only when configured. A bad key file stops start-up with its reason (never the key).
  const calendarClient = calendar.enabled
    ? await (await import('./calendar/client.js')).openCalendarClient(calendar, sales.calendar.timeZone)
    : undefined;
  const consultationsModule = calendarClient ? await import('./calendar/consultations.js') : undefined;
  const mailerModule = email.enabled ? await import('./email/mailer.js') : undefined;

  async function connect({ leads }: { leads: Leads }): Promise<SalesIntegrations> {
    const log = logger.child({ module: 'integrations' });
    const mailer: Mailer | undefined =
      email.enabled && mailerModule
        ? mailerModule.createMailer({ smtpUrl: email.smtpUrl, from: email.from })
        : undefined;
    if (email.enabled && mailer) {
      defineEmailJob({
        outbox,
        mailer,
        from: email.from,
        ownerEmail: email.ownerEmail,
        leads,
        files,
        locale: config.locale,
        sellerName: sales.seller.name ?? email.from.name ?? email.from.address,
        timeZone: sales.timeZone,
        logger: log.child({ integration: 'email' }),
      });
    }

    const amo =
      amocrm.enabled && amoQueues
        ? await createAmoCrmIntegration({
            config: amocrm,
            outbox,
            queues: amoQueues,
            store,
            leads,
            statuses: sales.amocrm.statuses,
            briefFields: sales.brief.fields,
            texts,
            publicUrl: config.http.publicUrl,
            logger: log.child({ integration: 'amocrm' }),
            ...(options.fetch ? { fetch: options.fetch } : {}),
            ...(options.amoClient ? { client: options.amoClient } : {}),
          })
        : undefined;

    const consultations =
      calendarClient && consultationsModule
        ? consultationsModule.createConsultations({
            client: calendarClient,
            settings: sales.calendar as CalendarSettings,
            store,
            leads,
            crm,
            email: mail,
            alerts: deps.alerts,
            messenger: buyerMessageQueue(agenda, 'calendar'),
            outbox,
            texts,
            locale: config.locale,
            ...(options.now ? { now: options.now } : {}),
            logger: log.child({ integration: 'calendar' }),
          })
        : undefined;

    const payments =
      yookassa.enabled && payQueues
        ? createPayments({
            client: createYooKassaClient(yookassa, {
              logger: log.child({ integration: 'yookassa' }),
              ...(options.fetch ? { fetch: options.fetch } : {}),
            }),
            receipts: { enabled: yookassa.receipts, vatCode: yookassa.vatCode },
            returnUrl: config.http.publicUrl ? `${config.http.publicUrl}${YOOKASSA_RETURN_PATH}` : undefined,
            store,
            leads,
            crm,
            email: mail,
            files,
            alerts: deps.alerts,
            messenger: buyerMessageQueue(agenda, 'yookassa'),
            outbox,
            queues: payQueues,
            texts,
            locale: config.locale,
            logger: log.child({ integration: 'yookassa' }),
            ...(options.now ? { now: options.now } : {}),
          })
        : undefined;

    const disabled = { disabled: 'not configured' };
    return {
      intents: consultations ? { replyTo: (input) => consultations.replyTo(input) } : undefined,
      consultations,
      payments,
      async documentIssued(leadId, document, actor) {
        await files.save(document.kind, document.number, document.pdf);
        return leads.attachDocument(
          leadId,
          { kind: document.kind, number: document.number, total: document.quote.total, issuedAt: new Date() },
          actor,
        );
      },
      mounts: [
        ...(amo ? [(app: Express) => amo.mount(app)] : []),
        ...(payments && yookassa.enabled
          ? [
              (app: Express) =>
                mountYooKassaRoutes(app, {
                  allowlist: yookassa.allowlist,
                  trustedProxies: yookassa.trustedProxies,
                  notified: (kind, id) => payments.notified(kind, id),
                  returnText: texts.buyer.returned,
                  logger: log.child({ route: 'yookassa-notifications' }),
                }),
            ]
          : []),
      ],
      authenticated: amo ? [(req) => amo.authenticates(req)] : [],
      checks: {
        amocrm: async () => (amo ? amo.check(health) : health.check('amocrm', disabled)),
        calendar: async () => health.check('calendar', consultations ? true : disabled),
        yookassa: async () => health.check('yookassa', payments ? true : disabled),
        email: async () => health.check('email', mailer ? true : disabled),
      },
      deliverBuyerMessages(actions) {
        defineBuyerMessageJob(outbox, { actions, store });
      },
      async start() {
        await amo?.start();
      },
      stop() {
        mailer?.close();
      },
    };
  }

  return { listeners, health, connect };
}
