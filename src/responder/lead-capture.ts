import { z } from 'zod';
import type { Chat, Message } from '../models/records.js';
import { channelOf } from './channel.js';
import type { ResponderDeps } from './deps.js';
import { scheduleLeadBrief, scheduleLeadMessage } from './jobs/lead-capture.js';
import type { LeadSink, LeadSinkInput } from './ports.js';

/**
 * Buyer conversations become leads through the {@link LeadSink}, beside answering and never in its way: a
 * message's lead is made when it arrives (retried by a job when the sales side fails), the brief is filled from
 * each burst the responder answers, read by the `respond` run beside its answer (retried by a job when the
 * sales side fails).
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

/**
 * The brief a chat owes, kept in the store from the moment a burst is known until its brief is read (or handed
 * to a job): a run that dies before then leaves it there, and the chat's next run (the dead run's job, claimed
 * again) reads it. Written and cleared only under the chat's lease.
 */
const owedKey = (chatId: string) => `lead-brief:${chatId}`;
const Owed = z.object({ messageIds: z.array(z.string().min(1)).min(1) });

async function owedIds(deps: ResponderDeps, chatId: string): Promise<string[]> {
  const owed = Owed.safeParse(await deps.store.kv.get(owedKey(chatId)));
  return owed.success ? owed.data.messageIds : [];
}

/**
 * Notes the brief of a burst as owed, before it is answered, with whatever a dead run left owed (answered
 * messages leave the next burst, so theirs would be lost otherwise): the ids of every message owed. Null when
 * no brief is read (no leads).
 */
export async function oweBrief(
  deps: ResponderDeps,
  chatId: string,
  messages: readonly Message[],
): Promise<string[] | null> {
  if (!deps.leads || messages.length === 0) return null;
  const ids = messages.map((m) => m.id);
  const owed = [...(await owedIds(deps, chatId)).filter((id) => !ids.includes(id)), ...ids];
  await deps.store.kv.set(owedKey(chatId), { messageIds: owed } satisfies z.infer<typeof Owed>);
  return owed;
}

/**
 * Reads the brief of the `owed` messages, from the burst as the run read it when that is all of them (else from
 * the store). A failing sales side gets it retried by a job. True when read or handed to a job; never rejects.
 */
export async function readBrief(
  deps: ResponderDeps,
  chatId: string,
  owed: readonly string[],
  burst: { chat: Chat; messages: readonly Message[] } | null,
): Promise<boolean> {
  if (!deps.leads) return true;
  try {
    const input =
      burst && burst.messages.length === owed.length
        ? leadInput(burst.chat, burst.messages)
        : await storedInput(deps, chatId, owed);
    if (input && input.messages.length > 0) await deps.leads.buyerBurst(input);
    return true;
  } catch (err) {
    deps.logger.warn({ err, chatId }, 'lead brief failed: retried by a job');
    try {
      await scheduleLeadBrief(deps.agenda, chatId, [...owed]);
      return true;
    } catch (error) {
      deps.logger.warn({ err: error, chatId }, 'could not queue the lead brief: left owed for the next run');
      return false;
    }
  }
}

/**
 * Once a run's answers are done, under the chat's lease: waits for the briefs it read beside them, or reads the
 * one a dead run left owed (looked up only when the run had none), then clears the owed brief. A run that lost
 * the lease leaves it owed for whoever holds the chat now (read twice at worst). Never throws.
 */
export async function settleBriefs(
  deps: ResponderDeps,
  chatId: string,
  reads: ReadonlyArray<Promise<boolean>>,
  { leaseHeld }: { leaseHeld: boolean },
): Promise<void> {
  if (!deps.leads) return;
  try {
    const done = await Promise.all(reads);
    if (!leaseHeld) return;
    if (reads.length === 0) {
      const owed = await owedIds(deps, chatId);
      if (owed.length === 0) return;
      deps.logger.info({ chatId }, 'reading the brief a stopped run owed');
      done.push(await readBrief(deps, chatId, owed, null));
    }
    if (done.every(Boolean)) await deps.store.kv.delete(owedKey(chatId));
  } catch (err) {
    deps.logger.warn({ err, chatId }, 'could not settle the lead brief: left owed for the next run');
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
