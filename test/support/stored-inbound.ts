import type { InboundEvent } from '../../src/responder/channel.js';
import type { Store } from '../../src/store/port.js';

/**
 * What a stand-in for the responder does with a buyer's message: stores it once (by id, like the responder) and
 * its chat. False when the message was already stored (a redelivery).
 */
export async function storeInboundOnce(store: Store, event: InboundEvent): Promise<boolean> {
  const stored = await store.messages.insertOnce({
    id: event.messageId,
    chatId: event.chatId,
    direction: event.direction,
    author: 'buyer',
    type: event.type,
    text: event.text,
    content: event.content,
    createdAt: event.at,
  });
  if (!stored.inserted) return false;
  await store.chats.upsert({
    id: event.chatId,
    buyerId: event.context?.buyer?.id ?? null,
    buyerName: event.context?.buyer?.name ?? null,
    lastInboundAt: event.at,
  });
  return true;
}
