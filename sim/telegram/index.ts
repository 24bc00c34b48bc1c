import { CallLog } from '../common/call-log.js';
import { FaultInjector } from '../common/faults.js';
import { listen } from '../common/server.js';
import { Actors, buttonsOf, type DocumentInit, type Sent, type TapHandle, type Target } from './actors.js';
import { controlRoutes } from './control.js';
import type { FloodOptions } from './flood.js';
import type { HtmlOptions } from './html.js';
import { type CallbackRecord, TelegramCore } from './methods.js';
import { createHandler } from './server.js';
import { People } from './state.js';
import type { InlineButton, TgChat, TgContact, TgMessage, TgUpdate, TgUser } from './types.js';
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
  /** More bots served by the same server from the start (see {@link TelegramSim.addBot}). */
  bots?: ExtraBotOptions[];
}

/**
 * Another bot on the same simulated Bot API (like the seller's second, buyer-facing bot): its own token, chats,
 * messages, update queue, webhook and commands; the humans are the same people as for every other bot.
 */
export interface ExtraBotOptions {
  bot: { id: number; username: string; first_name: string };
  /** Defaults to `<bot.id>:<35 seeded characters>`. */
  token?: string;
  /**
   * The human this bot's helpers act as by default (e.g. a buyer). Unlike the owner of the first bot, their
   * private chat exists only once they write (a bot cannot start a conversation).
   */
  user?: Partial<TgUser> & { id: number };
  /** Chats that exist from the start. */
  chats?: Array<Partial<TgChat> & { id: number }>;
}

/** What the people in a chat currently see. */
export interface ChatView {
  chat: TgChat;
  blocked: boolean;
  /** Visible messages in order, with their current text and keyboard after edits and deletes. */
  messages: TgMessage[];
}

/** One bot of the simulator, with the humans around it and what they see in their chats with it. */
export interface TelegramBotSim {
  /** apiRoot for grammY (`client.apiRoot`), without a trailing slash; shared by every bot of the simulator. */
  url: string;
  token: string;
  bot: TgUser;
  /** The human the helpers act as by default (the owner for the first bot). */
  user: TgUser;

  // Humans
  userSends(target: Target, text: string, opts?: { replyTo?: number }): Sent;
  userReplies(to: number | { chatId: number; messageId: number }, text: string, user?: TgUser): Sent;
  userSendsDocument(doc: DocumentInit): Sent & { fileId: string };
  /** Start button or deep link `t.me/<bot>?start=<payload>`: `/start` or `/start <payload>`. */
  userStarts(target: Target, payload?: string): Sent;
  /** Presses a reply-keyboard button (text, or `request_contact` sending the account's phone). */
  pressKeyboardButton(target: Target, text: string): Sent;
  /** Presses the reply keyboard's `request_contact` button. */
  userSharesContact(target: Target): Sent;
  /** Sends a contact card from the attachment menu (no keyboard needed; anyone's number). */
  userSendsContact(target: Target, contact: TgContact): Sent;
  tap(chatId: number, messageId: number, buttonTextOrData: string, user?: TgUser): TapHandle;
  userDeletes(chatId: number, messageId: number): void;
  blockBot(chatId: number): void;
  unblockBot(chatId: number): void;
  /** The phone number the account shares through a `request_contact` button (every bot sees the same). */
  setPhone(userId: number, phone: string): void;

  // What the humans see
  chat(chatId: number): ChatView;
  lastBotMessage(chatId: number): TgMessage | undefined;
  findButton(chatId: number, textOrData: string): { messageId: number; button: InlineButton } | undefined;
  /** The reply keyboard under the chat's input field, as labels by row. */
  replyKeyboard(chatId: number): string[][];
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

/**
 * A running Telegram Bot API simulator with its controls. It is the first bot's {@link TelegramBotSim} (the
 * owner's bot); {@link TelegramSim.addBot} serves more bots on the same server.
 */
export interface TelegramSim extends TelegramBotSim {
  port: number;
  /** Every call to any bot (the token is in each path). */
  calls: CallLog;
  faults: FaultInjector;
  /** Serves another bot from now on (a token the server did not know answers 401, as Telegram does). */
  addBot(options: ExtraBotOptions): TelegramBotSim;
  /** A bot served here, by its username. */
  botNamed(username: string): TelegramBotSim | undefined;
  close(): Promise<void>;
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
  const people = new People();
  const cores = new Map<string, { core: TelegramCore; actors: Actors }>();
  const handles: TelegramBotSim[] = [];
  const calls = new CallLog();
  const faults = new FaultInjector(seed);
  let url = '';

