import { AvitoSendError } from '../avito/errors.js';
import { splitMessage } from '../avito/split.js';
import { describeError } from '../errors.js';
import { type Draft, sentAuthor } from '../models/records.js';
import { encodeDeliveryProblem, reasonOf } from './delivery-problem.js';
import { loadView, type ResponderDeps, syncCard } from './deps.js';
import { scheduleDeliver, scheduleReconcile } from './schedule.js';

/** Sends tried per draft before it is shown as failed (each is already retried inside the client). */
export const MAX_DELIVERY_ATTEMPTS = 4;
/** How long to wait before reading the chat to settle a send whose outcome was unknown. */
export const RECONCILE_DELAY_MS = 10_000;

export type DeliverOutcome = 'sent' | 'not-approved' | 'retry-scheduled' | 'failed' | 'unknown-outcome';

const normalise = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * The `approved → sending → sent` step. The compare-and-set into `sending` makes sure only one process
 * sends a draft; a send whose outcome is unknown stays in `sending` until reconciled against the chat.
 */
export async function deliverDraft(deps: ResponderDeps, draftId: string): Promise<DeliverOutcome> {
  const { store, logger } = deps;
  const current = await store.drafts.get(draftId);
  if (current?.status === 'sending') {
    // The draft's one delivery job runs again while the draft is on its way: the run that moved it into
    // `sending` was cut off (its process killed, or the store failed after the send). That holder is gone:
    // settle the draft against the chat now, never send it blindly.
    logger.info({ draftId }, 'delivery resumed after an interrupted send; checking the chat');
    const settled = await reconcileDraft(deps, draftId);
    return settled === 'sent' ? 'sent' : settled === 'requeued' ? 'retry-scheduled' : 'failed';
  }
  if (!current || current.status !== 'approved') return 'not-approved';
  const sending = await store.drafts.transition(draftId, ['approved'], 'sending', {
    attempts: current.attempts + 1,
    error: null,
  });
  if (!sending) return 'not-approved';
  await syncCard(deps, sending);

  let result: Awaited<ReturnType<ResponderDeps['avito']['sendText']>>;
  try {
    result = await deps.avito.sendText(sending.chatId, sending.text);
  } catch (err) {
    if (err instanceof AvitoSendError && err.outcome === 'unknown') {
      logger.warn({ draftId, err }, 'send outcome unknown; will reconcile against the chat');
      deps.metrics?.sendFailed('unknown_outcome');
      await store.drafts.update(draftId, {
        error: encodeDeliveryProblem({ code: 'send-failed', reason: describeError(err) }),
        sentMessageIds: err.sentIds,
      });
      await scheduleReconcile(deps.agenda, draftId, RECONCILE_DELAY_MS);
      return 'unknown-outcome';
    }
    const partial = err instanceof AvitoSendError && err.sentIds.length > 0;
    const reason = describeError(err instanceof AvitoSendError ? err.cause : err);
    deps.metrics?.sendFailed(partial ? 'partial' : errorKind(err));
    if (!partial && sending.attempts < MAX_DELIVERY_ATTEMPTS && isTransient(err)) {
      const back = await store.drafts.transition(draftId, ['sending'], 'approved', {
        error: encodeDeliveryProblem({ code: 'send-failed', reason }),
      });
      const delay = 5_000 * 2 ** (sending.attempts - 1);
      await scheduleDeliver(deps.agenda, draftId, new Date(Date.now() + delay));
      if (back) await syncCard(deps, back);
      logger.warn({ draftId, attempt: sending.attempts, delay, reason }, 'send failed; retry scheduled');
      return 'retry-scheduled';
    }
    const sentIds = err instanceof AvitoSendError ? err.sentIds : [];
    const failed = await store.drafts.transition(draftId, ['sending'], 'failed', {
      error: encodeDeliveryProblem(
        partial
          ? { code: 'partly-sent', sent: sentIds.length, total: splitMessage(sending.text).length, reason }
          : { code: 'send-failed', reason },
      ),
      sentMessageIds: sentIds,
    });
    await store.audit.append({
      actor: 'system',
      action: 'draft.failed',
      chatId: sending.chatId,
      draftId,
      after: reason,
    });
    if (failed) await syncCard(deps, failed);
    logger.error({ draftId, reason }, 'draft could not be delivered');
    return 'failed';
  }
  // The answer reached the buyer: a failure to record it (a full disk) fails this run, and the run after it
  // finds the draft in `sending` and settles it from the chat. It is never taken for a failed send.
  await markSent(
    deps,
    sending,
    result.messages.map((m) => ({ id: m.id, text: m.content?.text ?? null })),
  );
  return 'sent';
}

