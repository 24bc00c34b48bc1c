import { CallLog } from '../common/call-log.js';
import { FaultInjector } from '../common/faults.js';
import { listen } from '../common/server.js';
import { Actors, buttonsOf, type DocumentInit, type Sent, type TapHandle, type Target } from './actors.js';
import { controlRoutes } from './control.js';
import type { FloodOptions } from './flood.js';
import type { HtmlOptions } from './html.js';
import { type CallbackRecord, TelegramCore } from './methods.js';
import { createHandler } from './server.js';
import type { InlineButton, TgChat, TgMessage, TgUpdate, TgUser } from './types.js';
import type { WebhookDelivery, WebhookInfo, WebhookRetryOptions } from './updates.js';

export type { DocumentInit, Sent, TapHandle, Target } from './actors.js';
export { escapeHtml, parseHtml } from './html.js';
export type { CallbackAnswer } from './methods.js';
export type * from './types.js';
export type { FloodOptions, HtmlOptions, WebhookDelivery, WebhookInfo, WebhookRetryOptions };

/** Options of {@link startTelegramSim}; everything has a test-friendly default. */
export interface TelegramSimOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Defaults to `<bot.id>:<35 seeded characters>`, shaped like a real token. */
  token?: string;
  bot?: { id: number; username: string; first_name: string };
  /** Seeds ids (update ids, file ids, callback ids) and fault fractions, so runs repeat. Default 1. */
  seed?: number;
  /** The default human (the owner): their private chat exists from the start. */
  user?: Partial<TgUser> & { id: number };
  /** More chats that exist from the start (users who pressed Start, groups the bot is in). */
  chats?: Array<Partial<TgChat> & { id: number }>;
  /** Flood limits; off unless given (`true` = commonly cited limits). */
  flood?: FloodOptions | boolean;
  /** Window for answering a callback query before it is "too old". Default 15 000 ms. */
  callbackAnswerWindowMs?: number;
  /** Webhook delivery timing; tests shrink it. */
  webhook?: Partial<WebhookRetryOptions>;
  /** Refuse non-HTTPS webhook URLs like Telegram. Default false (loopback test servers are http). */
  requireHttpsWebhook?: boolean;
  html?: HtmlOptions;
  /** Clock in epoch ms (dates, windows, flood). Default `Date.now`. */
  now?: () => number;
}

/** What the people in a chat currently see. */
export interface ChatView {
  chat: TgChat;
  blocked: boolean;
  /** Visible messages in order, with their current text and keyboard after edits and deletes. */
  messages: TgMessage[];
}

/** A running Telegram Bot API simulator with its controls and the humans around the bot. */
export interface TelegramSim {
  /** apiRoot for grammY (`client.apiRoot`), without a trailing slash. */
  url: string;
  port: number;
  token: string;
  bot: TgUser;
  /** The default human (owner) and their private chat id. */
  user: TgUser;
  calls: CallLog;
  faults: FaultInjector;
  close(): Promise<void>;

  // Humans
  userSends(target: Target, text: string, opts?: { replyTo?: number }): Sent;
  userReplies(to: number | { chatId: number; messageId: number }, text: string, user?: TgUser): Sent;
  userSendsDocument(doc: DocumentInit): Sent & { fileId: string };
  tap(chatId: number, messageId: number, buttonTextOrData: string, user?: TgUser): TapHandle;
  userDeletes(chatId: number, messageId: number): void;
  blockBot(chatId: number): void;
  unblockBot(chatId: number): void;

  // What the humans see
  chat(chatId: number): ChatView;
  lastBotMessage(chatId: number): TgMessage | undefined;
  findButton(chatId: number, textOrData: string): { messageId: number; button: InlineButton } | undefined;
  /** Polls `check` until it returns a truthy value (then resolves with it) or `timeoutMs` passes. */
  waitFor<T>(check: () => T | undefined | null | false, timeoutMs?: number): Promise<T>;

  // Controls
  addChat(chat: Partial<TgChat> & { id: number }, user?: Partial<TgUser> & { id: number }): TgChat;
  pendingUpdates(): TgUpdate[];
  webhookInfo(): WebhookInfo;
  webhookDeliveries: WebhookDelivery[];
  callbackQueries(): CallbackRecord[];
  commands(scope?: { type: string }, languageCode?: string): Array<{ command: string; description: string }>;
}

const DEFAULT_BOT = { id: 7_000_000_001, username: 'avito_responder_bot', first_name: 'Avito Responder' };
const DEFAULT_USER: TgUser = {
  id: 1001,
  is_bot: false,
  first_name: 'Owner',
  username: 'owner',
  language_code: 'ru',
};

