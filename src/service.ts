import { setTimeout as sleep } from 'node:timers/promises';
import type { Agenda } from 'agenda';
import type { Express, Request } from 'express';
import { type AvitoInbound, type AvitoIntegration, createAvito, DeliveryPressure } from './avito/index.js';
import type { TelegramBuyerChannel } from './bot/buyer/index.js';
import type { BotHandle, BotKnowledge, StatusSnapshot } from './bot/index.js';
import type { Config } from './config.js';
import { createHttpApp } from './http/app.js';
import { createMetrics, type QueueSnapshot } from './http/metrics.js';
import { Readiness } from './http/readiness.js';
import { type RunningHttpServer, startHttpServer } from './http/server.js';
import { defineCleanupEventsJob, scheduleCleanupEvents } from './jobs/cleanup-events.js';
import { createAgenda, reportJobProblems, startJobs } from './jobs/index.js';
import { defineRetentionJob, retentionRules, scheduleRetention } from './jobs/retention.js';
import { STORAGE_ALERT_KEY, StorageOutage } from './lib/storage-outage.js';
import type { Logger } from './logger.js';
import { createKnowledge, type Knowledge } from './rag/index.js';
import { defineFolderSyncJob, scheduleFolderSync } from './rag/jobs/folder-sync.js';
import { prepareKnowledgeFolder } from './rag/knowledge-folder.js';
import type { Channel, ChannelId } from './responder/channel.js';
import { createResponder, type Responder } from './responder/index.js';
import { logOnlyAlerts, type Notifier, type OwnerControls } from './responder/ports.js';
import { defineDocumentsSweepJob, scheduleDocumentsSweep } from './sales/jobs/documents-sweep.js';
import type { DocumentDesk } from './sales/delivery/desk.js';
import { openSales, type SalesRuntime } from './sales/runtime.js';
import { mountDocumentLinks } from './http/document-links.js';
import { keyringOf } from './security/keys.js';
import {
  type IntegrationOptions,
  loadSalesSettings,
  openSalesIntegrations,
  type SalesIntegrations,
} from './integrations/index.js';
import type { Leads } from './sales/leads/index.js';
import { openStore } from './store/index.js';
import type { Store } from './store/port.js';
import type { WebChannel } from './web/index.js';

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
  /** Leads, quotes and the owner's documents. */
  sales: SalesRuntime;
  /** The owner's documents (null without a sales configuration). */
  desk: DocumentDesk | null;
  /** The website chat widget, when `WIDGET_ORIGINS` is set. */
  web: WebChannel | undefined;
  /** The leads (the same as `sales.leads`). */
  leads: Leads;
  /** What lead events reach outside: amoCRM, the calendar, payments, e-mail. */
  integrations: SalesIntegrations;
  /** The Telegram bot buyers write to, when `TELEGRAM_BUYER_BOT_TOKEN` is set. */
  buyerBot: TelegramBuyerChannel | undefined;
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

/** The rag module as the bot sees it (uploads, /docs, /ask). */
function botKnowledge(knowledge: Knowledge): BotKnowledge {
  return {
    async ingest(input, onProgress) {
      const result = await knowledge.ingest({ ...input, onProgress });
      return result.document;
    },
    removeDocument: (id, actor) => knowledge.removeDocument(id, actor),
    answer: (input) => knowledge.answer(input),
    syncFolder: () => knowledge.syncFolder(),
  };
}

