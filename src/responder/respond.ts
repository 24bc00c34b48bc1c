import type { Chat, Draft, Message, Mode } from '../models/records.js';
import type { Decision } from '../rag/answer.js';
import { takeChatLease } from './chat-lease.js';
import { type Conversation, humanHasChat, loadConversation, needsDraft, sameIds } from './context.js';
import { type ResponderDeps, syncCard, type ViewParts } from './deps.js';
import { replyFromIntents } from './intents.js';
import { scheduleDeliver } from './jobs/deliver.js';
import { scheduleRespond } from './jobs/respond.js';
import { oweBrief, readBrief, settleBriefs } from './lead-capture.js';
import { effectiveMode } from './mode.js';

export type RespondOutcome =
  | 'no-chat'
  | 'human'
  | 'nothing-to-answer'
  | 'already-drafted'
  | 'escalated'
  | 'review'
  | 'auto-sent'
  /** Someone else changed the chat's drafts meanwhile (the owner approved or replied): look again. */
  | 'raced'
  /** Another run has the chat; it answers what is stored (see answerChat). */
  | 'busy';

export interface RespondOptions {
  /** Set by «🤖 Пусть отвечает ИИ»: answer although the escalation rules matched. */
  skipEscalation?: boolean;
  /** False once the run lost its exclusive hold on the chat: it must not send anything then. */
  stillExclusive?: () => Promise<boolean>;
  /**
   * Where the look notes what it started and found, for the run that made it (see answerChat). Without it, a
   * burst's brief stays owed for the chat's next run.
   */
  notes?: LookNotes;
}

/** What the looks of a run tell it. */
export interface LookNotes {
  /** The briefs of the bursts answered, read beside the answers (see readBrief). */
  briefs: Array<Promise<boolean>>;
  /** The last look's check after drafting found no other buyer message waiting: another would find nothing. */
  doneWithChat?: boolean;
}

/** Outcomes after which the chat may hold more to answer (messages that arrived during the run). */
const DRAFTED: readonly RespondOutcome[] = ['escalated', 'review', 'auto-sent', 'raced'];
/** Runs of one `answerChat` before it leaves the rest to a fresh job (a buyer who never stops typing). */
const MAX_RUNS = 5;

/**
 * The `respond` job: answers a chat, one run per chat at a time across processes (a lease in the store).
 * Buyer messages that arrive before its check after drafting are answered by it before it lets go, then the
 * burst's lead brief is read; one stored after its last look waits for the lease in its own job, and should
 * that job give up, gets a fresh one once the lease is released. A second run that finds
 * the chat busy waits for it: should the holder's process have died, its lease runs out and this run answers.
 */
export async function answerChat(
  deps: ResponderDeps,
  chatId: string,
  options: Pick<RespondOptions, 'skipEscalation'> = {},
): Promise<RespondOutcome> {
  const lease = await takeChatLease(deps, chatId);
  if (!lease) return 'busy';
  let outcome: RespondOutcome = 'nothing-to-answer';
  const notes: LookNotes = { briefs: [] };
  try {
    let skipEscalation = options.skipEscalation;
    for (let run = 0; run < MAX_RUNS; run += 1) {
      notes.doneWithChat = false;
      outcome = await respondToChat(deps, chatId, {
        skipEscalation,
        stillExclusive: lease.stillHeld,
        notes,
      });
      skipEscalation = undefined;
      // A message stored after the last look is answered by its own job, or by respondIfNeeded below.
      if (!DRAFTED.includes(outcome) || notes.doneWithChat) break;
    }
  } finally {
    // Under the lease, so that no other run writes the owed brief meanwhile; also when an answer failed.
    await settleBriefs(deps, chatId, notes.briefs, { leaseHeld: outcome !== 'busy' });
    await lease.release();
  }
  await respondIfNeeded(deps, chatId);
  return outcome;
}

/**
 * Queues a `respond` run when a buyer message of an AI-answered chat waits and no pending draft covers what waits: after
 * a run lets go of the chat, and after the owner approves or replies (the draft covered only what was there
 * when it was made).
 */
export async function respondIfNeeded(deps: ResponderDeps, chatId: string): Promise<void> {
  const conversation = await loadConversation(deps.store, chatId, deps.config.responder.contextMessages);
  if (!needsDraft(conversation)) return;
  const chat = await deps.store.chats.get(chatId);
  // While a human has the chat its buyer messages are forwarded, not drafted (handing back queues a run).
  if (!chat || humanHasChat(chat, deps.now?.() ?? new Date())) return;
  await scheduleRespond(deps.agenda, chatId, 0);
}

