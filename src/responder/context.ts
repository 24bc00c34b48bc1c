import type { Chat, Draft, Message, Mode, Settings } from '../models/records.js';

/** Authors whose message counts as an answer in the chat. */
const ANSWERING: ReadonlySet<Message['author']> = new Set(['ai', 'owner']);

/** Buyer messages after the last message we (or the seller) sent, oldest first. */
export function unansweredBuyerMessages(history: readonly Message[]): Message[] {
  let lastAnswer = -1;
  history.forEach((m, i) => {
    if (m.direction === 'out' && ANSWERING.has(m.author)) lastAnswer = i;
  });
  return history.slice(lastAnswer + 1).filter((m) => m.author === 'buyer');
}

/** The mode that applies to a chat: its own override, else the owner's setting, else configuration. */
export function effectiveMode(chat: Chat, settings: Settings, configured: Mode): Mode {
  if (settings.paused) return 'review';
  return chat.mode ?? settings.mode ?? configured;
}

/** True while the owner (or the seller in the Avito app) has the chat. */
export function humanHasChat(chat: Chat, now: Date): boolean {
  return chat.state === 'human' && (chat.humanUntil === null || chat.humanUntil > now);
}

export const sameIds = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((id, i) => id === b[i]);

/** Drafts still on their way to the buyer: their messages are answered already. */
export const IN_FLIGHT: readonly Draft['status'][] = ['approved', 'sending'];
