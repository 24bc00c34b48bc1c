/**
 * The Telegram buyer bot against the Telegram simulator, with a buyer to play: one simulator serving the owner's
 * bot and the buyer bot, a real embedded store, the bot's real grammY instance long-polling (or webhook mode
 * behind a real HTTP app). The responder side is a parameter: {@link StandInInbound} (stores what arrives and
 * answers through the channel) keeps these tests on the bot; the real responder's journey is in
 * `test/e2e/three-channels.test.ts`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { type Config, loadConfig } from '../../src/config.js';
import { createTelegramBuyerChannel, type TelegramBuyerChannel } from '../../src/bot/buyer/index.js';
import { createLogger } from '../../src/logger.js';
import type {
  Channel,
  InboundEvent,
  InboundOutcome,
  InboundPort,
  SendOutcome,
} from '../../src/responder/channel.js';
import type { Store } from '../../src/store/port.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { pollUntil } from '../../sim/common/wait.js';
import {
  startTelegramSim,
  type TelegramBotSim,
  type TelegramSim,
  type TgMessage,
  type TgUser,
} from '../../sim/telegram/index.js';
import { storeInboundOnce } from './stored-inbound.js';

export const BUYER_BOT = { id: 7_000_000_002, username: 'shop_buyers_bot', first_name: 'Магазин' };
export const BUYER: TgUser = { id: 5001, is_bot: false, first_name: 'Анна', language_code: 'ru' };

/**
 * A stand-in for the responder's inbound side: stores each message once (by id, like the responder), records the
 * events, and answers a buyer's text through the channel with `answer(text)`. The outcome of each answer is kept.
 */
export class StandInInbound implements InboundPort {
  readonly events: InboundEvent[] = [];
  readonly sends: Array<{ chatId: string; text: string; outcome: SendOutcome }> = [];

  constructor(
    private readonly store: Store,
    private readonly channel: Channel,
    private readonly answer: (text: string) => string | undefined = (text) => `Ответ продавца: ${text}`,
  ) {}

  async receive(event: InboundEvent): Promise<InboundOutcome> {
    this.events.push(event);
    if (!(await storeInboundOnce(this.store, event))) return 'already-processed';
    const reply = event.text === null ? undefined : this.answer(event.text);
    if (reply !== undefined) {
      const outcome = await this.channel.send(event.chatId, reply);
      this.sends.push({ chatId: event.chatId, text: reply, outcome });
    }
    return 'buyer';
  }
}

/** Hands every event on to `inner` and keeps a copy: what reached the responder, whichever responder it is. */
export class RecordingInbound implements InboundPort {
  readonly events: InboundEvent[] = [];
  constructor(private readonly inner: InboundPort) {}
  receive(event: InboundEvent): Promise<InboundOutcome> {
    this.events.push(event);
    return this.inner.receive(event);
  }
}

/** A buyer in Telegram, writing to the buyer bot (what they see is read from the simulator). */
export class TelegramBuyer {
  constructor(
    readonly bot: TelegramBotSim,
    readonly user: TgUser = BUYER,
  ) {}

  get chatId(): number {
    return this.user.id;
  }

  private get target() {
    return { user: this.user, chat: { id: this.user.id } };
  }

  /** Presses Start, or opens `t.me/<bot>?start=<payload>`. */
  start(payload?: string) {
    return this.bot.userStarts(this.target, payload);
  }

  says(text: string) {
    return this.bot.userSends(this.target, text);
  }

  sharesContact() {
    return this.bot.userSharesContact(this.target);
  }

  presses(button: string) {
    return this.bot.pressKeyboardButton(this.target, button);
  }

  /** Taps an inline button of the bot's messages (by label or callback data) and waits for the answer. */
  async taps(button: string) {
    const found = await this.bot.waitFor(() => this.bot.findButton(this.chatId, button), 5000);
    return this.bot.tap(this.chatId, found.messageId, button, this.user).waitForAnswer(5000);
  }

  /** Every text the bot has sent the buyer, oldest first. */
  botTexts(): string[] {
    return this.messages()
      .filter((m) => m.from?.id === this.bot.bot.id)
      .map((m) => m.text ?? '');
  }

  /** The last bot message {@link waitForBot} found: the next wait looks only after it. */
  private seen = 0;

  /**
   * Waits for the bot's next message (after the one the previous wait found) whose text includes `text` (or
   * matches it), so a repeated prompt is not mistaken for the earlier one.
   */
  async waitForBot(text: string | RegExp, timeoutMs = 5000): Promise<TgMessage> {
    const matches = (m: TgMessage) =>
      m.from?.id === this.bot.bot.id &&
      m.message_id > this.seen &&
      typeof m.text === 'string' &&
      (typeof text === 'string' ? m.text.includes(text) : text.test(m.text));
    const found = await this.bot.waitFor(() => this.messages().find(matches), timeoutMs);
    this.seen = found.message_id;
    return found;
  }

