/**
 * The optional Telegram buyer bot (`TELEGRAM_BUYER_BOT_TOKEN`): a second bot, public, that buyers write to. It is
 * a channel adapter like Avito's: {@link createTelegramBuyerChannel} builds its outbound {@link Channel} first
 * (the responder is built with it), and `start(inbound)` connects it once the responder exists, in webhook mode
 * under its own secret path when `PUBLIC_URL` is set, by long polling otherwise. It shares nothing with the
 * owner's bot but the Bot API: no owner command works here, and no buyer is ever taken for an owner.
 */
import { autoRetry } from '@grammyjs/auto-retry';
import { run, type RunnerHandle, sequentialize } from '@grammyjs/runner';
import type { Express } from 'express';
import { Bot, type Context } from 'grammy';
import type { Config } from '../../config.js';
import type { CheckResult } from '../../http/readiness.js';
import type { Logger } from '../../logger.js';
import type { Channel, InboundPort } from '../../responder/channel.js';
import type { Store } from '../../store/port.js';
import { botLifecycle, TelegramConnection } from '../connection.js';
import { RETRY_OPTIONS } from '../retry.js';
import { textsFor } from '../../texts/index.js';
import { mountWebhookRoute, webhookSecret } from '../webhook.js';
import { telegramBuyerChannel, telegramChatOf } from './channel.js';
import { type BuyerContext, buyerConversation } from './conversation.js';
import { BuyerFloodGuard } from './flood.js';
import { BuyerProfiles } from './profile.js';

export { buyerMessageId, channelErrorOf, telegramChatOf, TELEGRAM_TEXT_LIMIT } from './channel.js';
export type { BuyerProfile } from './profile.js';

/** `POST /telegram/buyer/<secret>`: the buyer bot's webhook (the secret also comes in Telegram's header). */
export const BUYER_WEBHOOK_PATH = '/telegram/buyer/:secret';
const SECRET_KEY = 'telegram:buyer-webhook-secret';
/** Update kinds the buyer bot asks for. */
export const BUYER_ALLOWED_UPDATES = ['message', 'callback_query'] as const;
/** A buyer may send this many messages a minute; more is asked to slow down. */
export const BUYER_MESSAGES_PER_MINUTE = 20;

export interface TelegramBuyerDeps {
  config: Pick<Config, 'telegramBuyer' | 'telegram' | 'http' | 'consent' | 'contextTtlDays'>;
  store: Store;
  logger: Logger;
  /** Clock for consent records (tests). */
  now?: () => Date;
}

/** The buyer bot as the composition root holds it. */
export interface TelegramBuyerChannel {
  /** What the responder sends through (`tg:` chats). */
  channel: Channel;
  bot: Bot<BuyerContext>;
  /**
   * Connects the bot and hands what buyers write to `inbound`: webhook mode (`PUBLIC_URL`) registers the webhook
   * with its secret, else it deletes any webhook and long-polls. Call once the responder exists. While Telegram
   * cannot be reached it retries with backoff (like the owner bot); resolves once connected or stopped, never
   * rejects.
   */
  start(inbound: InboundPort): Promise<void>;
  /** The connection's health for `/ready`. */
  check(): CheckResult;
  /** Stops polling (waiting for updates in progress) or accepting webhook updates. Safe to call twice. */
  stop(): Promise<void>;
  /** Adds `POST /telegram/buyer/<secret>` to the service's Express app (before its 404 handler). */
  mountWebhook(app: Express): void;
  /** Deletes what the bot keeps about a conversation outside its records (the retention job calls it). */
  forget(chatId: string): Promise<void>;
}

/**
 * Builds the buyer bot from explicit dependencies. Throws when `TELEGRAM_BUYER_BOT_TOKEN` is missing: build it
 * only when `config.telegramBuyer.enabled`.
 */
