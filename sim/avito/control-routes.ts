import type { Express } from 'express';
import { z } from 'zod';
import type { AvitoActors } from './actors.js';
import { sendAvitoError, sendOk, zodFields } from './errors.js';
import type { AvitoState } from './state.js';
import { WEBHOOK_MESSAGE_TYPES } from './types.js';
import type { WebhookDispatcher } from './webhooks.js';

const BuyerWritesBody = z.object({
  itemId: z.number().int().positive().optional(),
  buyer: z
    .object({ id: z.number().int().positive().optional(), name: z.string().min(1) })
    .default({ name: 'Покупатель' }),
  text: z.string().default(''),
  type: z.enum(WEBHOOK_MESSAGE_TYPES).default('text'),
});

const SellerWritesBody = z.object({ chatId: z.string().min(1), text: z.string().min(1) });

/**
 * `/__sim/*`: lets a human play the buyer or the seller from a shell while the service runs against the
 * simulator (`main.ts`). Not part of Avito's API; mounted only with `controlRoutes: true`, loopback only.
 */
export function registerControlRoutes(
  app: Express,
  state: AvitoState,
  actors: AvitoActors,
  webhooks: WebhookDispatcher,
): void {
  app.post('/__sim/buyer-writes', async (req, res) => {
    const body = BuyerWritesBody.safeParse(req.body ?? {});
    if (!body.success) return sendAvitoError(res, 400, 'validation error', zodFields(body.error));
    const itemId = body.data.itemId ?? [...state.listings.keys()][0];
    if (itemId === undefined || !state.listings.has(itemId)) {
      return sendAvitoError(res, 404, 'no such listing; seed one first');
    }
    const result = await actors.buyerWrites({ ...body.data, itemId });
    sendOk(res, { chatId: result.chatId, messageId: result.messageId, deliveries: result.deliveries });
  });

  app.post('/__sim/seller-writes', async (req, res) => {
    const body = SellerWritesBody.safeParse(req.body);
    if (!body.success) return sendAvitoError(res, 400, 'validation error', zodFields(body.error));
    if (!state.chats.has(body.data.chatId)) return sendAvitoError(res, 404, 'chat not found');
    const result = await actors.sellerWritesFromApp(body.data.chatId, body.data.text);
    sendOk(res, { messageId: result.messageId, deliveries: result.deliveries });
  });

  app.post('/__sim/expire-tokens', (_req, res) => {
    state.expireTokens();
    sendOk(res, { ok: true });
  });

  app.get('/__sim/state', (_req, res) => {
    sendOk(res, {
      userId: state.userId,
      listings: [...state.listings.values()],
      chats: [...state.chats.values()].map((c) => ({ ...c, messages: state.messagesOf(c.id) })),
      sentByApi: state.sent,
      subscriptions: webhooks.subscriptions,
      deliveries: webhooks.deliveries.map((d) => ({
        id: d.id,
        url: d.url,
        state: d.state,
        attempts: d.attempts,
      })),
    });
  });
}
