/**
 * The buyer bot's outbound side: the responder's {@link Channel} for `tg:` chats. Texts go as plain messages
 * (no parse mode: an answer can hold any character), split at Telegram's 4096 code points.
 */
import { type Api, GrammyError, HttpError } from 'grammy';
import { z } from 'zod';
import { splitText } from '../../lib/split-text.js';
import type { Logger } from '../../logger.js';
import type {
  Channel,
  ChannelCapabilities,
  ChannelError,
  OutgoingMessage,
  SendOutcome,
} from '../../responder/channel.js';
import type { KvRepository } from '../../store/port.js';

/** Telegram's limit for one text message, in code points. */
export const TELEGRAM_TEXT_LIMIT = 4096;

export const BUYER_CHANNEL_CAPABILITIES: ChannelCapabilities = {
  maxTextLength: TELEGRAM_TEXT_LIMIT,
  // Telegram carries files, but the port has no file send yet: documents go as links until it does.
  attachments: false,
  typing: true,
  echoesOwnMessages: false,
  sellerWritesOutside: false,
};

/** `tg:<chat>` → Telegram's numeric chat id; undefined for another channel's chat. */
export function telegramChatOf(chatId: string): number | undefined {
  const match = /^tg:(-?\d{1,20})$/.exec(chatId);
  return match ? Number(match[1]) : undefined;
}

/**
 * Our id of a message in the buyer bot: Telegram numbers messages per chat (ours and the buyer's share the
 * sequence), so chat and number together are unique, and the `tgb:` prefix keeps them apart from other channels.
 */
export const buyerMessageId = (chat: number, messageId: number) => `tgb:${chat}:${messageId}`;

/** A grammY failure in the terms the responder's retries and the owner's card need. */
export function channelErrorOf(error: unknown): ChannelError {
  if (error instanceof HttpError)
    return { transient: true, kind: 'network', message: `Telegram unreachable: ${error.message}` };
  if (error instanceof GrammyError) {
    const message = `Telegram ${error.error_code}: ${error.description}`;
    if (error.error_code === 429) return { transient: true, kind: 'rate_limited', message };
    if (error.error_code >= 500) return { transient: true, kind: 'server', message };
    if (error.error_code === 403)
      return {
        transient: false,
        kind: /blocked/i.test(error.description) ? 'blocked' : 'forbidden',
        message,
      };
    if (error.error_code === 401) return { transient: false, kind: 'auth', message };
    if (/chat not found/i.test(error.description)) return { transient: false, kind: 'not_found', message };
    return { transient: false, kind: 'invalid_request', message };
  }
  return { transient: true, kind: 'other', message: error instanceof Error ? error.message : String(error) };
}

const sentLogSchema = z.array(z.object({ id: z.string(), text: z.string().nullable(), at: z.string() }));
/** Sends remembered per chat for {@link Channel.recentOutgoing}: Telegram has no history a bot could read. */
const SENT_LOG_SIZE = 50;

export interface BuyerChannelDeps {
  api: Api;
  kv: KvRepository;
  logger: Logger;
  /** How long the sent log outlives the conversation's last send (the context retention). */
  ttlMs: number;
}

/** The buyer bot's {@link Channel}, plus {@link forget} for the retention job. */
export function telegramBuyerChannel(
  deps: BuyerChannelDeps,
): Channel & { forget(chatId: string): Promise<void> } {
  const { api, kv, logger } = deps;
  const logKey = (chatId: string) => `tgbuyer:sent:${chatId}`;
  // The sent log is read, extended and written back: sends to one chat take turns (in this process).
  const turns = new Map<string, Promise<unknown>>();
  const inTurn = <T>(chatId: string, work: () => Promise<T>): Promise<T> => {
    const previous = turns.get(chatId) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    turns.set(chatId, settled);
    void settled.then(() => {
      if (turns.get(chatId) === settled) turns.delete(chatId);
    });
    return next;
  };

  async function readLog(chatId: string): Promise<OutgoingMessage[]> {
    const parsed = sentLogSchema.safeParse(await kv.get(logKey(chatId)));
    return parsed.success ? parsed.data.map((m) => ({ id: m.id, text: m.text, at: new Date(m.at) })) : [];
  }

  async function remember(chatId: string, sent: OutgoingMessage[]): Promise<void> {
    const log = [...(await readLog(chatId)), ...sent].slice(-SENT_LOG_SIZE);
    await kv.set(
      logKey(chatId),
      log.map((m) => ({ id: m.id, text: m.text, at: m.at.toISOString() })),
      deps.ttlMs,
    );
  }

  return {
    id: 'telegram',
    capabilities: BUYER_CHANNEL_CAPABILITIES,

    send(chatId, text) {
      return inTurn(chatId, async (): Promise<SendOutcome> => {
        const chat = telegramChatOf(chatId);
        if (chat === undefined)
          return {
            kind: 'failed',
            error: { transient: false, kind: 'not_found', message: `${chatId} is not a Telegram buyer chat` },
          };
        const parts = splitText(text, TELEGRAM_TEXT_LIMIT);
        if (parts.length === 0)
          return {
            kind: 'failed',
            error: { transient: false, kind: 'invalid_request', message: 'empty text' },
          };
        const sent: OutgoingMessage[] = [];
        let failure: ChannelError | undefined;
        for (const part of parts) {
          try {
            const message = await api.sendMessage(chat, part);
            sent.push({
              id: buyerMessageId(chat, message.message_id),
              text: part,
              at: new Date(message.date * 1000),
            });
          } catch (error) {
            failure = channelErrorOf(error);
            logger.warn(
              { chatId, part: sent.length + 1, of: parts.length, error: failure },
              'send to a buyer failed',
            );
            break;
          }
        }
        // What reached the buyer is remembered before anything else can fail: a crash after a send is settled
        // from this log, not by sending again.
        if (sent.length > 0) await remember(chatId, sent);
        const messageIds = sent.map((m) => m.id);
        if (!failure) return { kind: 'sent', messageIds };
        if (sent.length === 0) return { kind: 'failed', error: failure };
        return { kind: 'partial', messageIds, totalParts: parts.length, error: failure };
      });
    },

    async markRead() {
      // Telegram shows a bot's reading by itself; there is nothing to mark.
    },

    async recentOutgoing(chatId, limit) {
      return (await readLog(chatId)).slice(-Math.max(0, limit));
    },

    async typing(chatId, on) {
      const chat = telegramChatOf(chatId);
      // The indicator lasts about 5 s and ends with our next message: there is nothing to switch off.
      if (!on || chat === undefined) return;
      await api.sendChatAction(chat, 'typing').catch((error: unknown) => {
        logger.debug({ err: error, chatId }, 'typing indicator not shown');
      });
    },

    async forget(chatId) {
      await kv.delete(logKey(chatId));
    },
  };
}
