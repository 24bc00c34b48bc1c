import { type Agenda, exponential } from 'agenda';
import { z } from 'zod';
import type { Chat, Message } from '../models/records.js';
import { channelOf } from './channel.js';
import type { ResponderDeps } from './deps.js';
import type { LeadSink, LeadSinkInput } from './ports.js';

/**
 * Buyer conversations become leads through the {@link LeadSink}, beside answering and never in its way: a
 * message's lead is made when it arrives (retried by a job when the sales side fails), the brief is filled by a
 * job per chat after each burst the responder answers.
 */
export const LEAD_JOB = {
  /** A buyer message whose lead could not be made at once. */
  message: 'lead-capture-message',
  /** The brief from a chat's latest burst. */
  brief: 'lead-capture-brief',
} as const;

const MessageJobData = z.object({ chatId: z.string().min(1), messageId: z.string().min(1) });
const BriefJobData = z.object({ chatId: z.string().min(1), messageIds: z.array(z.string().min(1)).min(1) });

/** Tries for about an hour before the failure is left in the job's record (and the log). */
const BACKOFF = exponential({ delay: 2000, maxDelay: 10 * 60_000, maxRetries: 10 });

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
    await deps.agenda
      .create(LEAD_JOB.message, { chatId: chat.id, messageId: message.id })
      .unique({ 'data.messageId': message.id })
      .schedule(new Date(Date.now() + 2000))
      .save();
  }
}

/**
 * The burst a `respond` run answers: its brief is read by a job (one per chat; a newer burst replaces a
 * waiting one, whose messages it includes).
 */
export async function scheduleLeadBrief(deps: ResponderDeps, chatId: string, messageIds: string[]) {
  if (!deps.leads || messageIds.length === 0) return;
  await deps.agenda
    .create(LEAD_JOB.brief, { chatId, messageIds })
    .unique({ 'data.chatId': chatId, lockedAt: null })
    .schedule(new Date())
    .save();
}

export function defineLeadJobs(agenda: Agenda, deps: ResponderDeps & { leads: LeadSink }): void {
  const load = async (chatId: string, ids: readonly string[]) => {
    const chat = await deps.store.chats.get(chatId);
    const messages = (await Promise.all(ids.map((id) => deps.store.messages.get(id)))).filter(
      (m) => m !== null,
    );
    return chat && messages.length > 0 ? leadInput(chat, messages) : null;
  };
  agenda.define(
    LEAD_JOB.message,
    async (job) => {
      const data = MessageJobData.safeParse(job.attrs.data);
      if (!data.success) return deps.logger.error({ data: job.attrs.data }, 'bad lead-capture job data');
      const input = await load(data.data.chatId, [data.data.messageId]);
      if (input) await deps.leads.buyerMessage(input);
    },
    { backoff: BACKOFF },
  );
  agenda.define(
    LEAD_JOB.brief,
    async (job) => {
      const data = BriefJobData.safeParse(job.attrs.data);
      if (!data.success) return deps.logger.error({ data: job.attrs.data }, 'bad lead-brief job data');
      const input = await load(data.data.chatId, data.data.messageIds);
      if (input && input.messages.length > 0) await deps.leads.buyerBurst(input);
    },
    { backoff: BACKOFF },
  );
}
