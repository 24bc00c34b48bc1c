import { createHash } from 'node:crypto';
import type { Express, Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { sendAvitoError, sendOk, zodFields } from './errors.js';
import { checkAccount, intParam, queryObject } from './request.js';
import { type AvitoState, priceString } from './state.js';
import type { ChatRecord, ChatType, ListingStatus, MessageRecord } from './types.js';
import type { WebhookDispatcher } from './webhooks.js';

/** What happens to a send's answer after the message was stored: the "unknown outcome" case. */
export type AfterSendFault = { kind: 'drop' } | { kind: 'status'; status: number };

/** Mutable knobs of the messenger routes that controls change at run time. */
export interface MessengerKnobs {
  echoTiming: 'after-response' | 'before-response';
  /** Consumed one per send, in order. */
  afterSend: AfterSendFault[];
}

const CHAT_TYPES = ['u2i', 'u2u', 'a2u'] as const;
const DELETE_WINDOW_SECONDS = 3600;
const MAX_TEXT = 1000;

// status_id is an opaque integer in the spec; this mapping is the simulator's own guess.
const STATUS_IDS: Record<ListingStatus, number> = { active: 1, old: 2, removed: 3, blocked: 4, rejected: 5 };

const ChatsQuery = z.object({
  item_ids: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return undefined;
      const parts = value.split(',');
      if (!parts.every((p) => /^\d+$/.test(p))) {
        ctx.addIssue({ code: 'custom', message: 'must be a comma-separated list of integers' });
        return z.NEVER;
      }
      return parts.map(Number);
    }),
  unread_only: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((v) => v === 'true' || v === '1'),
  chat_types: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const parts = (value ?? 'u2i').split(',').filter((p) => p !== '');
      if (!parts.every((p): p is ChatType => (CHAT_TYPES as readonly string[]).includes(p))) {
        ctx.addIssue({ code: 'custom', message: 'allowed values: u2i, u2u, a2u' });
        return z.NEVER;
      }
      return parts.length > 0 ? parts : ['u2i' as const];
    }),
  limit: intParam(1, 100, 100),
  offset: intParam(0, 1000, 0),
});

const PageQuery = z.object({ limit: intParam(1, 100, 100), offset: intParam(0, 1000, 0) });

const SendBody = z.object({
  type: z.literal('text'),
  message: z.object({ text: z.string() }),
});

const WebhookBody = z.object({ url: z.url({ protocol: /^https?$/ }) });

function profileUrl(userId: number): string {
  return `https://www.avito.ru/user/${createHash('md5').update(String(userId)).digest('hex')}/profile`;
}

function avatar(userId: number): { default: string; images: Record<string, string> } {
  const base = `https://static.avito.ru/stub_avatars/${userId % 10}`;
  return {
    default: `${base}/256x256.png`,
    images: Object.fromEntries(
      ['24x24', '36x36', '48x48', '64x64', '72x72', '96x96', '128x128', '192x192', '256x256'].map((s) => [
        s,
        `${base}/${s}.png`,
      ]),
    ),
  };
}

/** A stored message as `GET …/messages/` (v3) renders it. */
export function renderMessage(state: AvitoState, m: MessageRecord) {
  return {
    id: m.id,
    author_id: m.authorId,
    created: m.created,
    direction: state.isOut(m) ? ('out' as const) : ('in' as const),
    type: m.type,
    content: m.content,
    is_read: m.read !== null,
    read: m.read,
  };
}

/** A chat as `GET …/chats` and `GET …/chats/{chat_id}` (v2) render it. */
export function renderChat(state: AvitoState, chat: ChatRecord) {
  const listing = chat.itemId === null ? undefined : state.listings.get(chat.itemId);
  const last = state.messagesOf(chat.id).at(-1);
  const user = (id: number, name: string) => ({
    id,
    name,
    public_user_profile: {
      user_id: id,
      item_id: chat.itemId ?? undefined,
      url: profileUrl(id),
      avatar: avatar(id),
    },
  });
  return {
    id: chat.id,
    created: chat.created,
    updated: chat.updated,
    context: listing
      ? {
          type: 'item',
          value: {
            id: listing.id,
            title: listing.title,
            price_string: priceString(listing.price),
            url: listing.url,
            status_id: STATUS_IDS[listing.status],
            user_id: state.userId,
            images: {
              count: listing.images.length,
              main: listing.images[0] ? { '140x105': listing.images[0] } : {},
            },
          },
        }
      : undefined,
    users: [user(state.userId, state.account.name), user(chat.buyer.id, chat.buyer.name)],
    last_message: last
      ? {
          id: last.id,
          author_id: last.authorId,
          created: last.created,
          content: last.content,
          type: last.type,
          direction: state.isOut(last) ? 'out' : 'in',
        }
      : undefined,
  };
}

function validationError(res: Response, error: z.ZodError): void {
  sendAvitoError(res, 400, 'validation error', zodFields(error));
}

/**
 * Registers the Messenger routes (avito.md table) on `app`. Reads and sends answer 402 without the tariff;
 * webhook subscription routes work regardless, as on real Avito.
 */
