/**
 * The seller's control surface in Telegram (grammY), built in two halves so the composition root wires it in
 * dependency order: {@link createOwnerTelegram} makes the bot's output (grammY's API and the notifier the
 * responder tells the owner through), then {@link createBot} adds the owner's features, which call the
 * responder's use cases, and the bot's jobs; `start()` chooses webhook mode (`PUBLIC_URL` set) or long polling.
 *
 * Layout: one Composer per feature in `features/`, registered below in order; cards and keyboards in
 * `cards/` and `keyboards/`; every owner-facing text in `texts/` (one module per locale).
 */
import { autoRetry } from '@grammyjs/auto-retry';
import { conversations, createConversation } from '@grammyjs/conversations';
import { run, type RunnerHandle, sequentialize } from '@grammyjs/runner';
import type { Express } from 'express';
import { Bot, type BotError, type Context } from 'grammy';
import type { Config } from '../config.js';
import type { CheckResult } from '../lib/checks.js';
import type { Logger } from '../logger.js';
import type { Notifier } from '../responder/ports.js';
import type { Store } from '../store/port.js';
import { botLifecycle, TelegramConnection } from './connection.js';
import type { BotContext } from './context.js';
import type { BotDeps } from './deps.js';
import type { FeatureEnv } from './env.js';
import { askFeature } from './features/ask.js';
import { cardsFeature } from './features/cards.js';
import { chatsFeature } from './features/chats.js';
import { commandsFeature } from './features/commands.js';
import { docsFeature } from './features/docs.js';
import {
  conversationPlugins,
  conversationStorage,
  EDIT_CONVERSATION,
  EDIT_TIMEOUT_MS,
  editConversation,
} from './features/edit.js';
import { dedupeUpdates, ownerGuard } from './features/guard.js';
import {
  briefConversation,
  LEAD_BRIEF_CONVERSATION,
  LEAD_LOST_CONVERSATION,
  LEAD_REFUND_CONVERSATION,
  lostConversation,
  QUOTE_CONVERSATION,
} from './features/lead-conversations.js';
import { consultationCard } from './features/lead-consultation.js';
import { paymentCard, refundConversation } from './features/lead-payment.js';
import { leadsFeature } from './features/leads.js';
import { quoteConversation, quoteFeature } from './features/quote.js';
import { SALES_FLOW_TIMEOUT_MS } from './features/sales-flow.js';
import { LeadCardRegistry } from './cards/lead.js';
import { modeFeature } from './features/mode.js';
import { replyFeature } from './features/reply.js';
import { unhandledFeature } from './features/unhandled.js';
import { uploadFeature } from './features/upload.js';
import { defineBotJobs } from './jobs/index.js';
import { createNotifier } from './notifier.js';
import { RETRY_OPTIONS } from './retry.js';
import { textsFor, type Texts } from '../texts/index.js';
import { mountWebhookRoute, WEBHOOK_PATH, webhookSecret } from './webhook.js';

export type { BotContext } from './context.js';
export type {
  BotDeps,
  BotIngestInput,
  BotKnowledge,
  Decision,
  IngestProgress,
  StatusCheck,
  StatusSnapshot,
} from './deps.js';
export {
  ASK_PREVIEW_JOB,
  type BotJobsDeps,
  defineBotJobs,
  FOLDER_SYNC_FOR_OWNER_JOB,
  INGEST_UPLOAD_JOB,
} from './jobs/index.js';
export { createNotifier } from './notifier.js';
export { WEBHOOK_PATH } from './webhook.js';
export { type LeadCardContext, type LeadCardExtension, LeadCardRegistry } from './cards/lead.js';

/** Update kinds the bot asks Telegram for (others are never delivered). */
export const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

/**
 * The owner's Telegram output: grammY's bot (its API with auto-retry) and the {@link Notifier} the responder
 * reaches the owner through. Nothing is sent until something is notified; nothing is received until
 * {@link createBot}'s handle starts.
 */
export interface OwnerTelegram {
  bot: Bot<BotContext>;
  notifier: Notifier;
}

