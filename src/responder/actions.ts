import type { DraftStatus } from '../models/records.js';
import type { DraftPatch } from '../store/port.js';
import { handBack, takeOver } from './chat-state.js';
import { ANSWERING, loadConversation } from './context.js';
import { type ResponderDeps, syncCard } from './deps.js';
import { scheduleDeliver } from './jobs/deliver.js';
import { scheduleRespond } from './jobs/respond.js';
import {
  type ActionProblem,
  type ActionResult,
  type Actor,
  type DraftActions,
  MAX_OWNER_TEXT,
} from './ports.js';
import { respondIfNeeded } from './respond.js';

/**
 * The owner's card actions. Each is one compare-and-set in the store, so double taps, redelivered
 * updates and two staff members tapping at once change a draft exactly once.
 */
export function createDraftActions(deps: ResponderDeps): DraftActions {
  const { store } = deps;

  async function move(
    draftId: string,
    from: readonly DraftStatus[],
    to: DraftStatus,
    actor: Actor,
    action: string,
    patch: DraftPatch = {},
  ): Promise<ActionResult> {
    const before = await store.drafts.get(draftId);
    if (!before) return { ok: false, reason: 'not_found' };
    const after = await store.drafts.transition(draftId, from, to, patch);
    if (!after) return { ok: false, reason: 'stale', draft: before };
    await store.audit.append({
      actor,
      action,
      chatId: after.chatId,
      draftId,
      before: before.text !== after.text ? before.text : null,
      after: before.text !== after.text ? after.text : null,
    });
    return { ok: true, draft: await syncCard(deps, after) };
  }

  /**
   * The owner's own words to the buyer: an approved `reply` draft, audited, its card sent and recorded before
   * delivery can run (so delivery edits this card instead of sending a second one), then delivered by a job.
   */
  async function ownerMessage(
    chatId: string,
    text: string,
    actor: Actor,
    what: { covers: string[]; action: string; source?: string },
  ) {
    const draft = await store.drafts.create({
      chatId,
      kind: 'reply',
      status: 'approved',
      text: text.trim(),
      approvedBy: actor,
      grounded: true,
      ...(what.source ? { sources: [{ title: what.source, docId: null, itemId: null, snippet: null }] } : {}),
      coversMessageIds: what.covers,
    });
    await store.audit.append({
      actor,
      action: what.action,
      chatId,
      draftId: draft.id,
      after: draft.text,
      ...(what.source ? { details: { source: what.source } } : {}),
    });
    const shown = await syncCard(deps, draft);
    await scheduleDeliver(deps.agenda, draft.id);
    return shown;
  }

  const checkText = (text: string): ActionProblem | null => {
    const trimmed = text.trim();
    if (!trimmed) return { code: 'empty-text' };
    if ([...trimmed].length > MAX_OWNER_TEXT) return { code: 'text-too-long', max: MAX_OWNER_TEXT };
    return null;
  };

  return {
    async approve(draftId, actor) {
      const result = await move(draftId, ['pending'], 'approved', actor, 'draft.approve', {
        approvedBy: actor,
      });
      if (!result.ok) return result;
      await scheduleDeliver(deps.agenda, draftId);
      // The buyer may have written again since the draft was made: that message needs its own answer.
      await respondIfNeeded(deps, result.draft.chatId);
      return result;
    },

    async editAndApprove(draftId, text, actor) {
      const problem = checkText(text);
      if (problem) return { ok: false, reason: 'invalid', problem };
      const result = await move(draftId, ['pending'], 'approved', actor, 'draft.edit', {
        text: text.trim(),
        approvedBy: actor,
      });
      if (!result.ok) return result;
      await scheduleDeliver(deps.agenda, draftId);
      await respondIfNeeded(deps, result.draft.chatId);
      return result;
    },

    dismiss: (draftId, actor) => move(draftId, ['pending'], 'dismissed', actor, 'draft.dismiss'),

    async regenerate(draftId, actor) {
      const result = await move(draftId, ['pending'], 'superseded', actor, 'draft.regenerate');
      if (result.ok) await scheduleRespond(deps.agenda, result.draft.chatId, 0);
      return result;
    },

    async retry(draftId, actor) {
      const draft = await store.drafts.get(draftId);
      if (!draft) return { ok: false, reason: 'not_found' };
      // A newer draft may have answered these messages meanwhile: sending this one too would answer twice.
      const others = await store.drafts.listForChat(draft.chatId, ANSWERING);
      if (
        others.some(
          (o) => o.id !== draftId && o.coversMessageIds.some((id) => draft.coversMessageIds.includes(id)),
        )
      )
        return { ok: false, reason: 'stale', draft };
      const result = await move(draftId, ['failed'], 'approved', actor, 'draft.retry', {
        error: null,
        attempts: 0,
      });
      if (result.ok) await scheduleDeliver(deps.agenda, draftId);
      return result;
    },

    async letAiAnswer(draftId, actor) {
      const draft = await store.drafts.get(draftId);
      if (draft && draft.kind !== 'escalation')
        return { ok: false, reason: 'invalid', draft, problem: { code: 'not-escalation' } };
      // `approvedBy` on the retired escalation records the owner's leave: the next run skips the rules for its
      // messages (kept in the store, not in the job, so a run queued by anyone else honours it too).
      const result = await move(draftId, ['pending'], 'superseded', actor, 'escalation.let-ai-answer', {
        approvedBy: actor,
      });
      if (result.ok) await scheduleRespond(deps.agenda, result.draft.chatId, 0);
      return result;
    },

    async feedback(draftId, actor, verdict) {
      const draft = await store.drafts.get(draftId);
      if (!draft) return { ok: false, reason: 'not_found' };
      await store.audit.append({
        actor,
        action: `draft.feedback.${verdict}`,
        chatId: draft.chatId,
        draftId,
        after: draft.text,
      });
      return { ok: true, draft };
    },

    takeOver: (chatId, actor) => takeOver(deps, chatId, actor),
    handBack: (chatId, actor) => handBack(deps, chatId, actor),

    async replyToBuyer(chatId, text, actor, draftId) {
      const problem = checkText(text);
      if (problem) return { ok: false, reason: 'invalid', problem };
      if (!(await store.chats.get(chatId))) return { ok: false, reason: 'not_found' };
      const { drafts, awaiting } = await loadConversation(
        store,
        chatId,
        deps.config.responder.contextMessages,
      );
      const waiting = awaiting.map((m) => m.id);
      // A reply to a card answers that card's messages; otherwise every message that waits.
      const card = draftId ? drafts.find((d) => d.id === draftId && d.status === 'pending') : undefined;
      const covers = card ? card.coversMessageIds.filter((id) => waiting.includes(id)) : waiting;
      // Drafts for the same messages become moot: approving one later would answer them twice.
      for (const other of drafts) {
        if (other.status !== 'pending') continue;
        if (other.id !== draftId && !other.coversMessageIds.some((id) => covers.includes(id))) continue;
        const replaced = await store.drafts.transition(other.id, ['pending'], 'superseded');
        if (replaced) await syncCard(deps, replaced);
      }
      const shown = await ownerMessage(chatId, text, actor, { covers, action: 'chat.owner-reply' });
      await respondIfNeeded(deps, chatId);
      return { ok: true, draft: shown };
    },

    async sendToBuyer(chatId, text, actor, source) {
      const problem = checkText(text);
      if (problem) return { ok: false, reason: 'invalid', problem };
      if (!(await store.chats.get(chatId))) return { ok: false, reason: 'not_found' };
      // Covers nothing: the buyer's questions still wait for their own answer.
      const shown = await ownerMessage(chatId, text, actor, {
        covers: [],
        action: 'chat.owner-send',
        source: source.title,
      });
      return { ok: true, draft: shown };
    },
  };
}