  /** A bot's core and helpers; each bot gets its own seed so update ids and file ids differ between bots. */
  const serve = (
    botInit: { id: number; username: string; first_name: string },
    token: string | undefined,
    defaultUser: Partial<TgUser> & { id: number },
    chats: Array<Partial<TgChat> & { id: number }>,
    ownChatExists: boolean,
  ): TelegramBotSim => {
    const bot: TgUser = {
      id: botInit.id,
      is_bot: true,
      first_name: botInit.first_name,
      username: botInit.username,
    };
    if (handles.some((h) => h.bot.username === bot.username)) throw new Error(`bot @${bot.username} exists`);
    const core = new TelegramCore({
      bot,
      seed: seed + handles.length,
      now,
      people,
      html: opts.html ?? {},
      ...(opts.flood ? { flood: opts.flood === true ? {} : opts.flood } : {}),
      callbackAnswerWindowMs: opts.callbackAnswerWindowMs ?? 15_000,
      webhook: {
        timeoutMs: 10_000,
        baseDelayMs: 1_000,
        maxDelayMs: 60_000,
        maxAttempts: 10,
        ...opts.webhook,
      },
      requireHttpsWebhook: opts.requireHttpsWebhook ?? false,
    });
    const botToken = token ?? `${bot.id}:AA${tokenTail(core.state.random)}`;
    if (cores.has(botToken)) throw new Error('every bot needs a token of its own');
    const user = core.state.upsertUser(defaultUser);
    if (ownChatExists) core.state.upsertChat({ id: user.id, type: 'private' });
    for (const chat of chats) core.state.upsertChat(chat);
    const actors = new Actors(core, user);
    cores.set(botToken, { core, actors });
    const handle = botHandle(core, actors, botToken, bot, user, () => url);
    handles.push(handle);
    return handle;
  };

  const first = serve(
    opts.bot ?? DEFAULT_BOT,
    opts.token,
    { ...DEFAULT_USER, ...opts.user },
    opts.chats ?? [],
    true,
  );
  const addBot = (o: ExtraBotOptions) =>
    serve(o.bot, o.token, o.user ?? { ...DEFAULT_USER, ...opts.user }, o.chats ?? [], false);
  for (const extra of opts.bots ?? []) addBot(extra);

  const byUsername = (username: string | undefined) =>
    username === undefined
      ? cores.values().next().value
      : [...cores.values()].find((c) => c.core.options.bot.username === username);
  const server = await listen(
    createHandler({
      cores: (token) => cores.get(token)?.core,
      calls,
      faults,
      control: controlRoutes(byUsername),
    }),
    opts.port ?? 0,
  );
  url = server.url;

  return {
    ...first,
    port: server.port,
    calls,
    faults,
    addBot,
    botNamed: (username) => handles.find((h) => h.bot.username === username),
    async close() {
      for (const { core } of cores.values()) core.close();
      await server.close();
    },
  };
}

/** The helpers and views of one bot. */
function botHandle(
  core: TelegramCore,
  actors: Actors,
  token: string,
  bot: TgUser,
  user: TgUser,
  url: () => string,
): TelegramBotSim {
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
    get url() {
      return url();
    },
    token,
    bot,
    user,
    userSends: (target, text, o) => actors.userSends(target, text, o),
    userReplies: (to, text, u) => actors.userReplies(to, text, u),
    userSendsDocument: (doc) => actors.userSendsDocument(doc),
    userStarts: (target, payload) => actors.userStarts(target, payload),
    pressKeyboardButton: (target, text) => actors.pressKeyboardButton(target, text),
    userSharesContact: (target) => actors.userSharesContact(target),
    userSendsContact: (target, contact) => actors.userSendsContact(target, contact),
    tap: (chatId, messageId, button, u) => actors.tap(chatId, messageId, button, u),
    userDeletes: (chatId, messageId) => actors.userDeletes(chatId, messageId),
    blockBot: (chatId) => actors.setBlocked(chatId, true),
    unblockBot: (chatId) => actors.setBlocked(chatId, false),
    setPhone: (userId, phone) => void core.state.people.phones.set(userId, phone),
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
    replyKeyboard: (chatId) => actors.replyKeyboard(chatId),
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
