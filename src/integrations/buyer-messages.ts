import { z } from 'zod';
import type { Lead } from '../models/records.js';
import type { DraftActions } from '../responder/ports.js';
import type { Store } from '../store/port.js';
import { PermanentFailure } from './outbox.js';

/** Who the integrations' messages to buyers are from, in the audit and on the owner's card. */
export const INTEGRATIONS_ACTOR = 'system';

/**
 * How the integrations write to a buyer (free slots, a booking, a payment link): through the responder's
 * delivery path, so the message goes out like any answer (retried, reconciled, shown to the owner), once per
 * `key` however often a job runs.
 */
export interface BuyerMessenger {
  send(input: { chatId: string; text: string; key: string }): Promise<void>;
}

const Sent = z.object({ state: z.literal('sent'), draftId: z.string() });
const Sending = z.object({ state: z.literal('sending'), at: z.string() });

/**
 * A {@link BuyerMessenger} on the responder's `replyToBuyer`. A record in the store marks each key before and
 * after the reply: a run cut off between the two finds its reply among the chat's drafts (same text, made
 * after the mark) instead of sending it again.
 */
export function buyerMessenger(deps: {
  actions: Pick<DraftActions, 'replyToBuyer'>;
  store: Pick<Store, 'kv' | 'drafts'>;
}): BuyerMessenger {
  const { kv, drafts } = deps.store;
  return {
    async send({ chatId, text, key }) {
      const kvKey = `buyer-message:${key}`;
      const record: unknown = await kv.get(kvKey);
      if (Sent.safeParse(record).success) return;
      const sending = Sending.safeParse(record);
      if (sending.success) {
        const since = Date.parse(sending.data.at);
        const made = (await drafts.listForChat(chatId)).find(
          (d) => d.kind === 'reply' && d.text === text.trim() && d.createdAt.getTime() >= since,
        );
        if (made) return kv.set(kvKey, { state: 'sent', draftId: made.id });
      }
      await kv.set(kvKey, { state: 'sending', at: new Date(Date.now() - 1000).toISOString() });
      const result = await deps.actions.replyToBuyer(chatId, text, INTEGRATIONS_ACTOR);
      if (!result.ok) {
        await kv.delete(kvKey);
        throw new PermanentFailure(`cannot write to chat ${chatId}: ${result.reason}`);
      }
      await kv.set(kvKey, { state: 'sent', draftId: result.draft.id });
    },
  };
}

/** The conversation to write to a lead's buyer in: the one the buyer wrote from last. */
export function buyerChatOf(lead: Pick<Lead, 'conversations' | 'conversationId'>): string {
  return lead.conversations.at(-1)?.conversationId ?? lead.conversationId;
}