/**
 * One look at a chat: answers every buyer message waiting for an answer in one draft (see `awaitingAnswer`).
 * Idempotent: a rerun with nothing new changes nothing; a newer buyer message supersedes a pending draft.
 * Callers hold the chat's lease (see answerChat); the owner's actions do not, so every step that could collide
 * with them is a compare-and-set, and a lost one ends the look as `raced`.
 */
export async function respondToChat(
  deps: ResponderDeps,
  chatId: string,
  options: RespondOptions = {},
): Promise<RespondOutcome> {
  const { store, config, logger } = deps;
  let chat = await store.chats.get(chatId);
  if (!chat) return 'no-chat';
  if (chat.state === 'human') {
    if (humanHasChat(chat, deps.now?.() ?? new Date())) return 'human';
    chat = await store.chats.upsert({ id: chatId, state: 'ai', humanUntil: null });
  }

  const conversation = await loadConversation(store, chatId, config.responder.contextMessages);
  const toAnswer = conversation.awaiting;
  if (toAnswer.length === 0) return 'nothing-to-answer';
  const ids = toAnswer.map((m) => m.id);

  const pending = conversation.drafts.filter((d) => d.status === 'pending');
  const covering = pending.filter((d) => sameIds(d.coversMessageIds, ids));
  // A pending answer covering exactly these messages stands whatever the owner chose on an escalation.
  const standing = covering.find((d) => d.kind !== 'escalation');
  if (standing) return standingDraft(deps, chat, standing, toAnswer, options);
  const skipEscalation = options.skipEscalation || (await ownerLetAiAnswer(deps, chatId, ids));
  // A pending escalation the owner has since overruled is not an answer; any other is.
  if (covering[0] && !skipEscalation) return standingDraft(deps, chat, covering[0], toAnswer, options);
  for (const old of pending) {
    const superseded = await store.drafts.transition(old.id, ['pending'], 'superseded');
    // The owner approved (or dismissed) it a moment ago: what waits for an answer has changed.
    if (!superseded) return 'raced';
    await syncCard(deps, superseded);
  }

  // A new burst to answer: its brief is owed from now on, and read beside the answer, never in its way.
  const owed = await oweBrief(deps, chatId, toAnswer);
  if (owed && options.notes)
    options.notes.briefs.push(readBrief(deps, chatId, owed, { chat, messages: toAnswer }));
  // ▼ buyer intents (src/responder/intents.ts): the sales pipeline answers what it recognises itself
  const intent = await replyFromIntents(deps, chat, toAnswer);
  if (intent) return intent;
  // ▲ buyer intents

  const settings = await store.settings.get();
  const decision = await decide(deps, chat, conversation.history, toAnswer, {
    skipEscalation,
    keywords: settings.escalationKeywords ?? [],
  });
  const draft = await store.drafts.create(draftFields(chat, decision, ids));

  // The model took a while: the seller may have written from the app, the owner taken over or replied.
  const { conflict, chat: chatNow, doneWithChat } = await conflictAfterDrafting(deps, draft, options);
  if (conflict) {
    await store.drafts.transition(draft.id, ['pending'], 'superseded');
    logger.info({ chatId, draftId: draft.id, conflict }, 'draft dropped: the chat changed while it was made');
    return conflict;
  }
  const mode = effectiveMode(chat, settings, config.responder.mode);
  await auditCreated(deps, draft, mode);
  // The card shows the chat as read after drafting and the messages the draft covers, as read for it.
  const outcome = await present(deps, draft, mode, { chat: chatNow, buyerMessages: toAnswer });
  if (options.notes && outcome !== 'raced') options.notes.doneWithChat = doneWithChat;
  return outcome;
}

/**
 * A pending draft already covers exactly what waits. One that never reached the owner (no card) was left by
 * a run that died between making it and presenting it (kill -9, a failed write): this run presents it, as that
 * run would have (the brief that run owed is read as the run ends, see settleBriefs). Otherwise there is nothing
 * to do.
 */
async function standingDraft(
  deps: ResponderDeps,
  chat: Chat,
  draft: Draft,
  toAnswer: Message[],
  options: RespondOptions,
): Promise<RespondOutcome> {
  if (draft.card) return 'already-drafted';
  deps.logger.info({ chatId: chat.id, draftId: draft.id }, 'presenting a draft an interrupted run left');
  const mode = effectiveMode(chat, await deps.store.settings.get(), deps.config.responder.mode);
  const audited = await deps.store.audit.query({ draftId: draft.id, action: createdAction(draft), limit: 1 });
  if (audited.length === 0) await auditCreated(deps, draft, mode);
  const outcome = await present(deps, draft, mode, { chat, buyerMessages: toAnswer });
  // What waits is exactly what the draft covers.
  if (options.notes && outcome !== 'raced') options.notes.doneWithChat = true;
  return outcome;
}

