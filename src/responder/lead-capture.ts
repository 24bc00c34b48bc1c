import { z } from 'zod';
import type { Chat, Message } from '../models/records.js';
import { channelOf } from './channel.js';
import type { ResponderDeps } from './deps.js';
import { scheduleLeadBrief, scheduleLeadMessage } from './jobs/lead-capture.js';
import type { LeadSink, LeadSinkInput } from './ports.js';

/**
 * Buyer conversations become leads through the {@link LeadSink}, beside answering and never in its way: a
 * message's lead is made when it arrives (retried by a job when the sales side fails), the brief is filled from
 * each burst the responder answers, by the `respond` run itself once the answer is drafted (retried by a job
 * when the sales side fails).
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

/** A burst a `respond` run answers, as it read it, and every message whose brief the chat owes with it. */
export interface Burst {
  chat: Chat;
  messages: Message[];
  owed: string[];
}

/**
 * The brief a chat owes, kept in the store from the moment a burst is known until its brief is read (or handed
 * to a job): a run that dies between the draft and the brief leaves it there, and the chat's next run (the
 * dead run's job, claimed again) reads it. Written and cleared only under the chat's lease.
 */
const owedKey = (chatId: string) => `lead-brief:${chatId}`;
const Owed = z.object({ messageIds: z.array(z.string().min(1)).min(1) });

async function owedIds(deps: ResponderDeps, chatId: string): Promise<string[]> {
  const owed = Owed.safeParse(await deps.store.kv.get(owedKey(chatId)));
  return owed.success ? owed.data.messageIds : [];
}

/**
 * Notes the burst's brief as owed, before the answer is drafted, with whatever a dead run left owed (answered
 * messages leave the next burst, so theirs would be lost otherwise). Null when no brief is read (no leads).
 */
export async function oweBrief(deps: ResponderDeps, chat: Chat, messages: Message[]): Promise<Burst | null> {
  if (!deps.leads || messages.length === 0) return null;
  const ids = messages.map((m) => m.id);
  const owed = [...(await owedIds(deps, chat.id)).filter((id) => !ids.includes(id)), ...ids];
  await deps.store.kv.set(owedKey(chat.id), { messageIds: owed } satisfies z.infer<typeof Owed>);
  return { chat, messages, owed };
}

/**
 * Reads the brief the chat owes, under the chat's lease: from `burst` when this run answered one (only
 * messages a dead run left owed are read again), else from what a dead run left owed (looked up only then).
 * A failing sales side gets the brief retried by a job; so does a run that lost the lease, leaving the brief
 * owed for whoever holds the chat now. Never throws: the brief never fails the answer it follows.
 */
export async function settleBrief(
  deps: ResponderDeps,
  chatId: string,
  burst: Burst | null,
  { leaseHeld }: { leaseHeld: boolean },
): Promise<void> {
  if (!deps.leads) return;
  try {
    if (!leaseHeld) {
      if (burst) await scheduleLeadBrief(deps.agenda, chatId, burst.owed);
      return;
    }
    const ids = burst?.owed ?? (await owedIds(deps, chatId));
    if (ids.length === 0) return;
    if (!burst) deps.logger.info({ chatId }, 'reading the brief a stopped run owed');
    const known = burst?.messages ?? [];
    const left = ids.filter((id) => !known.some((m) => m.id === id));
    const input =
      left.length === 0 && burst
        ? leadInput(burst.chat, burst.messages)
        : await storedInput(deps, chatId, ids);
    try {
      if (input) await deps.leads.buyerBurst(input);
    } catch (err) {
      deps.logger.warn({ err, chatId }, 'lead brief failed: retried by a job');
      await scheduleLeadBrief(deps.agenda, chatId, ids);
    }
    await deps.store.kv.delete(owedKey(chatId));
  } catch (err) {
    // The owed brief stays in the store: the chat's next run reads it.
    deps.logger.warn({ err, chatId }, 'could not settle the lead brief: left for the next run');
  }
}

/** The sink's view of a chat's stored messages, as a job or a later run finds them (gone ones are skipped). */
async function storedInput(
  deps: ResponderDeps,
  chatId: string,
  ids: readonly string[],
): Promise<LeadSinkInput | null> {
  const chat = await deps.store.chats.get(chatId);
  const messages = (await Promise.all(ids.map((id) => deps.store.messages.get(id))))
    .filter((m) => m !== null)
    .sort((a, b) => a.seq - b.seq);
  const input = chat && messages.length > 0 ? leadInput(chat, messages) : null;
  return input && input.messages.length > 0 ? input : null;
}

/** What the lead-capture jobs run: the sink fed from the stored chat and messages (gone ones are skipped). */
export function leadCaptureUseCases(deps: ResponderDeps & { leads: LeadSink }) {
  const load = (chatId: string, ids: readonly string[]) => storedInput(deps, chatId, ids);
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