export function createTelegramBuyerChannel(deps: TelegramBuyerDeps): TelegramBuyerChannel {
  const { config, store } = deps;
  const token = config.telegramBuyer.token;
  if (!token)
    throw new Error(
      'TELEGRAM_BUYER_BOT_TOKEN is not set: create the buyer bot only when config.telegramBuyer.enabled is true.',
    );
  const logger = deps.logger.child({ module: 'buyer-bot' });
  const ttlMs = config.contextTtlDays * 24 * 3600_000;
  const bot = new Bot<BuyerContext>(token, { client: { apiRoot: config.telegram.apiRoot } });
  // A lost connection is a transient send failure the responder retries with backoff, not a wait without end
  // inside a delivery job (auto-retry would retry it forever).
  bot.api.config.use(autoRetry({ ...RETRY_OPTIONS, rethrowHttpErrors: true }));
  const channel = telegramBuyerChannel({ api: bot.api, kv: store.kv, logger, ttlMs });
  const profiles = new BuyerProfiles(store.kv, ttlMs);

  let inbound: InboundPort | undefined;
  bot.use(sequentialize((ctx: Context) => (ctx.chatId !== undefined ? String(ctx.chatId) : undefined)));
  const guarded = bot.errorBoundary((error) => {
    logger.error({ err: error.error, updateId: error.ctx.update.update_id }, 'buyer update handler failed');
  });
  guarded.use(async (ctx, next) => {
    ctx.log = logger.child({ updateId: ctx.update.update_id, userId: ctx.from?.id });
    // A redelivered update (a slow answer in webhook mode, a restart mid-update) is handled once.
    const fresh = await store.kv.setIfAbsent(`tgbuyer:update:${ctx.update.update_id}`, 1, 24 * 3600_000);
    if (!fresh) return void ctx.log.info('duplicate buyer update ignored');
    await next();
  });
  guarded.use(
    buyerConversation({
      store,
      profiles,
      consent: config.consent,
      flood: new BuyerFloodGuard(BUYER_MESSAGES_PER_MINUTE, 60_000),
      inbound: () => {
        if (!inbound) throw new Error('the buyer bot took an update before start(inbound)');
        return inbound;
      },
      ...(deps.now ? { now: deps.now } : {}),
    }),
  );
  bot.catch((error) => logger.error({ err: error.error }, 'buyer bot error'));

  const webhookMode = Boolean(config.http.publicUrl);
  const secret = () => webhookSecret(undefined, store.kv, SECRET_KEY);
  let runner: RunnerHandle | undefined;
  let accepting = false;

  async function setCommands(): Promise<void> {
    for (const locale of ['ru', 'en'] as const) {
      const c = textsFor(locale).buyer.commands;
      const commands = [
        { command: 'start', description: c.start },
        { command: 'contact', description: c.contact },
        { command: 'help', description: c.help },
      ];
      await bot.api.setMyCommands(commands, locale === 'en' ? { language_code: 'en' } : {});
    }
  }

  /**
   * One connection attempt (getMe, commands, webhook or polling), shaped like the owner bot's so that
   * `TelegramConnection` (src/bot/connection.ts) can retry it in the background.
   */
  async function connect(signal?: AbortSignal): Promise<void> {
    const grammySignal = signal as Parameters<Bot['init']>[0];
    bot.botInfo = await bot.api.getMe(grammySignal);
    await setCommands().catch((error: unknown) => logger.warn({ err: error }, 'buyer setMyCommands failed'));
    if (webhookMode) {
      const base = `${config.http.publicUrl}/telegram/buyer/`;
      const key = await secret();
      const options = { secret_token: key, allowed_updates: [...BUYER_ALLOWED_UPDATES] };
      await bot.api.setWebhook(`${base}${key}`, options, grammySignal);
      if (signal?.aborted) return;
      accepting = true;
      logger.info({ url: `${base}…` }, 'buyer bot webhook set');
      return;
    }
    await bot.api.deleteWebhook(undefined, grammySignal);
    if (signal?.aborted) return;
    runner = run(bot, { runner: { fetch: { allowed_updates: [...BUYER_ALLOWED_UPDATES] } } });
    accepting = true;
    logger.info({ username: bot.botInfo.username }, 'buyer bot long polling started');
  }

  const connection = new TelegramConnection({
    connect,
    probe: async (signal) => void (await bot.api.getMe(signal as Parameters<Bot['init']>[0])),
    logger,
    tokenVariable: 'TELEGRAM_BUYER_BOT_TOKEN',
  });
  const lifecycle = botLifecycle(connection, async () => {
    accepting = false;
    if (runner?.isRunning()) await runner.stop();
    logger.info('buyer bot stopped');
  });

  return {
    channel,
    bot,
    start(port) {
      inbound = port;
      return lifecycle.start();
    },
    check: lifecycle.check,
    stop: lifecycle.stop,
    mountWebhook(app) {
      mountWebhookRoute(app, { bot, secret, accepting: () => accepting, logger, path: BUYER_WEBHOOK_PATH });
    },
    async forget(chatId) {
      if (telegramChatOf(chatId) === undefined) return;
      await profiles.forget(chatId);
      await channel.forget(chatId);
    },
  };
}
