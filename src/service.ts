import type { Agenda } from 'agenda';
import type { Express } from 'express';
import { type AvitoIntegration, createAvito, DeliveryPressure } from './avito/index.js';
import { AvitoApiError } from './avito/errors.js';
import { type BotHandle, type BotKnowledge, createBot, type StatusSnapshot } from './bot/index.js';
import type { Config } from './config.js';
import { createHttpApp } from './http/app.js';
import { createMetrics, type QueueSnapshot } from './http/metrics.js';
import { Readiness } from './http/readiness.js';
import { type RunningHttpServer, startHttpServer } from './http/server.js';
import { createAgenda, defineCoreJobs, reportJobProblems, startJobs } from './jobs/index.js';
import { defineRetentionJob, retentionRules, scheduleRetention } from './jobs/retention.js';
import { STORAGE_ALERT_KEY, StorageOutage } from './lib/storage-outage.js';
import type { Logger } from './logger.js';
import { createKnowledge, type Knowledge } from './rag/index.js';
import { defineKnowledgeJobs, SYNC_DOCS_JOB } from './rag/folder-sync.js';
import type { InboundPort } from './responder/channel.js';
import { createResponder, type Responder } from './responder/index.js';
import { type DraftActions, logOnlyAlerts, type Notifier } from './responder/ports.js';
import type { ResponderDeps } from './responder/deps.js';
import { keyringOf } from './security/keys.js';
import { openStore } from './store/index.js';
import type { Store } from './store/port.js';

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
  /** Stops in order: HTTP (no new work), jobs (drain), store. Safe to call twice. */
  stop(): Promise<void>;
}

export interface ServiceOptions {
  /** Job poll interval in ms (tests use a short one). */
  processEvery?: number;
  /** Replaces the owner notifier (tests); by default the Telegram bot, or the log without one. */
  notifier?: Notifier;
}

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

  const agenda = createAgenda(config.storage, { processEvery: options.processEvery });
  reportJobProblems(agenda, { logger, storageOutage });
  defineCoreJobs(agenda, { store, logger: logger.child({ module: 'jobs' }) });

  const metrics = createMetrics();
  metrics.observeQueues(() => queueSnapshots(store, agenda));

  const knowledge = createKnowledge({ config, store, logger, metrics: metrics.domain });
  defineKnowledgeJobs(agenda, { knowledge, logger });

  // ── Telegram buyer bot (issue 17) ─────────────────────────────────────────────────────────────────────────
  // A channel adapter in two halves: its outbound Channel now (for the responder's channel registry:
  // `['telegram', buyerBot.channel]`), its inbound side started below with the responder's InboundPort.
  const buyerBot = config.telegramBuyer.enabled
    ? (await import('./bot/buyer/index.js')).createTelegramBuyerChannel({ config, store, logger })
    : undefined;
  // ── Conversation retention (issue 17) ───────────────────────────────────────────────────────────────────
  defineRetentionJob(agenda, {
    store,
    logger: logger.child({ module: 'retention' }),
    rules: retentionRules(config),
    forget: buyerBot ? [(chatId) => buyerBot.forget(chatId)] : [],
  });
  // ── end ──────────────────────────────────────────────────────────────────────────────────────────────────

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
          buyerMessage: (chat, message) => responder.hooks.buyerMessage(chat, message),
          sellerWroteFromApp: (chat, message) => responder.hooks.sellerWroteFromApp(chat, message),
        },
      })
    : undefined;
  const readiness = new Readiness();
  const bot =
    config.telegram.enabled && !options.notifier
      ? createBot({
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
  });

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
    config.telegram.enabled
      ? { status: 'ok', detail: 'configured' }
      : { status: 'disabled', detail: 'not configured' },
  );
  readiness.add('gemini', async () => {
    const gemini = knowledge.status();
    if (gemini.state === 'disabled')
      return { status: 'disabled', detail: 'no GEMINI_API_KEY: local index, review only' };
    if (gemini.state === 'degraded')
      return { status: 'degraded', store: gemini.store, detail: gemini.lastError.message };
    return { status: 'ok', store: gemini.store };
  });

  const app = createHttpApp({
    logger,
    readiness,
    metrics,
    adminToken: config.adminToken,
    agenda,
    rateLimitPerMinute: config.http.rateLimitPerMinute,
    authenticated: avito ? [(req) => avito.authenticates(req)] : [],
    https: config.http.publicUrl?.startsWith('https://') ?? false,
    mount: [
      ...(avito ? [(a: Express) => avito.mount(a)] : []),
      ...(bot ? [(a: Express) => bot.mountWebhook(a)] : []),
      ...(buyerBot ? [(a: Express) => buyerBot.mountWebhook(a)] : []),
    ],
  });
  const http = await startHttpServer(app, config.http.port, config.http.host);
  logger.info({ url: http.url }, 'listening');
  await startJobs(agenda);
  await avito?.start();
  await responder.start();
  await bot?.start();
  await agenda.every(10 * 60_000, SYNC_DOCS_JOB);
  // ── Telegram buyer bot and retention (issue 17) ─────────────────────────────────────────────────────────
  await scheduleRetention(agenda);
  // The buyer bot hands buyers' messages to the channel-agnostic responder's InboundPort (`responder.inbound`);
  // a responder without one (before that redesign) cannot take them, so the bot is not connected.
  const buyerInbound = (responder as Responder & { inbound?: InboundPort }).inbound;
  if (buyerBot && buyerInbound)
    await buyerBot.start(buyerInbound).catch((err: unknown) => {
      // Avito buyers and the owner are served without it; a restart connects it again.
      logger.error({ err }, 'buyer bot could not connect to Telegram');
    });
  else if (buyerBot)
    logger.warn(
      'TELEGRAM_BUYER_BOT_TOKEN is set, but this responder has no channel port yet: buyer bot not started',
    );
  // ── end ──────────────────────────────────────────────────────────────────────────────────────────────────

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
    stop() {
      stopping ??= (async () => {
        storageOutage.stop();
        await bot?.stop();
        await buyerBot?.stop();
        await http.close();
        await avito?.stop();
        const drained = await agenda.drain({ timeout: 10_000 });
        if (drained.running > 0) logger.warn({ running: drained.running }, 'jobs still running at shutdown');
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
