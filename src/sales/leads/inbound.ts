/**
 * Every buyer text becomes (or continues) a lead: the responder's inbound port wrapped so that each message it
 * takes as the buyer's is recorded on a lead once (a redelivered one comes back as `already-processed`).
 */
import type { Logger } from '../../logger.js';
import type { InboundPort } from '../../responder/channel.js';
import type { Store } from '../../store/port.js';
import type { Leads } from './index.js';

export function recordingLeads(
  inbound: InboundPort,
  deps: { leads: Pick<Leads, 'onBuyerMessage'>; store: Pick<Store, 'chats'>; logger: Logger },
): InboundPort {
  return {
    async receive(event) {
      const outcome = await inbound.receive(event);
      if (outcome !== 'buyer' || event.type !== 'text' || !event.text) return outcome;
      try {
        const chat = await deps.store.chats.get(event.chatId);
        await deps.leads.onBuyerMessage({
          channel: event.channel,
          conversationId: event.chatId,
          listing: chat?.itemId ? { itemId: chat.itemId, title: chat.listing?.title ?? null } : null,
          buyer: { name: chat?.buyerName ?? event.context?.buyer?.name ?? null },
          message: { id: event.messageId, text: event.text, at: event.at },
        });
      } catch (err) {
        // The answer goes ahead; the owner still sees the chat. The lead catches up with the next message.
        deps.logger.error({ err, chatId: event.chatId }, 'the buyer message was not recorded on a lead');
      }
      return outcome;
    },
  };
}
