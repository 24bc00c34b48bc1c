import type { Agenda } from 'agenda';
import type { Config } from './config.js';
import { createHttpApp } from './http/app.js';
import { createMetrics } from './http/metrics.js';
import { Readiness } from './http/readiness.js';
import { type RunningHttpServer, startHttpServer } from './http/server.js';
import { type AvitoIntegration, createAvito } from './avito/index.js';
import { createAgenda, defineCoreJobs, startJobs } from './jobs/index.js';
import type { Logger } from './logger.js';
import { logOnlyAlerts } from './responder/ports.js';
import { scheduleRespond } from './responder/schedule.js';
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
  /** Stops in order: HTTP (no new work), jobs (drain), store. Safe to call twice. */
  stop(): Promise<void>;
}

export interface ServiceOptions {
  /** Job poll interval in ms (tests use a short one). */
  processEvery?: number;
}

/**
 * The composition root: config → store → jobs → HTTP. Nothing connects before this runs,
 * and every module gets its collaborators from here.
 */
export async function startService(
  config: Config,
  logger: Logger,
  options: ServiceOptions = {},
): Promise<Service> {
  const store = await openStore(config.storage);
  logger.info({ store: store.kind }, 'store open');

  const agenda = createAgenda(config.storage, { processEvery: options.processEvery });
  agenda.on('error', (err: unknown) => logger.error({ err }, 'job backend error'));
  agenda.on('fail', (err: unknown, job: { attrs: { name: string } }) =>
    logger.warn({ err, job: job.attrs.name }, 'job failed'),
  );
  defineCoreJobs(agenda, { store, logger: logger.child({ module: 'jobs' }) });
  const alerts = logOnlyAlerts(logger.child({ module: 'alerts' }));

  const avito = config.avito.enabled
    ? await createAvito({
        config,
        store,
        agenda,
        alerts,
        logger,
        hooks: {
          buyerMessage: (chat) => scheduleRespond(agenda, chat.id, config.responder.debounceSeconds),
          async sellerWroteFromApp(chat, message) {
            await store.audit.append({ actor: 'avito-app', action: 'chat.seller-wrote', chatId: chat.id, after: message.text });
          },
        },
      })
    : undefined;

  const readiness = new Readiness();
  readiness.add('store', async () => {
    await store.ping();
    return { status: 'ok', kind: store.kind };
  });
  readiness.add('jobs', async () => ({
    status: 'ok',
    queued: await agenda.getRunningStats().then((s) => s.queuedJobs),
  }));
  const integration = (enabled: boolean, detail: string) => async () =>
    enabled ? { status: 'ok' as const, detail } : { status: 'disabled' as const, detail: 'not configured' };
  readiness.add('avito', avito ? () => avito.check() : integration(false, ''));
  readiness.add('telegram', integration(config.telegram.enabled, 'configured'));
  readiness.add('gemini', async () =>
    config.gemini.enabled
      ? { status: 'ok', detail: 'configured' }
      : { status: 'disabled', detail: 'no GEMINI_API_KEY: local index, review only' },
  );

  const metrics = createMetrics();
  const app = createHttpApp({
    logger,
    readiness,
    metrics,
    adminToken: config.adminToken,
    mount: avito ? [(a) => avito.mount(a)] : [],
  });
  const http = await startHttpServer(app, config.http.port, config.http.host);
  logger.info({ url: http.url }, 'listening');
  await startJobs(agenda);
  await avito?.start();

  let stopping: Promise<void> | undefined;
  return {
    config,
    store,
    agenda,
    http,
    readiness,
    avito,
    stop() {
      stopping ??= (async () => {
        await http.close();
        const drained = await agenda.drain({ timeout: 10_000 });
        if (drained.running > 0) logger.warn({ running: drained.running }, 'jobs still running at shutdown');
        await store.close();
        logger.info('stopped');
      })();
      return stopping;
    },
  };
}
