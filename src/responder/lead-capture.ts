import type { Chat, Message } from '../models/records.js';
import { channelOf } from './channel.js';
import type { ResponderDeps } from './deps.js';
import { scheduleLeadBrief, scheduleLeadMessage } from './jobs/lead-capture.js';
import type { LeadSink, LeadSinkInput } from './ports.js';

/**
 * Buyer conversations become leads through the {@link LeadSink}, beside answering and never in its way: a
 * message's lead is made when it arrives (retried by a job when the sales side fails), the brief is filled by a
 * job per chat after each burst the responder answers.
 */

/** The sink's view of a chat and some of its buyer messages. */
export function leadInput(chat: Chat, messages: readonly Message[]): LeadSinkInput {
  return {
    channel: channelOf(chat.id),
    conversationId: chat.id,
    listing: chat.itemId ? { itemId: chat.itemId, title: chat.listing?.title ?? null } : null,
    buyer: chat.buyerName ? { name: chat.buyerName } : null,
    messages: messages
      .filter((m) => m.author === 'buyer' && m.text)
      .map((m) => ({ id: m.id, text: m.text as string, at: m.createdAt })),
  };
}

/** A buyer message reached the responder: its lead now, or by a retried job if the sales side fails. */
export async function captureBuyerMessage(deps: ResponderDeps, chat: Chat, message: Message): Promise<void> {
  if (!deps.leads) return;
  try {
    await deps.leads.buyerMessage(leadInput(chat, [message]));
  } catch (err) {
    deps.logger.warn(
      { err, chatId: chat.id, messageId: message.id },
      'lead capture failed: retried by a job',
    );
    await scheduleLeadMessage(deps.agenda, chat.id, message.id);
  }
}

/** The burst a `respond` run answers: its brief is read by a job, beside the answer. */
export async function captureBurst(deps: ResponderDeps, chatId: string, messageIds: string[]): Promise<void> {
  if (!deps.leads || messageIds.length === 0) return;
  await scheduleLeadBrief(deps.agenda, chatId, messageIds);
}

/** What the lead-capture jobs run: the sink fed from the stored chat and messages (gone ones are skipped). */
export function leadCaptureUseCases(deps: ResponderDeps & { leads: LeadSink }) {
  const load = async (chatId: string, ids: readonly string[]) => {
    const chat = await deps.store.chats.get(chatId);
    const messages = (await Promise.all(ids.map((id) => deps.store.messages.get(id)))).filter(
      (m) => m !== null,
    );
    const input = chat && messages.length > 0 ? leadInput(chat, messages) : null;
    return input && input.messages.length > 0 ? input : null;
  };
  return {
    async message(chatId: string, messageId: string) {
      const input = await load(chatId, [messageId]);
      if (input) await deps.leads.buyerMessage(input);
    },
    async burst(chatId: string, messageIds: readonly string[]) {
      const input = await load(chatId, messageIds);
      if (input) await deps.leads.buyerBurst(input);
    },
  };
}
