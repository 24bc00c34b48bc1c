import type { Chat, Draft, Message } from '../models/records.js';
import { channelOf } from './channel.js';
import { humanHasChat } from './context.js';
import { captureBuyerMessage } from './lead-capture.js';
import { type ResponderDeps, syncCard, TAKEN_OVER } from './deps.js';
import { scheduleRespond } from './jobs/respond.js';
import type { Actor } from './ports.js';

/**
 * Pending drafts of a chat become moot when a human answers it. With `takenOverBy` the owner took the chat
 * from the card: the draft is recorded as taken over (its card says by whom), not as dismissed.
 */
async function retirePendingDrafts(
  deps: ResponderDeps,
  chatId: string,
  to: 'superseded' | 'dismissed',
  takenOverBy?: Actor,
): Promise<void> {
  for (const draft of await deps.store.drafts.listForChat(chatId, ['pending'])) {
    const retired = await deps.store.drafts.transition(draft.id, ['pending'], to);
    if (!retired) continue;
    if (takenOverBy)
      await deps.store.audit.append({ actor: takenOverBy, action: TAKEN_OVER, chatId, draftId: draft.id });
    await syncCard(deps, retired);
  }
}

/** 🙋 The owner answers this chat personally until handing it back. */
export async function takeOver(deps: ResponderDeps, chatId: string, actor: Actor): Promise<Chat | null> {
  if (!(await deps.store.chats.get(chatId))) return null;
  const chat = await deps.store.chats.upsert({ id: chatId, state: 'human', humanUntil: null });
  await retirePendingDrafts(deps, chatId, 'dismissed', actor);
  await deps.store.audit.append({ actor, action: 'chat.take-over', chatId });
  return chat;
}

/**
 * The AI answers this chat again; anything the buyer wrote meanwhile and nobody answered gets a draft.
 * Cards of the chat that offered «hand back» while the owner held it are brought up to date.
 */
export async function handBack(deps: ResponderDeps, chatId: string, actor: Actor): Promise<Chat | null> {
  if (!(await deps.store.chats.get(chatId))) return null;
  const chat = await deps.store.chats.upsert({ id: chatId, state: 'ai', humanUntil: null });
  await deps.store.audit.append({ actor, action: 'chat.hand-back', chatId });
  const shown = (await deps.store.drafts.listForChat(chatId, HAND_BACK_SHOWN)).filter((d) => d.card);
  for (const draft of shown.slice(0, CARDS_UPDATED_ON_HAND_BACK)) await syncCard(deps, draft);
  await scheduleRespond(deps.agenda, chatId, 0);
  return chat;
}

/** The newest cards are the ones the owner looks at; older ones keep a button that does no harm. */
const CARDS_UPDATED_ON_HAND_BACK = 10;

/** Final states whose card offers «hand back» while a human has the chat (see the bot's card keyboard). */
const HAND_BACK_SHOWN: readonly Draft['status'][] = ['sent', 'dismissed', 'superseded', 'failed'];

/**
 * The seller answered outside our service (the Avito app): the AI steps back for HUMAN_PAUSE_MINUTES. The owner
 * is told once per pause; a further message from there only extends it. A manual take-over is left as it is.
 */
export async function pauseForSeller(deps: ResponderDeps, chat: Chat, message: Message): Promise<void> {
  const now = deps.now?.() ?? new Date();
  if (chat.state === 'human' && chat.humanUntil === null) return;
  const alreadyPaused = humanHasChat(chat, now);
  const until = new Date(now.getTime() + deps.config.responder.humanPauseMinutes * 60_000);
  const paused = await deps.store.chats.upsert({ id: chat.id, state: 'human', humanUntil: until });
  await retirePendingDrafts(deps, chat.id, 'superseded');
  await deps.store.audit.append({
    // e.g. `avito-app`: the seller wrote from the channel's own app.
    actor: `${channelOf(chat.id)}-app`,
    action: alreadyPaused ? 'chat.pause-extended' : 'chat.paused',
    chatId: chat.id,
    after: message.text,
    details: { until: until.toISOString() },
  });
  if (!alreadyPaused) await deps.notifier.notify({ kind: 'chat-paused', chat: paused, until });
}

/** Chats whose automatic pause ended go back to the AI (a scheduled job). */
export async function resumeExpiredPauses(deps: ResponderDeps): Promise<number> {
  const now = deps.now?.() ?? new Date();
  const expired = await deps.store.chats.listPauseExpired(now);
  for (const chat of expired) {
    await deps.store.chats.upsert({ id: chat.id, state: 'ai', humanUntil: null });
    await deps.store.audit.append({ actor: 'system', action: 'chat.resumed', chatId: chat.id });
  }
  return expired.length;
}

/** A buyer wrote: answer it, or, while a human has the chat, forward it to the owner. */
export async function onBuyerMessage(deps: ResponderDeps, chat: Chat, message: Message): Promise<void> {
  await captureBuyerMessage(deps, chat, message);
  const now = deps.now?.() ?? new Date();
  if (humanHasChat(chat, now)) {
    await deps.notifier.notify({ kind: 'buyer-in-human-chat', chat, messages: [message] });
    return;
  }
  await scheduleRespond(deps.agenda, chat.id, deps.config.responder.debounceSeconds);
}