/** The Avito error kind behind a failed send, `undefined` when the cause is not an Avito error. */
function kindOf(err: unknown): string | undefined {
  const cause = err instanceof AvitoSendError ? err.cause : err;
  return (cause as { kind?: string } | null)?.kind;
}

const errorKind = (err: unknown): string => kindOf(err) ?? 'other';

function isTransient(err: unknown): boolean {
  const kind = kindOf(err);
  return kind === undefined || ['rate_limited', 'server', 'network', 'timeout', 'auth'].includes(kind);
}

/** Records what reached the buyer and finishes the draft. Safe to run twice for the same draft. */
async function markSent(
  deps: ResponderDeps,
  draft: Draft,
  parts: Array<{ id: string; text: string | null }>,
): Promise<void> {
  const { store } = deps;
  const author = sentAuthor(draft);
  const texts = splitMessage(draft.text);
  const at = deps.now?.() ?? new Date();
  for (const [i, part] of parts.entries()) {
    await store.messages.insertOnce({
      id: part.id,
      chatId: draft.chatId,
      direction: 'out',
      author,
      type: 'text',
      text: part.text ?? texts[i] ?? draft.text,
      content: null,
      draftId: draft.id,
      createdAt: at,
    });
  }
  const sent = await store.drafts.transition(draft.id, ['sending'], 'sent', {
    sentMessageIds: parts.map((p) => p.id),
    error: null,
  });
  if (!sent) return;
  await store.chats.upsert({ id: draft.chatId, lastOutboundAt: at });
  await store.audit.append({
    actor: draft.approvedBy ?? 'system',
    action: 'draft.sent',
    chatId: draft.chatId,
    draftId: draft.id,
    before: draft.originalText !== draft.text ? draft.originalText : null,
    after: draft.text,
  });
  await deps.avito.markRead(draft.chatId).catch((err: unknown) => {
    deps.logger.warn({ err, chatId: draft.chatId }, 'could not mark the chat read');
  });
  const synced = await syncCard(deps, sent);
  if (sent.approvedBy === 'auto') {
    const view = await loadView(store, synced);
    if (view)
      await deps.notifier.notify({ kind: sent.kind === 'fallback' ? 'fallback-sent' : 'auto-sent', view });
  }
}

/**
 * Settles a draft left in `sending` (a crash, or an unknown outcome): if every part of its text is in the
 * Avito chat as our message, it was sent; otherwise it goes back to `approved` and is delivered again.
 */
export async function reconcileDraft(
  deps: ResponderDeps,
  draftId: string,
): Promise<'sent' | 'requeued' | 'skipped'> {
  const { store } = deps;
  const draft = await store.drafts.get(draftId);
  if (!draft || draft.status !== 'sending') return 'skipped';
  const recent = await deps.avito.listMessages(draft.chatId, { limit: 50 });
  const since = draft.createdAt.getTime() / 1000 - 60;
  const ours = recent.filter(
    (m) => m.direction === 'out' && m.created >= since && typeof m.content.text === 'string',
  );
  const parts = splitMessage(draft.text);
  const found: Array<{ id: string; text: string }> = [];
  for (const part of parts) {
    const match = ours.find(
      (m) => normalise(m.content.text ?? '') === normalise(part) && !found.some((f) => f.id === m.id),
    );
    if (!match) break;
    found.push({ id: match.id, text: part });
  }
  if (found.length === parts.length) {
    await markSent(deps, draft, found);
    deps.logger.info({ draftId }, 'reconciled: the draft had reached the buyer');
    return 'sent';
  }
  if (found.length > 0) {
    // Some parts went out: sending the whole text again would repeat them.
    const failed = await store.drafts.transition(draftId, ['sending'], 'failed', {
      error: encodeDeliveryProblem({
        code: 'partly-sent',
        sent: found.length,
        total: parts.length,
        reason: reasonOf(draft.error),
      }),
      sentMessageIds: found.map((f) => f.id),
    });
    if (failed) await syncCard(deps, failed);
    return 'skipped';
  }
  if (draft.attempts >= MAX_DELIVERY_ATTEMPTS) {
    const failed = await store.drafts.transition(draftId, ['sending'], 'failed', {
      error: encodeDeliveryProblem({ code: 'unconfirmed', reason: reasonOf(draft.error) }),
    });
    if (failed) await syncCard(deps, failed);
    return 'skipped';
  }
  const back = await store.drafts.transition(draftId, ['sending'], 'approved');
  if (back) {
    await scheduleDeliver(deps.agenda, draftId);
    await syncCard(deps, back);
  }
  deps.logger.info({ draftId }, 'reconciled: not in the chat, delivering again');
  return 'requeued';
}