export function registerMessenger(
  app: Express,
  state: AvitoState,
  webhooks: WebhookDispatcher,
  knobs: MessengerKnobs,
): void {
  /** Account check, then the tariff check (402) for chat routes. */
  const guard =
    (handler: (req: Request, res: Response) => void | Promise<void>): RequestHandler =>
    async (req, res) => {
      if (!checkAccount(state, req, res)) return;
      if (!state.tariff) {
        sendAvitoError(res, 402, 'Payment Required: the Messenger API needs the «Максимальный» tariff');
        return;
      }
      await handler(req, res);
    };

  const findChat = (req: Request, res: Response): ChatRecord | undefined => {
    const chat = state.chats.get(String(req.params.chat_id));
    if (!chat) sendAvitoError(res, 404, 'chat not found');
    return chat;
  };

  app.get(
    '/messenger/v2/accounts/:user_id/chats',
    guard((req, res) => {
      const query = ChatsQuery.safeParse(
        queryObject(req, ['item_ids', 'unread_only', 'chat_types', 'limit', 'offset']),
      );
      if (!query.success) return validationError(res, query.error);
      const { item_ids, unread_only, chat_types, limit, offset } = query.data;
      const chats = [...state.chats.values()]
        .filter((c) => chat_types.includes(c.type))
        .filter((c) => item_ids === undefined || (c.itemId !== null && item_ids.includes(c.itemId)))
        .filter((c) => !unread_only || state.isUnread(c.id))
        .sort((a, b) => b.updated - a.updated)
        .slice(offset, offset + limit);
      sendOk(res, { chats: chats.map((c) => renderChat(state, c)) });
    }),
  );

  app.get(
    '/messenger/v2/accounts/:user_id/chats/:chat_id',
    guard((req, res) => {
      const chat = findChat(req, res);
      if (chat) sendOk(res, renderChat(state, chat));
    }),
  );

  app.get(
    '/messenger/v3/accounts/:user_id/chats/:chat_id/messages/',
    guard((req, res) => {
      const query = PageQuery.safeParse(queryObject(req, ['limit', 'offset']));
      if (!query.success) return validationError(res, query.error);
      const chat = findChat(req, res);
      if (!chat) return;
      const { limit, offset } = query.data;
      const page = state
        .messagesOf(chat.id)
        .reverse()
        .slice(offset, offset + limit)
        .map((m) => renderMessage(state, m));
      sendOk(res, state.messagesShape === 'array' ? page : { messages: page });
    }),
  );

  app.post(
    '/messenger/v1/accounts/:user_id/chats/:chat_id/messages',
    guard(async (req, res) => {
      const body = SendBody.safeParse(req.body);
      if (!body.success) return validationError(res, body.error);
      const text = body.data.message.text;
      // Counted in code points, not UTF-16 units: an emoji is one character for Avito's limit [U].
      const length = [...text].length;
      if (text.trim() === '' || length > MAX_TEXT) {
        sendAvitoError(res, 400, 'validation error', {
          'message.text': `length must be between 1 and ${MAX_TEXT} characters (got ${length})`,
        });
        return;
      }
      const chat = findChat(req, res);
      if (!chat) return;
      const message = state.addMessage(chat, state.userId, 'text', { text }, 'api');
      state.sent.push({ chatId: chat.id, messageId: message.id, text, created: message.created });
      // Avito echoes our own message to the webhook; before-response lets it race ahead of the answer.
      if (knobs.echoTiming === 'before-response') await webhooks.emit(message, chat);
      else void webhooks.emit(message, chat);
      const after = knobs.afterSend.shift();
      if (after?.kind === 'drop') {
        req.socket.destroy();
        return;
      }
      if (after?.kind === 'status') {
        sendAvitoError(res, after.status, 'upstream error after the message was stored');
        return;
      }
      sendOk(res, {
        id: message.id,
        created: message.created,
        direction: 'out',
        type: 'text',
        content: { text },
      });
    }),
  );

  app.post(
    '/messenger/v1/accounts/:user_id/chats/:chat_id/messages/image',
    guard((_req, res) => sendAvitoError(res, 501, 'sending images is not simulated')),
  );

  app.post(
    '/messenger/v1/accounts/:user_id/chats/:chat_id/messages/:message_id',
    guard((req, res) => {
      const chat = findChat(req, res);
      if (!chat) return;
      const message = state.messages.find((m) => m.chatId === chat.id && m.id === req.params.message_id);
      if (!message) return sendAvitoError(res, 404, 'message not found');
      if (!state.isOut(message)) return sendAvitoError(res, 400, 'only your own messages can be deleted');
      if (message.type !== 'deleted') {
        if (state.now() - message.created > DELETE_WINDOW_SECONDS) {
          return sendAvitoError(res, 400, 'a message can be deleted only within 1 hour of sending');
        }
        message.type = 'deleted';
        message.content = {};
      }
      sendOk(res, {});
    }),
  );

  app.post(
    '/messenger/v1/accounts/:user_id/chats/:chat_id/read',
    guard((req, res) => {
      const chat = findChat(req, res);
      if (!chat) return;
      const now = state.now();
      for (const m of state.messages) {
        if (m.chatId === chat.id && !state.isOut(m) && m.read === null) m.read = now;
      }
      sendOk(res, { ok: true });
    }),
  );

  app.post('/messenger/v3/webhook', async (req, res) => {
    const body = WebhookBody.safeParse(req.body);
    if (!body.success) return validationError(res, body.error);
    const failed = await webhooks.subscribe(body.data.url);
    if (failed) {
      const why = failed.status === undefined ? failed.error : `status ${failed.status}`;
      sendAvitoError(res, 400, `webhook url check failed: POST {} to ${failed.url} gave ${why}`);
      return;
    }
    sendOk(res, { ok: true });
  });

  app.post('/messenger/v1/webhook/unsubscribe', (req, res) => {
    const body = WebhookBody.safeParse(req.body);
    if (!body.success) return validationError(res, body.error);
    webhooks.unsubscribe(body.data.url);
    sendOk(res, { ok: true });
  });

  app.post('/messenger/v1/subscriptions', (_req, res) => {
    sendOk(res, { subscriptions: webhooks.subscriptions.map((url) => ({ url, version: '3' })) });
  });
}
