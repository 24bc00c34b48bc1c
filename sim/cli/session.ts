import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveButton } from './buttons.js';
import { z } from 'zod';
import { type AmoCrmSim, startAmoCrmSim } from '../amocrm/index.js';
import { type AvitoSim, type Listing, type ListingInput, startAvitoSim } from '../avito/index.js';
import { serviceEnvFor, writeServiceAccountKey } from '../env.js';
import { type GeminiSim, startGeminiSim } from '../gemini/index.js';
import { type GoogleCalendarSim, startGoogleCalendarSim } from '../google-calendar/index.js';
import { type SmtpSim, startSmtpSim } from '../smtp/index.js';
import { SIM_BUYER_BOT } from '../telegram/buyer-bot.js';
import { startTelegramSim, type TelegramSim, type TgMessage } from '../telegram/index.js';
import { startYooKassaSim, type YooKassaSim } from '../yookassa/index.js';
import type { SimPorts } from './options.js';
import { type ChatTarget, type Command, helpText } from './commands.js';
import {
  buttonTexts,
  chatTitle,
  formatAvitoChats,
  formatDeliveries,
  formatListings,
  formatOwnerChat,
  formatTelegramMessage,
} from './format.js';

/** The two listings every `npm run sim` starts with. */
export const SAMPLE_LISTINGS: ListingInput[] = [
  {
    id: 4_341_979_279,
    title: 'Диван угловой «Милан», велюр, серый',
    price: 32_900,
    url: 'https://www.avito.ru/moskva/mebel_i_interer/divan_uglovoy_milan_velyur_seryy_4341979279',
    address: 'Москва, Профсоюзная улица, 56',
    category: { id: 20, name: 'Мебель и интерьер' },
  },
  {
    id: 4_341_979_280,
    title: 'Ноутбук Lenovo ThinkPad T14 Gen 2, i5, 16 ГБ, SSD 512 ГБ',
    price: 54_900,
    url: 'https://www.avito.ru/moskva/noutbuki/lenovo_thinkpad_t14_gen_2_i5_16_512_4341979280',
    address: 'Москва, Лесная улица, 7',
    category: { id: 98, name: 'Ноутбуки' },
  },
];

/** Names of the buyers `buyer new` invents, one per new chat. */
const BUYER_NAMES = ['Иван', 'Мария', 'Алексей', 'Ольга', 'Дмитрий', 'Екатерина', 'Сергей', 'Анна'];

/** The n-th invented buyer (0-based): the names, then the names again with a number. */
export function buyerName(n: number): string {
  const name = BUYER_NAMES[n % BUYER_NAMES.length]!;
  const round = Math.floor(n / BUYER_NAMES.length);
  return round === 0 ? name : `${name} ${round + 1}`;
}

const SimState = z.object({
  listings: z.array(z.custom<Listing>((v) => typeof v === 'object' && v !== null && 'id' in v)),
  chats: z.array(
    z.object({
      id: z.string(),
      type: z.enum(['u2i', 'u2u', 'a2u']),
      itemId: z.number().nullable(),
      buyer: z.object({ id: z.number(), name: z.string() }),
      messages: z.array(
        z.object({
          id: z.string(),
          type: z.string(),
          content: z.object({ text: z.string().optional() }),
          origin: z.string(),
        }),
      ),
    }),
  ),
  subscriptions: z.array(z.string()),
});

/** What the Avito simulator holds right now. */
export type AvitoSnapshot = z.infer<typeof SimState>;

/**
 * Finds the chat a user means: the full id, its number in `show` (`2`, `#2`) or a unique start of the id.
 * Returns a message when there is no such chat or the start is ambiguous.
 */
export function resolveChat<C extends { id: string }>(ref: string, chats: readonly C[]): C | string {
  const exact = chats.find((c) => c.id === ref);
  if (exact) return exact;
  const index = /^#?(\d{1,4})$/.exec(ref);
  if (index) {
    const chat = chats[Number(index[1]) - 1];
    if (chat) return chat;
  }
  const prefixed = chats.filter((c) => c.id.startsWith(ref));
  if (prefixed.length === 1) return prefixed[0]!;
  if (chats.length === 0) return `no chat "${ref}": there are no Avito chats yet (try "buyer new …")`;
  const why = prefixed.length > 1 ? `"${ref}" matches ${prefixed.length} chats` : `no chat "${ref}"`;
  return `${why}; use a number from "show" (1…${chats.length}) or a full chat id`;
}

