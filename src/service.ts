import { setTimeout as sleep } from 'node:timers/promises';
import type { Agenda } from 'agenda';
import type { Express, Request } from 'express';
import { type AvitoIntegration, createAvito, DeliveryPressure } from './avito/index.js';
import { AvitoApiError } from './avito/errors.js';
import type { BotHandle, BotKnowledge, StatusSnapshot } from './bot/index.js';
import type { Config } from './config.js';
import { createHttpApp } from './http/app.js';
import { createMetrics, type QueueSnapshot } from './http/metrics.js';
import { Readiness } from './http/readiness.js';
import { type RunningHttpServer, startHttpServer } from './http/server.js';
import { createAgenda, defineCoreJobs, reportJobProblems, startJobs } from './jobs/index.js';
import { STORAGE_ALERT_KEY, StorageOutage } from './lib/storage-outage.js';
import type { Logger } from './logger.js';
import { createKnowledge, type Knowledge } from './rag/index.js';
import { defineKnowledgeJobs, SYNC_DOCS_JOB } from './rag/folder-sync.js';
import { prepareKnowledgeFolder } from './rag/knowledge-folder.js';
import { createResponder, type Responder } from './responder/index.js';
import { type DraftActions, logOnlyAlerts, type Notifier } from './responder/ports.js';
import type { ResponderDeps } from './responder/deps.js';
import { keyringOf } from './security/keys.js';
// ▼ sales pipeline
import { type IntegrationOptions, loadSalesSettings, openSalesIntegrations } from './integrations/index.js';
import type { SalesIntegrations } from './integrations/index.js';
import { channelOf } from './responder/channel.js';
import { createLeads, createRuleBriefExtractor, type Leads } from './sales/leads/index.js';
import type { Chat, Message } from './models/records.js';
// ▲ sales pipeline
import { openStore } from './store/index.js';
import type { Store } from './store/port.js';
import { createWebChannel, type WebChannel } from './web/index.js';

/** A running service: what tests and `main.ts` hold on to. */
export interface Service {
  config: Config;
  store: Store;
  agenda: Agenda;
  http: RunningHttpServer;
  readiness: Readiness;
  avito: AvitoIntegration | undefined;
  knowledge: Knowledge;
  responder: Responder;
  bot: BotHandle | undefined;
  /** The website chat widget, when `WIDGET_ORIGINS` is set. */
  web: WebChannel | undefined;
  /** The sales pipeline: leads and their integrations (amoCRM, calendar, payments, e-mail). */
  leads: Leads;
  integrations: SalesIntegrations;
  /** Stops in order: HTTP (no new work), jobs (drain), store. Safe to call twice. */
  stop(): Promise<void>;
}

export interface ServiceOptions {
  /** Job poll interval in ms (tests use a short one). */
  processEvery?: number;
  /** Replaces the owner notifier (tests); by default the Telegram bot, or the log without one. */
  notifier?: Notifier;
  /** Retry timing and such of the integrations' outbox (tests, the fault suite). */
  integrations?: IntegrationOptions;
}

/** How long start-up waits for the bot's first connection before leaving it to the background. */
const BOT_CONNECT_WAIT_MS = 3000;

/** Without Avito credentials nothing can be sent; the responder still drafts (e.g. for `/ask`). */
const avitoNotConfigured: ResponderDeps['avito'] = {
  sendText: async () => {
    throw new AvitoApiError('auth', 'Avito is not configured (AVITO_CLIENT_ID / AVITO_CLIENT_SECRET)');
  },
  markRead: async () => {},
  listMessages: async () => [],
};

