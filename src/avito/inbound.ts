import type { Logger } from '../logger.js';
import { type Chat, type Draft, type ListingFacts, type Message, sentAuthor } from '../models/records.js';
import type { Store } from '../store/port.js';
import type { AvitoClient } from './client.js';
import { type WebhookMessage, webhookMessageSchema } from './schemas.js';
import { splitMessage } from './split.js';

/** What the rest of the service does with a classified message (the responder implements these). */
export interface InboundHooks {
  /** A buyer wrote (text or not): schedule an answer, or forward when a human has the chat. */
  buyerMessage(chat: Chat, message: Message): Promise<void>;
  /** The seller wrote in Avito outside our service (the Avito app): a human takes over the chat. */
  sellerWroteFromApp(chat: Chat, message: Message): Promise<void>;
}

export interface InboundDeps {
  store: Store;
  /** For chat details (listing title, price, url, buyer name), fetched once per chat. */
  avito: Pick<AvitoClient, 'getChat'>;
  hooks: InboundHooks;
  logger: Logger;
}

export type InboundOutcome =
  'buyer' | 'system' | 'own-echo' | 'seller-from-app' | 'ignored' | 'already-processed';

const normalise = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * Turns a stored webhook event into our records and hands it on. Idempotent: a redelivered or retried
 * event finds its message already stored and does nothing twice.
 */
export async function processInboundEvent(eventId: string, deps: InboundDeps): Promise<InboundOutcome> {
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
  const outcome = await processMessage(parsed.data, deps);
  await store.events.setStatus(eventId, 'processed');
  logger.debug({ eventId, outcome, chatId: parsed.data.chat_id }, 'avito event processed');
  return outcome;
}

async function processMessage(m: WebhookMessage, deps: InboundDeps): Promise<InboundOutcome> {
  const { store } = deps;
  const at = new Date(m.created * 1000);
  const outgoing = m.author_id === m.user_id;
  const isSystem = m.type === 'system';

  let chat = await store.chats.upsert({
    id: m.chat_id,
    itemId: m.item_id ?? undefined,
    ...(isSystem ? {} : outgoing ? { lastOutboundAt: at } : { lastInboundAt: at, buyerId: m.author_id }),
  });
  if (!chat.listing && !isSystem) chat = await fillChatDetails(chat, m.user_id, deps);

  const text = typeof m.content.text === 'string' ? m.content.text : null;
  const base = {
    id: m.id,
    chatId: m.chat_id,
    type: m.type,
    text,
    content: m.type === 'text' ? null : (m.content as Record<string, unknown>),
    createdAt: at,
  };

  if (isSystem) {
    await store.messages.insertOnce({ ...base, direction: outgoing ? 'out' : 'in', author: 'system' });
    return 'system';
  }

  if (outgoing) {
    const known = await store.messages.get(m.id);
    // An owner message without a draft is one the seller typed in the app, stored by an attempt that
    // crashed before the hook ran: run it again (the hooks are idempotent).
    if (known && known.author === 'owner' && known.draftId === null) {
      await deps.hooks.sellerWroteFromApp(chat, known);
      return 'seller-from-app';
    }
    if (known) return 'own-echo';
    const draft = await ownDraftFor(chat.id, m.id, text, store);
    if (draft) {
      // Avito can echo our send before the deliver job has stored the message: record it as ours (the
      // deliver job's own insert of the same id then finds it there).
      await store.messages.insertOnce({
        ...base,
        direction: 'out',
        author: sentAuthor(draft),
        draftId: draft.id,
      });
      return 'own-echo';
    }
    const stored = await store.messages.insertOnce({ ...base, direction: 'out', author: 'owner' });
    await deps.hooks.sellerWroteFromApp(chat, stored.inserted ? stored.record : stored.existing);
    return 'seller-from-app';
  }

  // The event is processed at most once to completion, so a message already stored here means an earlier
  // attempt crashed after storing it: the hook must still run (scheduling an answer is idempotent).
  const stored = await store.messages.insertOnce({ ...base, direction: 'in', author: 'buyer' });
  await deps.hooks.buyerMessage(chat, stored.inserted ? stored.record : stored.existing);
  return 'buyer';
}

/**
 * The draft an outgoing message delivered, if it was ours: by the message id the send returned, or, for an echo
 * that overtook the send's answer (the draft still `sending`, its ids not known yet), by one of the draft's parts
 * being exactly this text. Anything else is the seller writing from the Avito app, even a word of our answer.
 */
async function ownDraftFor(
  chatId: string,
  messageId: string,
  text: string | null,
  store: Store,
): Promise<Draft | null> {
  const drafts = await store.drafts.listForChat(chatId, ['sending', 'sent', 'failed']);
  const byId = drafts.find((d) => d.sentMessageIds.includes(messageId));
  if (byId) return byId;
  if (text === null) return null;
  const echo = normalise(text);
  return (
    drafts.find(
      (d) =>
        d.status === 'sending' &&
        d.sentMessageIds.length < splitMessage(d.text).length &&
        splitMessage(d.text).some((part) => normalise(part) === echo),
    ) ?? null
  );
}

/** Listing facts and the buyer's name from the chat endpoint, once per chat; failures only log. */
async function fillChatDetails(chat: Chat, ourUserId: string, deps: InboundDeps): Promise<Chat> {
  try {
    const details = await deps.avito.getChat(chat.id);
    const item = details.context?.value;
    const buyer = details.users.find((u) => u.id !== ourUserId);
    const listing: ListingFacts | undefined = item?.title
      ? { title: item.title, price: item.price_string ?? null, url: item.url ?? null }
      : undefined;
    return await deps.store.chats.upsert({
      id: chat.id,
      listing,
      itemId: chat.itemId ?? item?.id,
      buyerName: buyer?.name,
      buyerId: chat.buyerId ?? buyer?.id,
    });
  } catch (err) {
    deps.logger.warn(
      { err, chatId: chat.id },
      'could not load Avito chat details; will try again with the next message',
    );
    return chat;
  }
}
