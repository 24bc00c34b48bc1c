import type { Chat, Draft, Message } from '../models/records.js';
import type { Decision } from '../rag/answer.js';
import { effectiveMode, humanHasChat, IN_FLIGHT, sameIds, unansweredBuyerMessages } from './context.js';
import { type ResponderDeps, syncCard } from './deps.js';
import { scheduleDeliver } from './schedule.js';

export type RespondOutcome =
  'no-chat' | 'human' | 'nothing-to-answer' | 'already-drafted' | 'escalated' | 'review' | 'auto-sent';

/**
 * One `respond` run for a chat: answers every unanswered buyer message in one draft.
 * Idempotent: a rerun with nothing new changes nothing; a newer buyer message supersedes a pending draft.
 */
export async function respondToChat(
  deps: ResponderDeps,
  chatId: string,
  options: { skipEscalation?: boolean } = {},
): Promise<RespondOutcome> {
  const { store, config, logger } = deps;
  const now = deps.now?.() ?? new Date();
  let chat = await store.chats.get(chatId);
  if (!chat) return 'no-chat';

  const history = await store.messages.lastN(chatId, config.responder.contextMessages);
  const unanswered = unansweredBuyerMessages(history);

  if (chat.state === 'human') {
    if (humanHasChat(chat, now)) return 'human';
    chat = await store.chats.upsert({ id: chatId, state: 'ai', humanUntil: null });
  }

  // Messages already on their way to the buyer in an approved/sending draft are answered.
  const drafts = await store.drafts.listForChat(chatId, ['pending', ...IN_FLIGHT]);
  const inFlight = new Set(
    drafts.filter((d) => IN_FLIGHT.includes(d.status)).flatMap((d) => d.coversMessageIds),
  );
  const toAnswer = unanswered.filter((m) => !inFlight.has(m.id));
  if (toAnswer.length === 0) return 'nothing-to-answer';
  const ids = toAnswer.map((m) => m.id);

  const pending = drafts.filter((d) => d.status === 'pending');
  if (!options.skipEscalation && pending.some((d) => sameIds(d.coversMessageIds, ids)))
    return 'already-drafted';
  for (const old of pending) {
    const superseded = await store.drafts.transition(old.id, ['pending'], 'superseded');
    if (superseded) await syncCard(deps, superseded);
  }

  const settings = await store.settings.get();
  const decision = await decide(deps, chat, history, toAnswer, {
    skipEscalation: options.skipEscalation ?? false,
    keywords: settings.escalationKeywords ?? [],
  });
  const mode = effectiveMode(chat, settings, config.responder.mode);
  const draft = await store.drafts.create(draftFields(chat, decision, ids));
  await store.audit.append({
    actor: 'system',
    action: `draft.created.${draft.kind}`,
    chatId,
    draftId: draft.id,
    after: draft.text || null,
    details: {
      mode,
      strategy: draft.strategy,
      grounded: draft.grounded,
      findings: draft.findings,
      provider: draft.provider,
      model: draft.model,
    },
  });

  const autoSend =
    mode === 'auto' &&
    ((decision.kind === 'answer' && decision.grounded && decision.strategy !== 'local') ||
      decision.kind === 'fallback');
  if (autoSend) {
    const approved = await store.drafts.transition(draft.id, ['pending'], 'approved', { approvedBy: 'auto' });
    if (approved) {
      await scheduleDeliver(deps.agenda, approved.id);
      logger.info({ chatId, draftId: draft.id, kind: draft.kind }, 'draft approved automatically');
      return 'auto-sent';
    }
  }
  await syncCard(deps, draft);
  return draft.kind === 'escalation' ? 'escalated' : 'review';
}

async function decide(
  deps: ResponderDeps,
  chat: Chat,
  history: readonly Message[],
  toAnswer: readonly Message[],
  options: { skipEscalation: boolean; keywords: readonly string[] },
): Promise<Decision> {
  const questions = toAnswer.filter((m) => m.text && m.type === 'text').map((m) => m.text as string);
  // Photos, voice notes, locations…: nothing to retrieve for; the owner sees them.
  if (questions.length === 0)
    return { kind: 'escalate', reason: 'non_text', matched: toAnswer[0]?.type ?? '' };
  return deps.knowledge.answer(
    {
      questions,
      history: history.filter((m) => m.text).map((m) => ({ author: m.author, text: m.text as string })),
      listing: chat.listing ? { ...chat.listing, itemId: chat.itemId } : null,
      locale: deps.config.locale,
    },
    { keywords: options.keywords, skipEscalation: options.skipEscalation },
  );
}

function draftFields(
  chat: Chat,
  decision: Decision,
  covers: string[],
): Parameters<ResponderDeps['store']['drafts']['create']>[0] {
  const base = { chatId: chat.id, coversMessageIds: covers } satisfies Partial<Draft>;
  const by =
    decision.kind === 'escalate'
      ? {}
      : { provider: decision.provider ?? null, model: decision.model ?? null };
  switch (decision.kind) {
    case 'answer':
      return {
        ...base,
        kind: 'answer',
        text: decision.text,
        sources: decision.sources,
        grounded: decision.grounded,
        findings: decision.findings,
        strategy: decision.strategy,
        ...by,
      };
    case 'fallback':
      return {
        ...base,
        kind: 'fallback',
        text: decision.text,
        sources: decision.sources,
        grounded: true,
        findings: [decision.reason, ...(decision.detail ? [decision.detail] : [])],
        strategy: 'none',
        ...by,
      };
    case 'escalate':
      return {
        ...base,
        kind: 'escalation',
        text: '',
        findings: [decision.reason, decision.matched].filter(Boolean),
      };
  }
}