/**
 * Starts a local Telegram Bot API on loopback. Point grammY at it with
 * `new Bot(sim.token, { client: { apiRoot: sim.url } })`; drive the humans with `userSends`, `tap`, ….
 */
export async function startTelegramSim(opts: TelegramSimOptions = {}): Promise<TelegramSim> {
  const seed = opts.seed ?? 1;
  const now = opts.now ?? Date.now;
  const botInit = opts.bot ?? DEFAULT_BOT;
  const bot: TgUser = {
    id: botInit.id,
    is_bot: true,
    first_name: botInit.first_name,
    username: botInit.username,
  };
  const core = new TelegramCore({
    bot,
    seed,
    now,
    html: opts.html ?? {},
    ...(opts.flood ? { flood: opts.flood === true ? {} : opts.flood } : {}),
    callbackAnswerWindowMs: opts.callbackAnswerWindowMs ?? 15_000,
    webhook: { timeoutMs: 10_000, baseDelayMs: 1_000, maxDelayMs: 60_000, maxAttempts: 10, ...opts.webhook },
    requireHttpsWebhook: opts.requireHttpsWebhook ?? false,
  });
  const token = opts.token ?? `${bot.id}:AA${tokenTail(core.state.random)}`;
  const user = core.state.upsertUser({ ...DEFAULT_USER, ...opts.user });
  core.state.upsertChat({ id: user.id, type: 'private' });
  for (const chat of opts.chats ?? []) core.state.upsertChat(chat);
  const actors = new Actors(core, user);
  const calls = new CallLog();
  const faults = new FaultInjector(seed);
  const server = await listen(
    createHandler({ core, token, calls, faults, control: controlRoutes(core, actors) }),
    opts.port ?? 0,
  );

  const view = (chatId: number): ChatView => {
    const chat = core.state.chats.get(chatId);
    if (!chat) throw new Error(`unknown chat ${chatId}`);
    return {
      chat: structuredClone(chat.chat),
      blocked: chat.blocked,
      messages: [...chat.messages.values()].map((m) => core.state.render(m)),
    };
  };

  return {
    url: server.url,
    port: server.port,
    token,
    bot,
    user,
    calls,
    faults,
    async close() {
      core.close();
      await server.close();
    },
    userSends: (target, text, o) => actors.userSends(target, text, o),
    userReplies: (to, text, u) => actors.userReplies(to, text, u),
    userSendsDocument: (doc) => actors.userSendsDocument(doc),
    tap: (chatId, messageId, button, u) => actors.tap(chatId, messageId, button, u),
    userDeletes: (chatId, messageId) => actors.userDeletes(chatId, messageId),
    blockBot: (chatId) => actors.setBlocked(chatId, true),
    unblockBot: (chatId) => actors.setBlocked(chatId, false),
    chat: view,
    lastBotMessage(chatId) {
      return view(chatId)
        .messages.filter((m) => m.from?.id === bot.id)
        .at(-1);
    },
    findButton(chatId, textOrData) {
      for (const message of view(chatId).messages.reverse()) {
        const button = buttonsOf(message.reply_markup).find(
          (b) => b.text === textOrData || b.callback_data === textOrData,
        );
        if (button) return { messageId: message.message_id, button };
      }
      return undefined;
    },
    waitFor(check, timeoutMs = 2000) {
      const started = Date.now();
      return new Promise((resolve, reject) => {
        const tick = () => {
          const value = check();
          if (value) return resolve(value);
          if (Date.now() - started > timeoutMs)
            return reject(new Error(`waitFor: timed out after ${timeoutMs} ms`));
          setTimeout(tick, 10);
        };
        tick();
      });
    },
    addChat(chat, chatUser) {
      if (chatUser) core.state.upsertUser(chatUser);
      return structuredClone(core.state.upsertChat(chat).chat);
    },
    pendingUpdates: () => core.hub.pending(),
    webhookInfo: () => core.hub.webhookInfo(),
    webhookDeliveries: core.hub.deliveries,
    callbackQueries: () => [...core.callbacks.values()],
    commands(scope, languageCode) {
      return structuredClone(
        core.commands.get(`${JSON.stringify(scope ?? { type: 'default' })}|${languageCode ?? ''}`) ?? [],
      );
    },
  };
}

function tokenTail(random: () => number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let s = '';
  for (let i = 0; i < 33; i++) s += alphabet[Math.floor(random() * alphabet.length)];
  return s;
}
