import type { Chat, Message } from '../models/records.js';
import { type ResponderDeps, syncCard } from './deps.js';
import { scheduleDeliver } from './jobs/deliver.js';

/**
 * Modules the responder consults before the AI answers a buyer (the sales pipeline: booking a consultation,
 * choosing a slot). One that recognises what the buyer wants answers itself; otherwise the AI answers as usual.
 */
export interface BuyerIntents {
  /** Our own reply to these buyer messages (in arrival order), or null to let the AI answer them. */
  replyTo(input: { chatId: string; messages: readonly Message[] }): Promise<{ text: string } | null>;
}

/** Who an intent's reply is from, in the audit and on the owner's card. */
const INTENT_ACTOR = 'system';

/**
 * Answers `messages` with the intents' reply when one has it: an approved reply draft that goes out through the
 * usual delivery (the owner's card shows it). Null when no intent claims them (or none is configured).
 */
export async function replyFromIntents(
  deps: ResponderDeps,
  chat: Chat,
  messages: readonly Message[],
): Promise<'auto-sent' | null> {
  const reply = await deps.intents?.replyTo({ chatId: chat.id, messages });
  if (!reply) return null;
  const draft = await deps.store.drafts.create({
    chatId: chat.id,
    kind: 'reply',
    status: 'approved',
    text: reply.text,
    approvedBy: INTENT_ACTOR,
    grounded: true,
    coversMessageIds: messages.map((m) => m.id),
  });
  await deps.store.audit.append({
    actor: INTENT_ACTOR,
    action: 'chat.intent-reply',
    chatId: chat.id,
    draftId: draft.id,
    after: draft.text,
  });
  // The card is shown before delivery so delivery edits it rather than sending a second one.
  await syncCard(deps, draft);
  await scheduleDeliver(deps.agenda, draft.id);
  return 'auto-sent';
}
