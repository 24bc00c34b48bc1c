import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { Agenda } from 'agenda';
import type { InboundHooks } from '../avito/inbound.js';
import { createDraftActions } from './actions.js';
import { onBuyerMessage, pauseForSeller, resumeExpiredPauses } from './chat-state.js';
import type { ResponderDeps } from './deps.js';
import { deliverDraft, reconcileDraft } from './deliver.js';
import { withDraftMetrics } from './draft-metrics.js';
import { RESPONDER_JOB } from './jobs.js';
import type { DraftActions } from './ports.js';
import { answerChat } from './respond.js';
import { type RespondJobData, scheduleReconcile } from './schedule.js';

export type { Answerer, ResponderDeps } from './deps.js';
export type { BuyerIntents } from './intents.js';
export type { CardView, DraftActions, Notice, Notifier, OwnerAlerts } from './ports.js';

export interface Responder {
  actions: DraftActions;
  /** What the Avito inbound job calls for each classified message. */
  hooks: InboundHooks;
  /** Starts the recurring jobs (pause expiry, sending sweep). */
  start(): Promise<void>;
}

/** A draft left in `sending` this long is settled against the Avito chat (crash recovery). */
const STALE_SENDING_MS = 2 * 60_000;

/** The pipeline from a buyer message to a delivered answer, as Agenda jobs, plus the owner's actions. */
export function createResponder(deps: ResponderDeps): Responder {
  const { agenda, logger } = deps;
  const log = logger.child({ module: 'responder' });
  const d: ResponderDeps = {
    ...deps,
    logger: log,
    ...(deps.metrics ? { store: withDraftMetrics(deps.store, deps.metrics) } : {}),
  };
  defineResponderJobs(agenda, d);
  return {
    actions: createDraftActions(d),
    hooks: {
      buyerMessage: (chat, message) => onBuyerMessage(d, chat, message),
      sellerWroteFromApp: (chat, message) => pauseForSeller(d, chat, message),
    },
    async start() {
      await agenda.every(60_000, RESPONDER_JOB.resumePaused);
      await agenda.every(60_000, RESPONDER_JOB.sendingSweep);
    },
  };
}

function defineResponderJobs(agenda: Agenda, deps: ResponderDeps): void {
  agenda.define(
    RESPONDER_JOB.respond,
    async (job) => {
      const { chatId, skipEscalation } = job.attrs.data as RespondJobData;
      // Store reads settle as microtasks: without a turn of its own, every respond job Agenda starts together
      // would run up to its first network call in one long task, holding up webhook acknowledgements.
      await yieldToEventLoop();
      await deps.pressure?.outOfStorm();
      const outcome = await answerChat(deps, chatId, { skipEscalation });
      deps.logger.debug({ chatId, outcome }, 'respond finished');
    },
    { concurrency: 20 },
  );

  agenda.define(
    RESPONDER_JOB.deliver,
    async (job) => {
      const { draftId } = job.attrs.data as { draftId: string };
      await deliverDraft(deps, draftId);
    },
    { concurrency: 20 },
  );

  agenda.define(RESPONDER_JOB.reconcile, async (job) => {
    const { draftId } = job.attrs.data as { draftId: string };
    await reconcileDraft(deps, draftId);
  });

  // Crash recovery: a draft stuck in `sending` (the process died mid-send) is reconciled, never resent blindly.
  agenda.define(RESPONDER_JOB.sendingSweep, async () => {
    const sending = await deps.store.drafts.listByStatus(['sending'], 200);
    const stale = sending.filter((dr) => Date.now() - dr.updatedAt.getTime() > STALE_SENDING_MS);
    for (const draft of stale) await scheduleReconcile(agenda, draft.id, 0);
  });

  agenda.define(RESPONDER_JOB.resumePaused, async () => {
    const resumed = await resumeExpiredPauses(deps);
    if (resumed) deps.logger.info({ resumed }, 'paused chats handed back to the AI');
  });
}