  /** The chat as the buyer sees it (empty before they first write). */
  messages(): TgMessage[] {
    try {
      return this.bot.chat(this.chatId).messages;
    } catch {
      return [];
    }
  }

  /** The reply keyboard under the buyer's input field. */
  keyboard(): string[][] {
    return this.bot.replyKeyboard(this.chatId);
  }
}

export interface BuyerBotHarness {
  sim: TelegramSim;
  /** The buyer bot in the simulator. */
  botSim: TelegramBotSim;
  store: Store;
  config: Config;
  buyerBot: TelegramBuyerChannel;
  /** The port the bot was started with (the stand-in unless another was given). */
  inbound: InboundPort;
  /** Every event the bot handed to the port, in order. */
  received: InboundEvent[];
  buyer: TelegramBuyer;
  logs: string[];
  close(): Promise<void>;
}

export interface BuyerBotHarnessOptions {
  /**
   * The responder's inbound side, built once the buyer channel exists (a real responder is built with
   * `channel` in its registry here); by default a {@link StandInInbound}.
   */
  inbound?: (deps: { store: Store; channel: Channel; config: Config }) => InboundPort;
  /** Extra environment (CONSENT_TEXT, PRIVACY_POLICY_URL, …). */
  env?: Record<string, string>;
  now?: () => Date;
  /** False: the caller starts the bot (webhook tests mount its route first). Default true. */
  start?: boolean;
}

/** Starts the simulator (owner bot + buyer bot), a fresh store and the buyer bot in long-polling mode. */
export async function startBuyerBotHarness(options: BuyerBotHarnessOptions = {}): Promise<BuyerBotHarness> {
  const sim = await startTelegramSim({ bots: [{ bot: BUYER_BOT, user: BUYER }] });
  const botSim = sim.botNamed(BUYER_BOT.username)!;
  const dir = mkdtempSync(join(tmpdir(), 'buyer-bot-'));
  const store = openSqliteStore({ path: join(dir, 'store.sqlite') });
  const config = loadConfig({
    DATA_DIR: dir,
    TELEGRAM_BOT_TOKEN: sim.token,
    TELEGRAM_OWNER_IDS: String(sim.user.id),
    TELEGRAM_BUYER_BOT_TOKEN: botSim.token,
    TELEGRAM_API_ROOT: sim.url,
    ...options.env,
  });
  const logs: string[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: new Writable({
      write(chunk, _enc, cb) {
        logs.push(String(chunk));
        cb();
      },
    }),
  });
  const buyerBot = createTelegramBuyerChannel({
    config,
    store,
    logger,
    ...(options.now ? { now: options.now } : {}),
  });
  const inbound =
    options.inbound?.({ store, channel: buyerBot.channel, config }) ??
    new StandInInbound(store, buyerBot.channel);
  const recording = new RecordingInbound(inbound);
  if (options.start !== false) await buyerBot.start(recording);
  return {
    sim,
    botSim,
    store,
    config,
    buyerBot,
    inbound: recording,
    received: recording.events,
    buyer: new TelegramBuyer(botSim),
    logs,
    async close() {
      await buyerBot.stop();
      await sim.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The whole buyer journey as the issue states it: greeting → consent → name → contact (Telegram's button) → a
 * question reaches the responder → the answer reaches the buyer's chat. `answered` says which answer to wait for
 * (the stand-in echoes the question; the real responder sends what the knowledge gives, after the owner approves
 * in review mode). Returns the question's event as the responder received it. With the real responder:
 *
 * ```ts
 * const h = await startBuyerBotHarness({
 *   inbound: ({ store, channel, config }) => createResponder({ …, channels: new Map([['telegram', channel]]) }).inbound,
 * });
 * await runBuyerJourney(h, 'Есть доставка?', /доставк/);
 * ```
 */
export async function runBuyerJourney(
  h: Pick<BuyerBotHarness, 'buyer' | 'received'>,
  question: string,
  answered: string | RegExp,
): Promise<InboundEvent> {
  const { buyer } = h;
  buyer.start();
  await buyer.waitForBot('Я помощник продавца');
  await buyer.waitForBot('152-ФЗ');
  await buyer.taps('✅ Согласен');
  await buyer.waitForBot('Как к вам обращаться?');
  buyer.says('Анна');
  await buyer.waitForBot('оставьте телефон');
  buyer.sharesContact();
  await buyer.waitForBot('контакт сохранён');
  buyer.says(question);
  const event = await pollUntil(() => h.received.find((e) => e.text === question), {
    timeoutMs: 5000,
    what: 'the question reaching the responder',
  });
  await buyer.waitForBot(answered, 10_000);
  return event;
}