const createdAction = (draft: Draft) => `draft.created.${draft.kind}`;

/** The audit entry of a new draft, with how it was made. */
async function auditCreated(deps: ResponderDeps, draft: Draft, mode: Mode): Promise<void> {
  await deps.store.audit.append({
    actor: 'system',
    action: createdAction(draft),
    chatId: draft.chatId,
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
}

/**
 * Puts a pending draft on its way: in auto mode a grounded model answer or the fallback goes to the buyer;
 * anything else gets its card, for the owner to decide.
 */
async function present(
  deps: ResponderDeps,
  draft: Draft,
  mode: Mode,
  known: ViewParts,
): Promise<RespondOutcome> {
  const autoSend =
    mode === 'auto' &&
    ((draft.kind === 'answer' && draft.grounded && draft.strategy !== 'local') || draft.kind === 'fallback');
  if (autoSend) {
    const approved = await deps.store.drafts.transition(draft.id, ['pending'], 'approved', {
      approvedBy: 'auto',
    });
    // Retired meanwhile (the seller took the chat, the owner replied): nothing goes out.
    if (!approved) return 'raced';
    await scheduleDeliver(deps.agenda, approved.id);
    deps.logger.info(
      { chatId: draft.chatId, draftId: draft.id, kind: draft.kind },
      'draft approved automatically',
    );
    return 'auto-sent';
  }
  await syncCard(deps, draft, known);
  return draft.kind === 'escalation' ? 'escalated' : 'review';
}

/** True when the owner tapped «🤖 Пусть отвечает ИИ» on an escalation of one of these messages. */
async function ownerLetAiAnswer(
  deps: ResponderDeps,
  chatId: string,
  ids: readonly string[],
): Promise<boolean> {
  const retired = await deps.store.drafts.listForChat(chatId, ['superseded']);
  return retired.some(
    (d) =>
      d.kind === 'escalation' && d.approvedBy !== null && d.coversMessageIds.some((id) => ids.includes(id)),
  );
}

/**
 * Why a draft just made must not stand: the chat went to a human, or its messages were answered meanwhile.
 * Without a conflict, also the chat as it is now and whether anything but the draft's messages waits.
 */
async function conflictAfterDrafting(
  deps: ResponderDeps,
  draft: Draft,
  options: RespondOptions,
): Promise<
  | { conflict: 'human' | 'raced' | 'busy'; chat?: never; doneWithChat?: never }
  | { conflict: null; chat: Chat; doneWithChat: boolean }
> {
  if (options.stillExclusive && !(await options.stillExclusive())) return { conflict: 'busy' };
  const chat = await deps.store.chats.get(draft.chatId);
  if (!chat || humanHasChat(chat, deps.now?.() ?? new Date())) return { conflict: 'human' };
  const now: Conversation = await loadConversation(
    deps.store,
    draft.chatId,
    deps.config.responder.contextMessages,
  );
  const waiting = new Set(now.awaiting.map((m) => m.id));
  if (!draft.coversMessageIds.every((id) => waiting.has(id))) return { conflict: 'raced' };
  return { conflict: null, chat, doneWithChat: waiting.size === draft.coversMessageIds.length };
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
  const computed = await computedQuote(deps, chat, questions);
  return deps.knowledge.answer(
    {
      questions,
      history: history.filter((m) => m.text).map((m) => ({ author: m.author, text: m.text as string })),
      listing: chat.listing ? { ...chat.listing, itemId: chat.itemId } : null,
      locale: deps.config.locale,
      ...(computed ? { computed: [computed] } : {}),
    },
    { keywords: options.keywords, skipEscalation: options.skipEscalation },
  );
}

/** The calculator's quote when the buyer asks the price of a configured product; a failure only loses the quote. */
async function computedQuote(
  deps: ResponderDeps,
  chat: Chat,
  questions: readonly string[],
): Promise<{ title: string; text: string; figure?: string } | null> {
  if (!deps.prices) return null;
  try {
    return await deps.prices.quoteFor({
      questions,
      listing:
        chat.listing || chat.itemId ? { itemId: chat.itemId, title: chat.listing?.title ?? null } : null,
    });
  } catch (err) {
    deps.logger.warn({ err, chatId: chat.id }, 'price quote failed: answering without it');
    return null;
  }
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
