import type { Chat, Draft, DraftStatus, Message } from '../models/records.js';
import type { Store } from '../store/port.js';

/** Drafts in these states answer the buyer messages they cover: on their way to the buyer, or delivered. */
export const ANSWERING: readonly DraftStatus[] = ['approved', 'sending', 'sent'];

/** A message the seller typed in the Avito app (ours carry the draft they delivered). */
const fromSellerApp = (m: Message) => m.direction === 'out' && m.author === 'owner' && m.draftId === null;

/**
 * Buyer messages of `history` that still wait for an answer, in arrival order. Decided by the store's arrival
 * numbers and the drafts, never by clocks (Avito's whole seconds and ours disagree): a buyer message is
 * answered once a draft covering it is approved, sending or sent (a draft covers only messages stored before it
 * was generated), or once the seller wrote from the Avito app after it arrived. Pending drafts answer nothing
 * yet: a newer draft may replace them.
 */
export function awaitingAnswer(history: readonly Message[], drafts: readonly Draft[]): Message[] {
  const answered = new Set(
    drafts.filter((d) => ANSWERING.includes(d.status)).flatMap((d) => d.coversMessageIds),
  );
  const sellerWrote = Math.max(-Infinity, ...history.filter(fromSellerApp).map((m) => m.seq));
  return history.filter((m) => m.author === 'buyer' && m.seq > sellerWrote && !answered.has(m.id));
}

/** A chat as answering sees it: recent history, drafts still in play, and what waits for an answer. */
export interface Conversation {
  history: Message[];
  /** Pending, approved, sending and sent drafts, newest first. */
  drafts: Draft[];
  awaiting: Message[];
}

export async function loadConversation(
  store: Store,
  chatId: string,
  historySize: number,
): Promise<Conversation> {
  const [history, drafts] = await Promise.all([
    store.messages.lastN(chatId, historySize),
    store.drafts.listForChat(chatId, ['pending', ...ANSWERING]),
  ]);
  return { history, drafts, awaiting: awaitingAnswer(history, drafts) };
}

/**
 * True when a `respond` run would draft something: a buyer message waits and no pending draft covers exactly
 * the waiting ones.
 */
export function needsDraft(conversation: Conversation): boolean {
  const ids = conversation.awaiting.map((m) => m.id);
  return (
    ids.length > 0 &&
    !conversation.drafts.some((d) => d.status === 'pending' && sameIds(d.coversMessageIds, ids))
  );
}

/** True while the owner (or the seller in the Avito app) has the chat. */
export function humanHasChat(chat: Chat, now: Date): boolean {
  return chat.state === 'human' && (chat.humanUntil === null || chat.humanUntil > now);
}

export const sameIds = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((id, i) => id === b[i]);
