/**
 * What a message seen by a channel means for the conversation: a buyer asking (answer it), a system notice
 * (keep it as context), our own message coming back (recognise it), or the seller writing outside our service
 * (step back). The same story for every channel; a channel's capabilities say which parts of it can happen.
 */
import { splitText } from '../lib/split-text.js';
import { type Chat, type Draft, type Message, type MessageAuthor, sentAuthor } from '../models/records.js';
import type { Store } from '../store/port.js';
import type { ChannelCapabilities, InboundEvent, InboundOutcome } from './channel.js';
import { onBuyerMessage, pauseForSeller } from './chat-state.js';
import type { ResponderDeps } from './deps.js';

/**
 * Takes one inbound event through to its effect. Idempotent: an event handed over again (a redelivery, a retry
 * after a crash between storing the message and acting on it) finds its message stored and finishes what is left,
 * without doing anything twice (scheduling an answer and pausing are idempotent themselves).
 */
export async function receiveInbound(deps: ResponderDeps, event: InboundEvent): Promise<InboundOutcome> {
  const capabilities = capabilitiesOf(deps, event);
  const chat = await recordChat(deps.store, event);
  if (event.type === 'system') {
    await storeMessage(deps.store, event, 'system');
    return 'system';
  }
  if (event.direction === 'in') {
    await onBuyerMessage(deps, chat, await storeMessage(deps.store, event, 'buyer'));
    return 'buyer';
  }
  return outgoing(deps, chat, event, capabilities);
}

/** A message from our side of the conversation: our own send coming back, or the seller writing elsewhere. */
async function outgoing(
  deps: ResponderDeps,
  chat: Chat,
  event: InboundEvent,
  capabilities: ChannelCapabilities,
): Promise<InboundOutcome> {
  const { store } = deps;
  const known = await store.messages.get(event.messageId);
  // Stored as the seller's by an attempt that crashed before the pause: pause now.
  if (known && isFromSellerOutside(known)) {
    await pauseForSeller(deps, chat, known);
    return 'seller-outside';
  }
  // The deliver job (or an earlier echo) recorded it as ours.
  if (known) return 'own-echo';
  const draft = capabilities.echoesOwnMessages
    ? await draftDelivering(store, event, capabilities.maxTextLength)
    : null;
  if (draft) {
    // The echo overtook the deliver job's record of the send: recorded as ours here (the deliver job's own
    // insert of the same id then finds it).
    await storeMessage(store, event, sentAuthor(draft), draft.id);
    return 'own-echo';
  }
  if (!capabilities.sellerWritesOutside) {
    // The channel never shows the seller's own messages: there is nobody else this could be. Kept as context.
    deps.logger.warn(
      { chatId: chat.id, channel: event.channel },
      'unexpected outgoing message kept as context',
    );
    await storeMessage(store, event, 'system');
    return 'system';
  }
  await pauseForSeller(deps, chat, await storeMessage(store, event, 'owner'));
  return 'seller-outside';
}

/**
 * The draft an outgoing message delivered, if it was ours: by the message id the send returned, or, for an echo
 * that overtook the send's answer (the draft still `sending`, its ids not known yet), by one of the draft's parts
 * being exactly this text. Anything else is the seller writing outside our service, even a word of our answer.
 */
async function draftDelivering(
  store: Store,
  event: InboundEvent,
  maxTextLength: number,
): Promise<Draft | null> {
  const drafts = await store.drafts.listForChat(event.chatId, ['sending', 'sent', 'failed']);
  const byId = drafts.find((d) => d.sentMessageIds.includes(event.messageId));
  if (byId) return byId;
  if (event.text === null) return null;
  const echo = normalise(event.text);
  return (
    drafts.find((d) => {
      if (d.status !== 'sending') return false;
      const parts = splitText(d.text, maxTextLength);
      return d.sentMessageIds.length < parts.length && parts.some((part) => normalise(part) === echo);
    }) ?? null
  );
}

/** A message the seller wrote outside our service (ours carry the draft they delivered). */
const isFromSellerOutside = (m: Message) => m.author === 'owner' && m.draftId === null;

const normalise = (text: string) => text.replace(/\s+/g, ' ').trim();

function capabilitiesOf(deps: ResponderDeps, event: InboundEvent): ChannelCapabilities {
  const channel = deps.channels.get(event.channel);
  if (!channel)
    throw new Error(
      `An inbound event came from the ${event.channel} channel, which the responder was not built with: ` +
        'register the channel in the composition root before starting its inbound side.',
    );
  return channel.capabilities;
}

/** The chat as of this event: activity times, and whatever the channel told about the buyer and the listing. */
function recordChat(store: Store, event: InboundEvent): Promise<Chat> {
  const { buyer, listing } = event.context ?? {};
  const activity =
    event.type === 'system'
      ? {}
      : event.direction === 'out'
        ? { lastOutboundAt: event.at }
        : { lastInboundAt: event.at };
  return store.chats.upsert({
    id: event.chatId,
    ...activity,
    ...(listing?.itemId ? { itemId: listing.itemId } : {}),
    ...(listing?.title
      ? { listing: { title: listing.title, price: listing.price ?? null, url: listing.url ?? null } }
      : {}),
    ...(buyer?.id ? { buyerId: buyer.id } : {}),
    ...(buyer?.name ? { buyerName: buyer.name } : {}),
  });
}

/** Stores the event's message once; a repeat gets the message as first stored. */
async function storeMessage(
  store: Store,
  event: InboundEvent,
  author: MessageAuthor,
  draftId?: string,
): Promise<Message> {
  const stored = await store.messages.insertOnce({
    id: event.messageId,
    chatId: event.chatId,
    direction: author === 'system' ? event.direction : author === 'buyer' ? 'in' : 'out',
    author,
    type: event.type,
    text: event.text,
    content: event.content,
    ...(draftId ? { draftId } : {}),
    createdAt: event.at,
  });
  return stored.inserted ? stored.record : stored.existing;
}