/** A built bot: the grammY instance, the notifier the responder uses, and its lifecycle. */
export interface BotHandle {
  bot: Bot<BotContext>;
  notifier: Notifier;
  /**
   * Connects to Telegram — webhook mode (`PUBLIC_URL`) registers the webhook with its secret, else it deletes
   * it and long-polls — retrying with backoff (each failure logged) until connected or stopped. Resolves once
   * connected (or stopped); calling it again returns the same promise. The service waits for it only briefly,
   * so Avito webhooks are served while Telegram is unreachable.
   */
  start(): Promise<void>;
  /** For `/ready`: the last getMe (refreshed every minute), not a call per probe. */
  check(): CheckResult;
  /** Stops polling (waiting for updates in progress) or stops accepting webhook updates. Safe to call twice. */
  stop(): Promise<void>;
  /** Adds `POST /telegram/webhook` to the service's Express app (call before the app's 404 handler). */
  mountWebhook(app: Express): void;
  /** The lead card's extension point: integrations add their rows (and the handler of their taps) here. */
  leadCard: LeadCardRegistry;
}

/** grammY types its signals with the `abort-controller` shim; Node's own AbortSignal works the same at runtime. */
type GrammySignal = NonNullable<Parameters<Bot['init']>[0]>;
const grammySignal = (signal: AbortSignal) => signal as unknown as GrammySignal;

function commandList(t: Texts) {
  const c = t.commands;
  return [
    { command: 'start', description: c.start },
    { command: 'help', description: c.help },
    { command: 'mode', description: c.mode },
    { command: 'pause', description: c.pause },
    { command: 'resume', description: c.resume },
    { command: 'status', description: c.status },
    { command: 'chats', description: c.chats },
    { command: 'docs', description: c.docs },
    { command: 'upload', description: c.upload },
    { command: 'ask', description: c.ask },
    { command: 'leads', description: c.leads },
    { command: 'quote', description: c.quote },
    { command: 'cancel', description: c.cancel },
  ];
}

/**
 * Builds the owner's Telegram output, the first half of the bot. Throws when `TELEGRAM_BOT_TOKEN` is missing:
 * build it only when `config.telegram.enabled`.
 */
export function createOwnerTelegram(deps: { config: Config; store: Store; logger: Logger }): OwnerTelegram {
  const { config } = deps;
  const token = config.telegram.token;
  if (!token)
    throw new Error(
      'TELEGRAM_BOT_TOKEN is not set: create the bot only when config.telegram.enabled is true.',
    );
  const bot = new Bot<BotContext>(token, { client: { apiRoot: config.telegram.apiRoot } });
  bot.api.config.use(autoRetry(RETRY_OPTIONS));
  const notifier = createNotifier({
    api: bot.api,
    store: deps.store,
    logger: deps.logger.child({ module: 'bot' }),
    texts: textsFor(config.locale),
    notifyChatId: config.telegram.notifyChatId,
  });
  return { bot, notifier };
}

/**
 * The second half of the bot: the owner's features on `telegram`'s bot, from explicit dependencies (the
 * responder's use cases among them). Also defines the bot's Agenda jobs (`ingest-upload`, `ask-preview`,
 * `knowledge-folder-sync-for-owner`) on `deps.agenda`.
 */
