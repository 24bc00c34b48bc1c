import { describeError } from '../errors.js';
import { splitText } from '../lib/split-text.js';
import { type Draft, sentAuthor } from '../models/records.js';
import { type Channel, type ChannelError, channelOf, type SendOutcome } from './channel.js';
import { encodeDeliveryProblem, reasonOf } from './delivery-problem.js';
import { loadView, type ResponderDeps, syncCard } from './deps.js';
import { scheduleDeliver } from './jobs/deliver.js';
import { scheduleReconcile } from './jobs/reconcile.js';

/** Sends tried per draft before it is shown as failed (each is already retried inside the channel's client). */
export const MAX_DELIVERY_ATTEMPTS = 4;
/** How long to wait before reading the chat to settle a send whose outcome was unknown. */
export const RECONCILE_DELAY_MS = 10_000;
/** How many of our latest messages in the chat a reconciliation reads. */
const RECONCILE_LOOKBACK = 50;

export type DeliverOutcome = 'sent' | 'not-approved' | 'retry-scheduled' | 'failed' | 'unknown-outcome';

const normalise = (text: string) => text.replace(/\s+/g, ' ').trim();

/** The channel of a draft's chat; absent when that channel is not configured in this deployment. */
const channelFor = (deps: ResponderDeps, chatId: string): Channel | undefined =>
  deps.channels.get(channelOf(chatId));

/** Sends through the chat's channel; a channel that is missing, or that throws despite its contract, is a failure. */
async function send(deps: ResponderDeps, chatId: string, text: string): Promise<SendOutcome> {
  const channel = channelFor(deps, chatId);
  if (!channel) {
    const error: ChannelError = {
      transient: false,
      kind: 'not_configured',
      message: `no ${channelOf(chatId)} channel in this deployment: configure it, then retry the draft`,
    };
    return { kind: 'failed', error };
  }
  try {
    return await channel.send(chatId, text);
  } catch (err) {
    return { kind: 'failed', error: { transient: true, kind: 'other', message: describeError(err) } };
  }
}

/** The parts a draft's text is sent as on its chat's channel (one part when the channel is not configured). */
function partsOf(deps: ResponderDeps, draft: Pick<Draft, 'chatId' | 'text'>): string[] {
  const limit = channelFor(deps, draft.chatId)?.capabilities.maxTextLength;
  return limit ? splitText(draft.text, limit) : [draft.text.trim()];
}

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

  const outcome = await send(deps, sending.chatId, sending.text);
  switch (outcome.kind) {
    case 'sent':
      // The answer reached the buyer: a failure to record it (a full disk) fails this run, and the run after it
      // finds the draft in `sending` and settles it from the chat. It is never taken for a failed send.
      await markSent(deps, sending, outcome.messageIds);
      return 'sent';
    case 'unknown': {
      logger.warn(
        { draftId, reason: outcome.error.message },
        'send outcome unknown; will reconcile against the chat',
      );
      deps.metrics?.sendFailed('unknown_outcome');
      await store.drafts.update(draftId, {
        error: encodeDeliveryProblem({ code: 'send-failed', reason: outcome.error.message }),
        sentMessageIds: outcome.messageIds,
      });
      await scheduleReconcile(deps.agenda, draftId, RECONCILE_DELAY_MS);
      return 'unknown-outcome';
    }
    case 'failed':
      deps.metrics?.sendFailed(outcome.error.kind);
      if (sending.attempts < MAX_DELIVERY_ATTEMPTS && outcome.error.transient)
        return retryLater(deps, sending, outcome.error.message);
      return giveUp(deps, sending, outcome);
    case 'partial':
      // Some parts went out: sending the whole text again would repeat them.
      deps.metrics?.sendFailed('partial');
      return giveUp(deps, sending, outcome);
  }
}

/** A transient failure before anything went out: back to `approved`, delivered again after a backoff. */
async function retryLater(deps: ResponderDeps, sending: Draft, reason: string): Promise<DeliverOutcome> {
  const back = await deps.store.drafts.transition(sending.id, ['sending'], 'approved', {
    error: encodeDeliveryProblem({ code: 'send-failed', reason }),
  });
  const delay = 5_000 * 2 ** (sending.attempts - 1);
  await scheduleDeliver(deps.agenda, sending.id, new Date(Date.now() + delay));
  if (back) await syncCard(deps, back);
  deps.logger.warn(
    { draftId: sending.id, attempt: sending.attempts, delay, reason },
    'send failed; retry scheduled',
  );
  return 'retry-scheduled';
}

/** The draft cannot be delivered (or only in part): `failed`, with the reason on its card for the owner. */
async function giveUp(
  deps: ResponderDeps,
  sending: Draft,
  outcome: Extract<SendOutcome, { kind: 'failed' | 'partial' }>,
): Promise<DeliverOutcome> {
  const reason = outcome.error.message;
  const failed = await deps.store.drafts.transition(sending.id, ['sending'], 'failed', {
    error: encodeDeliveryProblem(
      outcome.kind === 'partial'
        ? { code: 'partly-sent', sent: outcome.messageIds.length, total: outcome.totalParts, reason }
        : { code: 'send-failed', reason },
    ),
    sentMessageIds: outcome.kind === 'partial' ? outcome.messageIds : [],
  });
  await deps.store.audit.append({
    actor: 'system',
    action: 'draft.failed',
    chatId: sending.chatId,
    draftId: sending.id,
    after: reason,
  });
  if (failed) await syncCard(deps, failed);
  deps.logger.error({ draftId: sending.id, reason }, 'draft could not be delivered');
  return 'failed';
}

/** Records what reached the buyer and finishes the draft. Safe to run twice for the same draft. */
async function markSent(deps: ResponderDeps, draft: Draft, messageIds: readonly string[]): Promise<void> {
  const { store } = deps;
  const author = sentAuthor(draft);
  const texts = partsOf(deps, draft);
  const at = deps.now?.() ?? new Date();
  for (const [i, id] of messageIds.entries()) {
    await store.messages.insertOnce({
      id,
      chatId: draft.chatId,
      direction: 'out',
      author,
      type: 'text',
      text: texts[i] ?? draft.text,
      content: null,
      draftId: draft.id,
      createdAt: at,
    });
  }
  const sent = await store.drafts.transition(draft.id, ['sending'], 'sent', {
    sentMessageIds: [...messageIds],
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
  await channelFor(deps, draft.chatId)
    ?.markRead(draft.chatId)
    .catch((err: unknown) => {
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
 * chat as our message, it was sent; otherwise it goes back to `approved` and is delivered again.
 */
export async function reconcileDraft(
  deps: ResponderDeps,
  draftId: string,
): Promise<'sent' | 'requeued' | 'skipped'> {
  const { store } = deps;
  const draft = await store.drafts.get(draftId);
  if (!draft || draft.status !== 'sending') return 'skipped';
  const recent =
    (await channelFor(deps, draft.chatId)?.recentOutgoing(draft.chatId, RECONCILE_LOOKBACK)) ?? [];
  // A minute of slack: the channel's clock and ours may disagree.
  const since = draft.createdAt.getTime() - 60_000;
  const ours = recent.filter((m) => m.text !== null && m.at.getTime() >= since);
  const parts = partsOf(deps, draft);
  const found: string[] = [];
  for (const part of parts) {
    const match = ours.find((m) => normalise(m.text ?? '') === normalise(part) && !found.includes(m.id));
    if (!match) break;
    found.push(match.id);
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
      sentMessageIds: found,
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
