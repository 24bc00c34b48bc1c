/**
 * The Avito adapter's inbound half: a stored webhook event becomes an {@link InboundEvent} for the responder,
 * with the chat's listing and buyer name fetched from Avito the first time a chat is seen. What the message means
 * (the buyer, our echo, the seller in the Avito app) is the responder's to decide.
 */
import type { Logger } from '../logger.js';
import type { InboundContext, InboundEvent, InboundOutcome, InboundPort } from '../responder/channel.js';
import type { Store } from '../store/port.js';
import type { AvitoClient } from './client.js';
import { type WebhookMessage, webhookMessageSchema } from './schemas.js';

export interface InboundDeps {
  store: Store;
  /** For chat details (listing title, price, url, buyer name), fetched once per chat. */
  avito: Pick<AvitoClient, 'getChat'>;
  inbound: InboundPort;
  logger: Logger;
}

/** What became of a stored event: the responder's outcome, or `ignored` for a delivery that is not a message. */
export type AvitoInboundOutcome = InboundOutcome | 'ignored';

/**
 * Hands a stored webhook event to the responder and marks it processed. Idempotent: a redelivered or retried
 * event is handed over again and the responder does nothing twice; a processed one is skipped.
 */
export async function processInboundEvent(eventId: string, deps: InboundDeps): Promise<AvitoInboundOutcome> {
  const { store, logger } = deps;
  const event = await store.events.get(eventId);
  if (!event || event.status === 'processed' || event.status === 'ignored') return 'already-processed';
  await store.events.markAttempt(eventId);

  const payload = event.payload as { payload?: { type?: unknown; value?: unknown } } | null;
  if (payload?.payload?.type !== 'message') {
    await store.events.setStatus(eventId, 'ignored', `payload type ${String(payload?.payload?.type)}`);
    return 'ignored';
  }
  const parsed = webhookMessageSchema.safeParse(payload.payload.value);
  if (!parsed.success) {
    // The route validated it; this only happens for events stored by an older version.
    await store.events.setStatus(eventId, 'ignored', 'message does not match the schema');
    return 'ignored';
  }
  const outcome = await deps.inbound.receive(await inboundEventOf(parsed.data, deps));
  await store.events.setStatus(eventId, 'processed');
  logger.debug({ eventId, outcome, chatId: parsed.data.chat_id }, 'avito event processed');
  return outcome;
}

/** The webhook message as the responder's inbound event. Avito's chat and message ids are used as they are. */
async function inboundEventOf(m: WebhookMessage, deps: InboundDeps): Promise<InboundEvent> {
  const outgoing = m.author_id === m.user_id;
  return {
    channel: 'avito',
    chatId: m.chat_id,
    messageId: m.id,
    direction: outgoing ? 'out' : 'in',
    type: m.type,
    text: typeof m.content.text === 'string' ? m.content.text : null,
    content: m.type === 'text' ? null : (m.content as Record<string, unknown>),
    at: new Date(m.created * 1000),
    context: await contextOf(m, outgoing, deps),
  };
}

/**
 * The item id with every message; the listing's facts and the buyer's name from the chat endpoint while the
 * chat lacks them (once per chat: a failed lookup only logs, and the next message tries again).
 */
async function contextOf(m: WebhookMessage, outgoing: boolean, deps: InboundDeps): Promise<InboundContext> {
  const context: InboundContext = {
    ...(m.item_id ? { listing: { itemId: m.item_id } } : {}),
    // The author of an incoming message is the buyer.
    ...(!outgoing && m.type !== 'system' ? { buyer: { id: m.author_id, name: null } } : {}),
  };
  if (m.type === 'system') return context;
  const chat = await deps.store.chats.get(m.chat_id);
  if (chat?.listing) return context;
  try {
    const details = await deps.avito.getChat(m.chat_id);
    const item = details.context?.value;
    const buyer = details.users.find((u) => u.id !== m.user_id);
    const itemId = m.item_id ?? chat?.itemId ?? item?.id ?? null;
    return {
      listing: item?.title
        ? { itemId, title: item.title, price: item.price_string ?? null, url: item.url ?? null }
        : { itemId },
      buyer: {
        id: context.buyer?.id ?? chat?.buyerId ?? buyer?.id ?? null,
        name: buyer?.name ?? null,
      },
    };
  } catch (err) {
    deps.logger.warn(
      { err, chatId: m.chat_id },
      'could not load Avito chat details; will try again with the next message',
    );
    return context;
  }
}