/**
 * The composition root. Everything is built in dependency order, each piece from the ones before it:
 * config → store → the owner's Telegram output (the notifier: it needs only the store, and the job queue reports
 * storage failures to it) → jobs → knowledge → the channels' outbound halves → responder → the owner's bot
 * features → the channels' inbound halves → HTTP. Nothing connects before this runs; jobs start once every job is
 * defined, recurring ones are scheduled after that, and the bot connects last.
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

  // The owner's Telegram output (grammY is loaded only when there is a bot): what the responder, the job queue and
  // every alert reach the owner through; the log without a bot.
  const botModule = config.telegram.enabled && !options.notifier ? await import('./bot/index.js') : undefined;
  const telegram = botModule?.createOwnerTelegram({ config, store, logger });
  const notifier =
    options.notifier ?? telegram?.notifier ?? logOnlyAlerts(logger.child({ module: 'alerts' }));
  // A full disk or a locked file: logged once per outage, the owner told once, writes probed until they work.
  const storageOutage = new StorageOutage({
    logger: logger.child({ module: 'storage' }),
    alertOwner: (cause) => notifier.alert(STORAGE_ALERT_KEY, { kind: 'storage-failing', reason: cause }),
    clearAlert: () => notifier.resolve(STORAGE_ALERT_KEY),
    probe: () => store.kv.set('storage:probe', new Date().toISOString()),
  });

  const agenda = await createAgenda(config.storage, { processEvery: options.processEvery });
  reportJobProblems(agenda, { logger, storageOutage });
  defineCleanupEventsJob(agenda, { store, logger: logger.child({ module: 'jobs' }) });

  const metrics = createMetrics();
  metrics.observeQueues(() => queueSnapshots(store, agenda));

  const knowledge = createKnowledge({
    config,
    store,
    logger,
    metrics: metrics.domain,
    // Quota and refused keys reach the owner.
    alerts: notifier,
  });
  defineFolderSyncJob(agenda, { knowledge, logger });
  await prepareKnowledgeFolder({ dir: config.docsDir, store, logger: logger.child({ module: 'rag' }) });

  // Sales: the settings (SALES_CONFIG, else defaults), the integrations' plan whose listeners hear lead events,
  // then the leads, quotes and documents, then the integrations connected to the leads. Where buyers download
  // documents is known once the service listens (PUBLIC_URL, else its own address).
  const salesSettings = await loadSalesSettings(config.sales.configPath, config.locale);
  const pipeline = await openSalesIntegrations({
    config,
    store,
    agenda,
    alerts: notifier,
    logger,
    sales: salesSettings,
    ...(options.integrations ? { options: options.integrations } : {}),
  });
  const listening: { url?: string } = {};
  const sales = openSales({
    config,
    store,
    logger,
    file: salesSettings.file,
    leadSettings: salesSettings,
    listeners: pipeline.listeners,
    // The brief asks the same providers as the answers, through the same router.
    models: knowledge.router,
    publicUrl: () => {
      const url = config.http.publicUrl ?? listening.url;
      if (!url) throw new Error('a document link was made before the service listened');
      return url;
    },
  });
  const integrations = await pipeline.connect({ leads: sales.leads });

  // The channels' outbound halves. Avito processing and answers step aside while Avito deliveries pour in.
  const pressure = new DeliveryPressure();
  const avito = config.avito.enabled
    ? await createAvito({
        config,
        store,
        agenda,
        alerts: notifier,
        logger,
        pressure,
        metrics: metrics.domain,
        storageOutage,
        knowledge: {
          upsertListing: async (listing) => void (await knowledge.ingestListing(listing)),
          removeListing: async (itemId) => void (await knowledge.removeListingDocument(itemId)),
        },
      })
    : undefined;
  // The website chat widget (src/web/), on when WIDGET_ORIGINS is set; loaded only then (jose, ws).
  const web = config.widget.enabled
    ? await (await import('./web/index.js')).createWebChannel({ config, store, logger })
    : undefined;
  // The Telegram buyer bot (src/bot/buyer/), on when TELEGRAM_BUYER_BOT_TOKEN is set; grammY loaded only then.
  const buyerBot = config.telegramBuyer.enabled
    ? (await import('./bot/buyer/index.js')).createTelegramBuyerChannel({ config, store, logger })
    : undefined;
  // A channel that is not configured is absent: its chats' drafts fail with that reason; the responder still
  // drafts (e.g. for `/ask`).
  const channels = new Map<ChannelId, Channel>([
    ...(avito ? [['avito', avito.channel] as const] : []),
    ...(web ? [['web', web.channel] as const] : []),
    ...(buyerBot ? [['telegram', buyerBot.channel] as const] : []),
  ]);
  // Web and Telegram conversations go CONTEXT_TTL_DAYS after their last message, Avito's per RETENTION_DAYS.
  defineRetentionJob(agenda, {
    store,
    logger: logger.child({ module: 'retention' }),
    rules: retentionRules(config),
    // What the adapters keep beside a conversation (a buyer's contact step, a visitor's brief) goes with it.
    forget: [
      ...(buyerBot ? [(chatId: string) => buyerBot.forget(chatId)] : []),
      ...(web ? [(chatId: string) => web.forget(chatId)] : []),
    ],
  });

  const responder = createResponder({
    config,
    store,
    agenda,
    channels,
    knowledge,
    notifier,
    logger,
    pressure,
    metrics: metrics.domain,
    leads: sales.conversations,
    ...(sales.prices ? { prices: sales.prices } : {}),
    intents: integrations.intents, // consultations booked from the buyer's words
  });
  // The owner's documents reach buyers as links, sent like any owner message: through the chat's channel.
  const desk = sales.openDesk((chatId, text, actor, source) =>
    responder.actions.sendToBuyer(chatId, text, actor, source),
  );
  if (desk)
    defineDocumentsSweepJob(agenda, { sweep: () => desk.sweep(), logger: logger.child({ module: 'sales' }) });
  // The integrations' messages to buyers go out through the responder's delivery (the channels).
  integrations.deliverBuyerMessages(responder.actions);

  const readiness = new Readiness();
  const bot =
    botModule && telegram
      ? botModule.createBot(telegram, {
          config,
          store,
          logger,
          agenda,
          knowledge: botKnowledge(knowledge),
          actions: responder.actions,
          owner: responder.owner,
          status: () => statusSnapshot(store, readiness, responder.owner),
          sales: {
            leads: sales.leads,
            config: sales.config,
            desk,
            // 📅 and 💳 on the lead card (each absent until its integration is configured).
            ...(integrations.consultations
              ? {
                  calendar: {
                    consultations: integrations.consultations,
                    timeZone: salesSettings.calendar.timeZone,
                  },
                }
              : {}),
            ...(integrations.payments ? { payments: integrations.payments } : {}),
          },
        })
      : undefined;

  // The channels' inbound halves: what buyers write reaches the responder from here on.
  const avitoInbound: AvitoInbound | undefined = avito?.receiveInto(responder.inbound);
  web?.start(responder.inbound);

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
  if (buyerBot) readiness.add('telegram-buyer', async () => buyerBot.check());
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
  // sales pipeline: one line each for amoCRM, the calendar, YooKassa and e-mail.
  for (const [name, check] of Object.entries(integrations.checks)) readiness.add(name, check);

  const app = createHttpApp({
    logger,
    readiness,
    metrics,
    adminToken: config.adminToken,
    agenda,
    rateLimitPerMinute: config.http.rateLimitPerMinute,
    authenticated: [
      ...(avitoInbound ? [(req: Request) => avitoInbound.authenticates(req)] : []),
      ...integrations.authenticated, // sales pipeline: the amoCRM webhook carries its own secret
    ],
    https: config.http.publicUrl?.startsWith('https://') ?? false,
    mount: [
      ...(avitoInbound ? [(a: Express) => avitoInbound.mount(a)] : []),
      ...(bot ? [(a: Express) => bot.mountWebhook(a)] : []),
      ...(buyerBot ? [(a: Express) => buyerBot.mountWebhook(a)] : []),
      ...(desk ? [(a: Express) => mountDocumentLinks(a, (token) => desk.download(token))] : []),
      ...(web ? [(a: Express) => web.mount(a)] : []), // widget: /widget.js, /widget/settings, /widget/demo
      ...integrations.mounts, // sales pipeline: amoCRM webhook, YooKassa notifications and return page
    ],
  });
  const http = await startHttpServer(app, config.http.port, config.http.host);
  listening.url = http.url;
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
  await scheduleCleanupEvents(agenda);
  await scheduleFolderSync(agenda);
  await scheduleRetention(agenda);
  if (desk) await scheduleDocumentsSweep(agenda);
  await avito?.start();
  await avitoInbound?.start();
  await responder.start();
  await integrations.start(); // sales pipeline: the amoCRM webhook subscription
  // Telegram usually answers at once: wait briefly so the bot is live when the service is. One that does not
  // answer is left to the bot's background retries (backoff, each logged); webhooks are served meanwhile and
  // cards wait in their jobs until it is back.
  // The buyer bot connects the same way, handing what buyers write to the responder.
  const connecting = [bot?.start(), buyerBot?.start(responder.inbound)].filter((p) => p !== undefined);
  if (connecting.length > 0)
    await Promise.race([Promise.all(connecting), sleep(BOT_CONNECT_WAIT_MS, undefined, { ref: false })]);

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
    sales,
    desk,
    web,
    leads: sales.leads,
    integrations,
    buyerBot,
    stop() {
      stopping ??= (async () => {
        storageOutage.stop();
        await bot?.stop();
        await buyerBot?.stop();
        await web?.stop(); // upgraded sockets would keep the HTTP server from closing
        await http.close();
        await avitoInbound?.stop();
        const drained = await agenda.drain({ timeout: 10_000 });
        if (drained.running > 0) logger.warn({ running: drained.running }, 'jobs still running at shutdown');
        integrations.stop(); // sales pipeline: the SMTP pool
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
async function statusSnapshot(
  store: Store,
  readiness: Readiness,
  owner: OwnerControls,
): Promise<StatusSnapshot> {
  const [report, pending, human, mode] = await Promise.all([
    readiness.report(),
    store.drafts.listByStatus(['pending'], 1000),
    store.chats.listByState('human', 1000),
    owner.mode(),
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
    ...mode,
  };
}