/** Stands in for an object built later in the composition root (the bot and responder need each other). */
function late<T extends object>(get: () => T | undefined, what: string): T {
  return new Proxy({} as T, {
    get(_target, prop) {
      const target = get();
      if (!target) throw new Error(`${what} used before it was created`);
      const value: unknown = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** The rag module as the bot sees it (uploads, /docs, /ask). */
function botKnowledge(knowledge: Knowledge): BotKnowledge {
  return {
    async ingest(input, onProgress) {
      const result = await knowledge.ingest({ ...input, onProgress });
      return result.document;
    },
    removeDocument: (id) => knowledge.removeDocument(id),
    answer: (input) => knowledge.answer(input),
    syncFolder: () => knowledge.syncFolder(),
  };
}

/**
 * The composition root: config → store → jobs → knowledge → Avito → responder → HTTP. Nothing connects
 * before this runs, and every module gets its collaborators from here.
 */
export async function startService(
  config: Config,
  logger: Logger,
  options: ServiceOptions = {},
): Promise<Service> {
  // Buyer PII is sealed at rest inside openStore (src/security/encrypted-store.ts) when a key is set.
  const store = await openStore(config.storage);
  const keys = keyringOf(config.storage.encryption ?? { key: undefined, previousKey: undefined });
  logger.info(
    {
      store: store.kind,
      encryption: keys.current ? `key ${keys.current.id}` : 'off',
      ...(keys.previous ? { previousKey: keys.previous.id } : {}),
    },
    'store open',
  );

  // Until the bot exists (or without one), owner alerts go to the log.
  const notifier = options.notifier ?? logOnlyAlerts(logger.child({ module: 'alerts' }));
  // A full disk or a locked file: logged once per outage, the owner told once, writes probed until they work.
  const ownerAlerts = late<Notifier>(() => bot?.notifier ?? notifier, 'the notifier');
  const storageOutage = new StorageOutage({
    logger: logger.child({ module: 'storage' }),
    alertOwner: (cause) => ownerAlerts.alert(STORAGE_ALERT_KEY, { kind: 'storage-failing', reason: cause }),
    clearAlert: () => ownerAlerts.resolve(STORAGE_ALERT_KEY),
    probe: () => store.kv.set('storage:probe', new Date().toISOString()),
  });

  const agenda = await createAgenda(config.storage, { processEvery: options.processEvery });
  reportJobProblems(agenda, { logger, storageOutage });
  defineCoreJobs(agenda, { store, logger: logger.child({ module: 'jobs' }) });

  const metrics = createMetrics();
  metrics.observeQueues(() => queueSnapshots(store, agenda));

  const knowledge = createKnowledge({
    config,
    store,
    logger,
    metrics: metrics.domain,
    // Quota and refused keys reach the owner through the bot, once it exists.
    alerts: ownerAlerts,
  });
  defineKnowledgeJobs(agenda, { knowledge, logger });
  await prepareKnowledgeFolder({ dir: config.docsDir, store, logger: logger.child({ module: 'rag' }) });

  // ▼ sales pipeline: leads, and the integrations their events go to (src/integrations/index.ts)
  const sales = await loadSalesSettings(config.sales.configPath);
  const pipeline = await openSalesIntegrations({
    config,
    store,
    agenda,
    alerts: ownerAlerts,
    logger,
    sales,
    ...(options.integrations ? { options: options.integrations } : {}),
  });
  const leads = createLeads({
    store,
    now: () => new Date(),
    extractor: createRuleBriefExtractor(),
    sales,
    listeners: pipeline.listeners,
    logger: logger.child({ module: 'leads' }),
  });
  const integrations = await pipeline.connect({ leads });
  /** Every buyer text becomes (or continues) a lead before it is answered. */
  const recordLead = async (chat: Chat, message: Message): Promise<void> => {
    if (message.type !== 'text' || !message.text) return;
    try {
      await leads.onBuyerMessage({
        channel: channelOf(chat.id),
        conversationId: chat.id,
        listing: chat.itemId ? { itemId: chat.itemId, title: chat.listing?.title ?? null } : null,
        buyer: { name: chat.buyerName },
        message: { id: message.id, text: message.text, at: message.createdAt },
      });
    } catch (err) {
      logger.error({ err, chatId: chat.id }, 'the buyer message was not recorded on a lead');
    }
  };
  // ▲ sales pipeline

  // Avito processing and answers step aside while Avito deliveries pour in.
  const pressure = new DeliveryPressure();
  // The responder, the Avito inbound job and the bot need each other: each reaches the others lazily, once built.
  const avito = config.avito.enabled
    ? await createAvito({
        config,
        store,
        agenda,
        alerts: ownerAlerts,
        logger,
        pressure,
        metrics: metrics.domain,
        storageOutage,
        knowledge: {
          upsertListing: async (listing) => void (await knowledge.ingestListing(listing)),
          removeListing: async (itemId) => void (await knowledge.removeListingDocument(itemId)),
        },
        hooks: {
          buyerMessage: async (chat, message) => {
            await recordLead(chat, message);
            await responder.hooks.buyerMessage(chat, message);
          },
          sellerWroteFromApp: (chat, message) => responder.hooks.sellerWroteFromApp(chat, message),
        },
      })
    : undefined;
  const readiness = new Readiness();
  // grammY and the bot's features are loaded only when there is a bot to run.
  const bot =
    config.telegram.enabled && !options.notifier
      ? (await import('./bot/index.js')).createBot({
          config,
          store,
          logger,
          agenda,
          knowledge: botKnowledge(knowledge),
          actions: late<DraftActions>(() => responder.actions, 'the responder'),
          status: () => statusSnapshot(config, store, readiness),
        })
      : undefined;
  const responder: Responder = createResponder({
    config,
    store,
    agenda,
    avito: avito?.client ?? avitoNotConfigured,
    knowledge,
    notifier: bot?.notifier ?? notifier,
    logger,
    pressure,
    metrics: metrics.domain,
    intents: integrations.intents,
  });
  // The integrations' messages to buyers go out through the responder's delivery path.
  integrations.deliverBuyerMessages(responder.actions);

  // ── Website chat widget (src/web/), on when WIDGET_ORIGINS is set ─────────────────────────────────────
  // Built before the responder: the channel-agnostic responder takes `web.channel` in its channel registry,
  // then `web.start(responder.inbound)` connects it. Until that responder lands, visitors can open the
  // widget and their messages are refused as unavailable (nothing is lost: the widget offers a retry).
  const web = config.widget.enabled ? await createWebChannel({ config, store, logger }) : undefined;
  // ─────────────────────────────────────────────────────────────────────────────────────────────────────

  readiness.add('store', async () => {
    await store.ping();
    // Degraded, not failed: reads work, webhooks are refused with 503 and come again, nothing is lost.
    if (storageOutage.active)
      return { status: 'degraded', kind: store.kind, detail: 'writes are failing (disk full?)' };
    return { status: 'ok', kind: store.kind };
  });
  readiness.add('jobs', async () => ({
    status: 'ok',
    queued: await agenda.getRunningStats().then((s) => s.queuedJobs),
  }));
  readiness.add(
    'avito',
    avito ? () => avito.check() : async () => ({ status: 'disabled', detail: 'not configured' }),
  );
  readiness.add('telegram', async () =>
    bot
      ? bot.check()
      : { status: 'disabled', detail: config.telegram.enabled ? 'bot not started here' : 'not configured' },
  );
  // Without any model the Gemini line says so (local index, review only); with other providers it is left out.
  if (knowledge.geminiEnabled || knowledge.providers.length === 0) {
    readiness.add('gemini', async () => {
      const gemini = knowledge.status();
      if (gemini.state === 'disabled')
        return { status: 'disabled', detail: 'no GEMINI_API_KEY: local index, review only' };
      if (gemini.state === 'degraded')
        return { status: 'degraded', store: gemini.store, detail: gemini.lastError.message };
      return { status: 'ok', store: gemini.store };
    });
  }
  // The other providers of LLM_PROVIDERS get one check each.
  for (const provider of knowledge.providers.filter((p) => p !== 'gemini')) {
    readiness.add(provider, async () => {
      const s = knowledge.models().find((m) => m.provider === provider);
      if (!s || s.state === 'ok') return { status: 'ok' };
      const detail = s.lastError?.message ?? 'failing';
      return s.state === 'paused'
        ? { status: 'degraded', detail: `paused until ${s.reopensAt?.toISOString() ?? '?'}: ${detail}` }
        : { status: 'degraded', detail };
    });
  }
  for (const [name, check] of Object.entries(integrations.checks)) readiness.add(name, check);

  const app = createHttpApp({
    logger,
    readiness,
    metrics,
    adminToken: config.adminToken,
    agenda,
    rateLimitPerMinute: config.http.rateLimitPerMinute,
    authenticated: [
      ...(avito ? [(req: Request) => avito.authenticates(req)] : []),
      ...integrations.authenticated,
    ],
    https: config.http.publicUrl?.startsWith('https://') ?? false,
    mount: [
      ...(avito ? [(a: Express) => avito.mount(a)] : []),
      ...(bot ? [(a: Express) => bot.mountWebhook(a)] : []),
      ...(web ? [(a: Express) => web.mount(a)] : []), // widget: /widget.js, /widget/settings, /widget/demo
      ...integrations.mounts,
    ],
  });
  const http = await startHttpServer(app, config.http.port, config.http.host);
  logger.info({ url: http.url }, 'listening');
  if (web) {
    web.attach(http.server); // widget: WebSocket upgrades of /widget/ws
    const base = config.http.publicUrl ?? http.url;
    logger.info(
      { script: `${base}/widget.js`, demo: `${base}/widget/demo`, ...web.scriptSize },
      'website widget on',
    );
  }
  await startJobs(agenda);
  await avito?.start();
  await responder.start();
  await integrations.start();
  await agenda.every(10 * 60_000, SYNC_DOCS_JOB);
  // Telegram usually answers at once: wait briefly so the bot is live when the service is. One that does not
  // answer is left to the bot's background retries (backoff, each logged); webhooks are served meanwhile and
  // cards wait in their jobs until it is back.
  if (bot) await Promise.race([bot.start(), sleep(BOT_CONNECT_WAIT_MS, undefined, { ref: false })]);

  let stopping: Promise<void> | undefined;
  return {
    config,
    store,
    agenda,
    http,
    readiness,
    avito,
    knowledge,
    responder,
    bot,
    web,
    leads,
    integrations,
    stop() {
      stopping ??= (async () => {
        storageOutage.stop();
        await bot?.stop();
        await web?.stop(); // upgraded sockets would keep the HTTP server from closing
        await http.close();
        await avito?.stop();
        const drained = await agenda.drain({ timeout: 10_000 });
        if (drained.running > 0) logger.warn({ running: drained.running }, 'jobs still running at shutdown');
        integrations.stop();
        await store.close();
        logger.info('stopped');
      })();
      return stopping;
    },
  };
}

/** How much is waiting, for the `/metrics` queue gauges (read at scrape time, at most 1000 per queue). */
async function queueSnapshots(store: Store, agenda: Agenda): Promise<QueueSnapshot[]> {
  const now = Date.now();
  const ageOf = (dates: Date[]) =>
    dates.length === 0 ? 0 : Math.max(0, (now - Math.min(...dates.map((d) => d.getTime()))) / 1000);
  const [drafts, events, jobs] = await Promise.all([
    store.drafts.listByStatus(['pending'], 1000),
    store.events.listByStatus('pending', 1000),
    agenda.queryJobs({ state: 'queued' }),
  ]);
  return [
    { queue: 'drafts', depth: drafts.length, oldestAgeSeconds: ageOf(drafts.map((d) => d.createdAt)) },
    { queue: 'events', depth: events.length, oldestAgeSeconds: ageOf(events.map((e) => e.receivedAt)) },
    {
      queue: 'jobs',
      depth: jobs.total,
      oldestAgeSeconds: ageOf(jobs.jobs.flatMap((j) => (j.nextRunAt ? [new Date(j.nextRunAt)] : []))),
    },
  ];
}

/** What `/status` and `/start` show: the readiness checks plus queue sizes and the mode. */
async function statusSnapshot(config: Config, store: Store, readiness: Readiness): Promise<StatusSnapshot> {
  const [report, pending, human, settings] = await Promise.all([
    readiness.report(),
    store.drafts.listByStatus(['pending'], 1000),
    store.chats.listByState('human', 1000),
    store.settings.get(),
  ]);
  const checks = Object.fromEntries(
    Object.entries(report.checks).map(([name, check]) => [
      name,
      { status: check.status, ...(typeof check.detail === 'string' ? { detail: check.detail } : {}) },
    ]),
  );
  return {
    checks,
    queue: { pendingDrafts: pending.length, humanChats: human.length },
    mode: settings.mode ?? config.responder.mode,
    paused: settings.paused ?? false,
  };
}