export function createBot(telegram: OwnerTelegram, deps: BotDeps): BotHandle {
  const { config, logger: rootLogger } = deps;
  const { bot, notifier } = telegram;
  const logger = rootLogger.child({ module: 'bot' });
  const t = textsFor(config.locale);
  const leadCard = deps.leadCard ?? new LeadCardRegistry();
  const env: FeatureEnv = { ...deps, t, api: bot.api, leadCard };
  // 📅 and 💳 on the lead card, when the calendar and YooKassa are configured.
  if (deps.sales?.calendar) leadCard.add(consultationCard(env, deps.sales.calendar));
  if (deps.sales?.payments) leadCard.add(paymentCard(env, deps.sales.payments));
  defineBotJobs(deps.agenda, {
    api: bot.api,
    store: deps.store,
    knowledge: deps.knowledge,
    logger,
    config,
    texts: t,
  });

  // Updates of one chat run one after another (conversation state, card actions); chats run in parallel.
  bot.use(
    sequentialize((ctx: Context) =>
      ctx.chatId !== undefined ? String(ctx.chatId) : ctx.from ? `u${ctx.from.id}` : undefined,
    ),
  );
  const guarded = bot.errorBoundary((error) => {
    logger.error({ err: error.error, updateId: error.ctx.update.update_id }, 'update handler failed');
    void answerAfterError(error);
  });
  guarded.use(async (ctx, next) => {
    ctx.t = t;
    ctx.actor = `tg:${ctx.from?.id ?? 'unknown'}`;
    ctx.log = logger.child({ updateId: ctx.update.update_id, userId: ctx.from?.id });
    await next();
  });
  guarded.use(dedupeUpdates(env));
  guarded.use(ownerGuard(env));
  guarded.use(conversations<BotContext, Context>({ storage: conversationStorage(deps.store.kv) }));
  guarded.use(
    createConversation<BotContext, Context>(editConversation(env), {
      id: EDIT_CONVERSATION,
      plugins: conversationPlugins,
      maxMillisecondsToWait: EDIT_TIMEOUT_MS,
    }),
  );
  for (const [id, build] of [
    [LEAD_LOST_CONVERSATION, lostConversation],
    [LEAD_BRIEF_CONVERSATION, briefConversation],
    [QUOTE_CONVERSATION, quoteConversation],
    [LEAD_REFUND_CONVERSATION, refundConversation],
  ] as const)
    guarded.use(
      createConversation<BotContext, Context>(build(env), {
        id,
        plugins: conversationPlugins,
        maxMillisecondsToWait: SALES_FLOW_TIMEOUT_MS,
      }),
    );
  guarded.use(modeFeature(env));
  guarded.use(commandsFeature(env));
  guarded.use(cardsFeature(env));
  guarded.use(uploadFeature(env));
  guarded.use(askFeature(env));
  guarded.use(docsFeature(env));
  guarded.use(chatsFeature(env));
  guarded.use(replyFeature(env));
  guarded.use(leadsFeature(env));
  guarded.use(quoteFeature(env));
  guarded.use(leadCard.middleware());
  guarded.use(unhandledFeature());
  bot.catch((error) => logger.error({ err: error.error }, 'bot error'));

  /** A tap whose handler failed still gets an answer, so no spinner is left. */
  async function answerAfterError(error: BotError<BotContext>): Promise<void> {
    if (!error.ctx.callbackQuery) return;
    await error.ctx.answerCallbackQuery({ text: t.toast.failed }).catch(() => {});
  }

  const webhookMode = Boolean(config.http.publicUrl);
  const secret = () => webhookSecret(config.telegram.webhookSecret, deps.store.kv);
  let runner: RunnerHandle | undefined;
  let accepting = false;

  async function setCommands(signal: GrammySignal): Promise<void> {
    await bot.api.setMyCommands(commandList(textsFor('ru')), undefined, signal);
    await bot.api.setMyCommands(commandList(textsFor('en')), { language_code: 'en' }, signal);
  }

  async function connect(abort: AbortSignal): Promise<void> {
    const signal = grammySignal(abort);
    // Not bot.init(): it retries a failing getMe forever, silently. This loop retries and says so.
    bot.botInfo = await bot.api.getMe(signal);
    await setCommands(signal).catch((error: unknown) => logger.warn({ err: error }, 'setMyCommands failed'));
    if (webhookMode) {
      const url = `${config.http.publicUrl}${WEBHOOK_PATH}`;
      const options = { secret_token: await secret(), allowed_updates: [...ALLOWED_UPDATES] };
      await bot.api.setWebhook(url, options, signal);
      if (abort.aborted) return;
      accepting = true;
      logger.info({ url }, 'telegram webhook set');
      return;
    }
    await bot.api.deleteWebhook(undefined, signal);
    if (abort.aborted) return;
    runner = run(bot, { runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES] } } });
    accepting = true;
    logger.info({ username: bot.botInfo.username }, 'telegram long polling started');
  }

  const connection = new TelegramConnection({
    connect,
    probe: async (signal) => void (await bot.api.getMe(grammySignal(signal))),
    logger,
  });

  return {
    bot,
    notifier,
    ...botLifecycle(connection, async () => {
      accepting = false;
      if (runner?.isRunning()) await runner.stop();
      logger.info('telegram bot stopped');
    }),
    leadCard,
    mountWebhook(app) {
      mountWebhookRoute(app, { bot, secret, accepting: () => accepting, logger });
    },
  };
}