/**
 * The service's side of the two-terminal tryout: its port, and a loopback PUBLIC_URL (allowed for loopback
 * only) so that it subscribes its Avito webhook on start — without one no buyer message ever reaches it —
 * and takes the Telegram simulator's updates by webhook.
 */
export function tryoutServiceEnv(port: number): Record<string, string> {
  return { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` };
}

/** Ports of the simulators (0 = a free one). */
export type SessionPorts = SimPorts;

/** The long-lived amoCRM token the simulator accepts (what `AMOCRM_ACCESS_TOKEN` carries). */
export const SIM_AMOCRM_TOKEN = 'sim-amocrm-long-lived-token';

/** The running simulators plus the REPL's actions on them. */
export interface SimSession {
  avito: AvitoSim;
  telegram: TelegramSim;
  gemini: GeminiSim;
  amocrm: AmoCrmSim;
  calendar: GoogleCalendarSim;
  yookassa: YooKassaSim;
  smtp: SmtpSim;
  /** The lines for `.env`. */
  env: Record<string, string>;
  /** Runs one command and returns what to print (errors are returned as text too, never thrown). */
  run(command: Command): Promise<string>;
  /** Polls the sims every `intervalMs` and reports new or edited bot messages and the service's Avito sends. */
  watch(log: (text: string) => void, intervalMs?: number): void;
  /** Stops watching and closes the simulators. Safe to call twice. */
  close(): Promise<void>;
}

/** How long `tap` waits for the bot's answerCallbackQuery. */
const TAP_ANSWER_MS = 2000;

async function startOne<T>(what: string, flag: string, port: number, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE') {
      throw new Error(
        `the ${what} simulator cannot listen on port ${port}: it is in use. Pass another port ` +
          `(--${flag}-port N) or --random-ports`,
        { cause: error },
      );
    }
    throw error;
  }
}

/**
 * What the Telegram buyer bot writes to the simulated buyer from now on: each call returns the lines to print for
 * the bot's messages since the previous call (none while the buyer has not written).
 */
export function watchBuyerBot(telegram: TelegramSim): () => string[] {
  const bot = telegram.botNamed(SIM_BUYER_BOT.bot.username);
  const messages = (): TgMessage[] => {
    try {
      return bot?.chat(SIM_BUYER_BOT.user.id).messages ?? [];
    } catch {
      return []; // no chat before the buyer first writes
    }
  };
  let seen = messages().length;
  return () => {
    const all = messages();
    const lines = all
      .slice(seen)
      .filter((m) => m.from?.id === SIM_BUYER_BOT.bot.id)
      .map(
        (m) =>
          `[telegram buyer] @${SIM_BUYER_BOT.bot.username} → buyer:\n  ${(m.text ?? '').replace(/\n/g, '\n  ')}`,
      );
    seen = all.length;
    return lines;
  };
}

/**
 * Starts the Avito, Telegram, Gemini, amoCRM, Google Calendar, YooKassa and SMTP simulators on loopback and
 * seeds {@link SAMPLE_LISTINGS}. YooKassa notifies `servicePort`'s `/yookassa/notifications` from 127.0.0.1;
 * the calendar's service-account key is written to a temporary file named in the env (removed on close).
 */
export async function startSession(ports: SessionPorts, servicePort = 3000): Promise<SimSession> {
  const started: Array<{ close(): Promise<void> }> = [];
  const keyDir = mkdtempSync(join(tmpdir(), 'avito-responder-sim-'));
  let avito: AvitoSim;
  let telegram: TelegramSim;
  let gemini: GeminiSim;
  let amocrm: AmoCrmSim;
  let calendar: GoogleCalendarSim;
  let yookassa: YooKassaSim;
  let smtp: SmtpSim;
  try {
    avito = await startOne('Avito', 'avito', ports.avito, () =>
      startAvitoSim({ port: ports.avito, controlRoutes: true, listings: SAMPLE_LISTINGS }),
    );
    started.push(avito);
    telegram = await startOne('Telegram', 'telegram', ports.telegram, () =>
      startTelegramSim({ port: ports.telegram, bots: [SIM_BUYER_BOT] }),
    );
    started.push(telegram);
    gemini = await startOne('Gemini', 'gemini', ports.gemini, () => startGeminiSim({ port: ports.gemini }));
    started.push(gemini);
    amocrm = await startOne('amoCRM', 'amocrm', ports.amocrm, () =>
      startAmoCrmSim({ port: ports.amocrm, controlRoutes: true, longLivedTokens: [SIM_AMOCRM_TOKEN] }),
    );
    started.push(amocrm);
    calendar = await startOne('Google Calendar', 'calendar', ports.calendar, () =>
      startGoogleCalendarSim({ port: ports.calendar, controlRoutes: true }),
    );
    started.push(calendar);
    yookassa = await startOne('YooKassa', 'yookassa', ports.yookassa, () =>
      startYooKassaSim({
        port: ports.yookassa,
        controlRoutes: true,
        notificationUrl: `http://127.0.0.1:${servicePort}/yookassa/notifications`,
        notificationSourceAddress: '127.0.0.1',
      }),
    );
    started.push(yookassa);
    smtp = await startOne('SMTP', 'smtp', ports.smtp, () => startSmtpSim({ port: ports.smtp }));
    started.push(smtp);
  } catch (error) {
    await Promise.allSettled(started.map((s) => s.close()));
    rmSync(keyDir, { recursive: true, force: true });
    throw error;
  }

  const ownerId = telegram.user.id;
  const botId = telegram.bot.id;
  const buyerBot = telegram.botNamed(SIM_BUYER_BOT.bot.username)!;
  const tgBuyerId = SIM_BUYER_BOT.user.id;
  const env: Record<string, string> = {
    ...serviceEnvFor({
      avito,
      telegram,
      gemini,
      amocrm,
      calendar: { sim: calendar, keyFile: writeServiceAccountKey(calendar, keyDir) },
      yookassa,
      yookassaSource: '127.0.0.1',
      smtp,
    }),
    TELEGRAM_BUYER_BOT_TOKEN: buyerBot.token,
  };
  let buyersInvented = 0;
  /** Chat ids in `show` order, as of the last snapshot (for the watcher's `[n]`). */
  let chatOrder: string[] = [];

  const snapshot = async (): Promise<AvitoSnapshot> => {
    const response = await fetch(`${avito.url}/__sim/state`);
    const state = SimState.parse(await response.json());
    chatOrder = state.chats.map((c) => c.id);
    return state;
  };

  const ownerMessages = (): TgMessage[] => telegram.chat(ownerId).messages;

  const botIsIdle = (): boolean =>
    telegram.calls.find('/getUpdates').length === 0 && telegram.webhookInfo().url === '';

  const buyer = async (target: ChatTarget, text: string): Promise<string> => {
    const state = await snapshot();
    let input: Parameters<AvitoSim['buyerWrites']>[0];
    if (target.kind === 'chat') {
      const chat = resolveChat(target.ref, state.chats);
      if (typeof chat === 'string') return chat;
      input = {
        buyer: chat.buyer,
        text,
        chatType: chat.type,
        ...(chat.itemId !== null ? { itemId: chat.itemId } : {}),
      };
    } else {
      const itemId = target.kind === 'item' ? target.itemId : state.listings[0]?.id;
      if (itemId === undefined || !state.listings.some((l) => l.id === itemId)) {
        const known = state.listings.map((l) => `item:${l.id}`).join(', ') || 'none';
        return `no listing ${itemId ?? ''} (listings: ${known})`;
      }
      input = { itemId, buyer: { name: buyerName(buyersInvented) }, text };
      buyersInvented += 1;
    }
    const result = await avito.buyerWrites(input);
    const after = await snapshot();
    const index = after.chats.findIndex((c) => c.id === result.chatId);
    const chat = after.chats[index];
    const isNew = (chat?.messages.length ?? 0) <= 1;
    const title = chat ? chatTitle(chat, index + 1, after.listings) : result.chatId;
    return `chat ${title}${isNew ? ' (new)' : ''}\n${formatDeliveries(result.deliveries)}`;
  };

  const seller = async (ref: string, text: string): Promise<string> => {
    const state = await snapshot();
    const chat = resolveChat(ref, state.chats);
    if (typeof chat === 'string') return chat;
    const result = await avito.sellerWritesFromApp(chat.id, text);
    const index = state.chats.indexOf(chat) + 1;
    return `seller (app) → chat ${chatTitle(chat, index, state.listings)}\n${formatDeliveries(result.deliveries)}`;
  };

  const owner = (text: string): string => {
    const sent = telegram.userSends(ownerId, text);
    const hint = botIsIdle() ? '\n(no bot is reading updates yet: start the service with the env above)' : '';
    return `owner → bot, message #${sent.message.message_id}${hint}`;
  };

  /** A buyer writes to the Telegram buyer bot; `/start <itemId>` is its deep link about a listing. */
  const tgBuyer = (text: string): string => {
    const start = /^\/start(?:\s+(\S+))?$/.exec(text);
    const sent = start ? buyerBot.userStarts(tgBuyerId, start[1]) : buyerBot.userSends(tgBuyerId, text);
    return `buyer → @${SIM_BUYER_BOT.bot.username}, message #${sent.message.message_id}`;
  };

  const tap = async (typed: string): Promise<string> => {
    // People type «tap отправить»: emoji and case are optional, a unique start is enough.
    const buttonText = resolveButton(typed, ownerMessages()) ?? typed;
    const found = telegram.findButton(ownerId, buttonText);
    if (!found) {
      const lastWithButtons = ownerMessages()
        .filter((m) => m.from?.id === botId && buttonTexts(m).length > 0)
        .at(-1);
      const offer = lastWithButtons
        ? `buttons on #${lastWithButtons.message_id}: ${buttonTexts(lastWithButtons)
            .map((b) => `[${b}]`)
            .join(' ')}`
        : 'the bot has not sent any buttons yet';
      return `no button "${buttonText}" in the owner's chat; ${offer}`;
    }
    const handle = telegram.tap(ownerId, found.messageId, found.button.text);
    const answer = await handle.waitForAnswer(TAP_ANSWER_MS).catch(() => undefined);
    const head = `owner tapped [${found.button.text}] on #${found.messageId}`;
    if (!answer) return `${head}; the bot did not answer within ${TAP_ANSWER_MS / 1000} s`;
    return answer.text ? `${head}; bot: "${answer.text}"${answer.show_alert ? ' (alert)' : ''}` : head;
  };

  const reply = (text: string): string => {
    const last = telegram.lastBotMessage(ownerId);
    if (!last) return 'the bot has not sent anything to reply to yet';
    const sent = telegram.userReplies({ chatId: ownerId, messageId: last.message_id }, text);
    return `owner ↩ #${last.message_id} → bot, message #${sent.message.message_id}`;
  };

  const show = async (): Promise<string> => {
    const state = await snapshot();
    return [
      formatOwnerChat(ownerMessages(), botId, ownerId),
      formatAvitoChats(state.chats, state.listings, state.subscriptions),
    ].join('\n');
  };

  const pay = async (): Promise<string> => {
    const waiting = yookassa.payments().filter((p) => p.status === 'pending');
    const payment = waiting.at(-1);
    if (!payment) return 'no YooKassa payment is waiting for the buyer (issue an invoice first)';
    const deliveries = await yookassa.buyerPays(payment.id);
    const sent = deliveries.map((d) => `${d.label} → ${d.state}`).join(', ') || 'no notification URL';
    return `buyer paid ${payment.amount.value} ₽ (${payment.description ?? payment.id}); notification: ${sent}`;
  };

  const deals = (): string => {
    const statuses = new Map(amocrm.pipeline.statuses.map((st) => [st.id, st.name]));
    const list = amocrm.leads();
    if (list.length === 0) return 'no amoCRM deals yet';
    return list
      .map((lead) => {
        const tags = amocrm.tagsOf(lead.id).map((t) => t.name);
        const notes = amocrm.notesOf(lead.id).map((n) => `    · ${String(n.params.text ?? n.note_type)}`);
        const status = statuses.get(lead.status_id) ?? String(lead.status_id);
        return [`  #${lead.id} ${lead.name} — ${status} [${tags.join(', ')}]`, ...notes].join('\n');
      })
      .join('\n');
  };

  const mail = (): string => {
    const messages = smtp.messages();
    if (messages.length === 0) return 'no e-mails caught yet';
    return messages
      .map((m) => {
        const files = m.attachments.map((a) => a.filename ?? a.contentType).join(', ');
        return `  → ${m.to.map((t) => t.address).join(', ')}: ${m.subject ?? ''}${files ? ` [${files}]` : ''}`;
      })
      .join('\n');
  };

  let timer: NodeJS.Timeout | undefined;
  let closing: Promise<void> | undefined;

  return {
    avito,
    telegram,
    gemini,
    amocrm,
    calendar,
    yookassa,
    smtp,
    env,
    async run(command) {
      try {
        switch (command.kind) {
          case 'buyer':
            return await buyer(command.target, command.text);
          case 'seller':
            return await seller(command.chat, command.text);
          case 'tgbuyer':
            return tgBuyer(command.text);
          case 'owner':
            return owner(command.text);
          case 'tap':
            return await tap(command.button);
          case 'reply':
            return reply(command.text);
          case 'show':
            return await show();
          case 'listings':
            return formatListings((await snapshot()).listings);
          case 'pay':
            return await pay();
          case 'deals':
            return deals();
          case 'mail':
            return mail();
          case 'help':
            return helpText();
          case 'quit':
          case 'empty':
            return '';
        }
      } catch (error) {
        return `error: ${error instanceof Error ? error.message : String(error)}`;
      }
    },
    watch(log, intervalMs = 300) {
      const seen = new Map<number, string>();
      let sentCount = avito.sentByApi().length;
      const buyerBotNews = watchBuyerBot(telegram);
      const signature = (m: TgMessage) => JSON.stringify([m.text, m.caption, m.reply_markup, m.edit_date]);
      const tick = () => {
        const botMessages = ownerMessages().filter((m) => m.from?.id === botId);
        const present = new Set<number>();
        for (const m of botMessages) {
          present.add(m.message_id);
          const before = seen.get(m.message_id);
          const now = signature(m);
          if (before === now) continue;
          seen.set(m.message_id, now);
          log(`[telegram]${before === undefined ? '' : ' edited'}\n${formatTelegramMessage(m, botId)}`);
        }
        for (const id of seen.keys()) {
          if (!present.has(id)) {
            seen.delete(id);
            log(`[telegram] bot message #${id} deleted`);
          }
        }
        const sent = avito.sentByApi();
        for (const s of sent.slice(sentCount)) {
          const index = chatOrder.indexOf(s.chatId);
          const where = index >= 0 ? `[${index + 1}] ${s.chatId}` : s.chatId;
          log(`[avito] service → chat ${where}:\n  ${s.text.replace(/\n/g, '\n  ')}`);
        }
        sentCount = sent.length;
        for (const line of buyerBotNews()) log(line);
      };
      clearInterval(timer);
      timer = setInterval(() => {
        try {
          tick();
        } catch {
          // A simulator closing under the watcher: nothing to report.
        }
      }, intervalMs);
      timer.unref();
    },
    close() {
      clearInterval(timer);
      closing ??= Promise.allSettled(
        [avito, telegram, gemini, amocrm, calendar, yookassa, smtp].map((sim) => sim.close()),
      ).then(() => rmSync(keyDir, { recursive: true, force: true }));
      return closing;
    },
  };
}
