import { z } from 'zod';
import type { Lead } from '../models/records.js';
import type { DraftActions } from '../responder/ports.js';
import type { Store } from '../store/port.js';
import type { Agenda } from 'agenda';
import { jobKind } from '../jobs/job.js';
import type { IntegrationName } from '../responder/ports.js';
import { defineOutboxJob, type OutboxDeps, outboxQueue, PermanentFailure } from './outbox.js';

/** Who the integrations' messages to buyers are from, in the audit and on the owner's card. */
export const INTEGRATIONS_ACTOR = 'system';

/**
 * How the integrations write to a buyer (free slots, a booking, a payment link): a `buyer-message` job that
 * hands the text to the responder's delivery path, so it goes out like any answer (retried, reconciled, shown
 * to the owner), once per `key` however often anything runs.
 */
export interface BuyerMessenger {
  send(input: { chatId: string; text: string; key: string }): Promise<void>;
}

export const BUYER_MESSAGE_JOB = jobKind(
  'buyer-message',
  z.object({
    key: z.string().min(1).max(300),
    chatId: z.string().min(1),
    text: z.string().min(1).max(3000),
    /** The integration the message is about (whose alert a failure is). */
    from: z.enum(['amocrm', 'calendar', 'yookassa', 'email']),
  }),
);

/** Queues messages to buyers on behalf of `from` (the job is defined once the responder exists). */
export function buyerMessageQueue(agenda: Agenda, from: IntegrationName): BuyerMessenger {
  const queue = outboxQueue(agenda, BUYER_MESSAGE_JOB);
  return { send: ({ chatId, text, key }) => queue.enqueue({ key, chatId, text, from }) };
}

/** Defines the `buyer-message` job on the responder's `replyToBuyer` (see {@link replyOnce}). */
export function defineBuyerMessageJob(deps: OutboxDeps, responder: Parameters<typeof replyOnce>[0]): void {
  const send = replyOnce(responder);
  defineOutboxJob(deps, {
    kind: BUYER_MESSAGE_JOB,
    integration: (d) => d.from,
    operation: 'message-buyer',
    run: (d) => send.send(d),
  });
}

/**
 * Sends through the responder's `replyToBuyer` once per key. A record in the store marks each key before and
 * after the reply: a run cut off between the two finds its reply among the chat's drafts (same text, made
 * after the mark) instead of sending it again.
 */
export function replyOnce(deps: {
  actions: Pick<DraftActions, 'replyToBuyer'>;
  store: Pick<Store, 'buyerMessages' | 'drafts'>;
}): BuyerMessenger {
  const { buyerMessages, drafts } = deps.store;
  return {
    async send({ chatId, text, key }) {
      const record = await buyerMessages.get(key);
      if (record?.state === 'sent') return;
      if (record?.state === 'sending') {
        const since = record.since.getTime();
        const made = (await drafts.listForChat(chatId)).find(
          (d) => d.kind === 'reply' && d.text === text.trim() && d.createdAt.getTime() >= since,
        );
        if (made) return buyerMessages.markSent(key, made.id);
      }
      if (!(await buyerMessages.markSending(key, new Date(Date.now() - 1000)))) return;
      const result = await deps.actions.replyToBuyer(chatId, text, INTEGRATIONS_ACTOR);
      if (!result.ok) {
        await buyerMessages.clear(key);
        throw new PermanentFailure(`cannot write to chat ${chatId}: ${result.reason}`);
      }
      await buyerMessages.markSent(key, result.draft.id);
    },
  };
}

/** The conversation to write to a lead's buyer in: the one the buyer wrote from last. */
export function buyerChatOf(lead: Pick<Lead, 'conversations' | 'conversationId'>): string {
  return lead.conversations.at(-1)?.conversationId ?? lead.conversationId;
}
