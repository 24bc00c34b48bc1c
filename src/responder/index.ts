/**
 * The responder: the pipeline from a buyer's message on any channel to a delivered answer, and the owner's
 * use cases. It is built with the channels' outbound halves and the owner's notifier, and hands its
 * {@link InboundPort} to the channels' inbound halves (see `src/service.ts` for the order).
 */
import { createDraftActions } from './actions.js';
import type { InboundPort } from './channel.js';
import { resumeExpiredPauses } from './chat-state.js';
import type { ResponderDeps } from './deps.js';
import { deliverDraft, reconcileDraft } from './deliver.js';
import { withDraftMetrics } from './draft-metrics.js';
import { receiveInbound } from './inbound.js';
import { defineDeliverJob } from './jobs/deliver.js';
import { defineLeadCaptureJobs } from './jobs/lead-capture.js';
import { defineReconcileJobs, scheduleSendingSweep } from './jobs/reconcile.js';
import { defineRespondJob } from './jobs/respond.js';
import { defineResumePausedJob, scheduleResumePaused } from './jobs/resume-paused.js';
import { leadCaptureUseCases } from './lead-capture.js';
import { createOwnerControls } from './owner.js';
import type { DraftActions, OwnerControls } from './ports.js';
import { answerChat } from './respond.js';

export type * from './channel.js';
export { channelOf, chatIdOf } from './channel.js';
export type { Answerer, ResponderDeps } from './deps.js';
export type { ModeStatus } from './mode.js';
export type {
  ActionResult,
  Actor,
  CardView,
  DraftActions,
  LeadSink,
  LeadSinkInput,
  Notice,
  Notifier,
  OwnerAlert,
  OwnerAlerts,
  OwnerControls,
  PriceQuotes,
} from './ports.js';
export { LEAD_BRIEF_JOB, LEAD_MESSAGE_JOB } from './jobs/lead-capture.js';

export interface Responder {
  /** The owner's actions on drafts and chats (card buttons, replies, take-over). */
  actions: DraftActions;
  /** The owner's settings and screens (mode, pause, `/chats`). */
  owner: OwnerControls;
  /** Where every channel adapter hands the messages it sees. */
  inbound: InboundPort;
  /** Schedules the recurring jobs (pause expiry, sending sweep); after the job processor has started. */
  start(): Promise<void>;
}

/** Builds the responder and defines its jobs (respond, deliver, reconcile, sweeps) on `deps.agenda`. */
export function createResponder(deps: ResponderDeps): Responder {
  const { agenda } = deps;
  const d: ResponderDeps = {
    ...deps,
    logger: deps.logger.child({ module: 'responder' }),
    ...(deps.metrics ? { store: withDraftMetrics(deps.store, deps.metrics) } : {}),
  };
  defineRespondJob(agenda, {
    respond: async ({ chatId, skipEscalation }) => {
      const outcome = await answerChat(d, chatId, { skipEscalation });
      d.logger.debug({ chatId, outcome }, 'respond finished');
    },
    beforeRun: async () => d.pressure?.outOfStorm(),
  });
  defineDeliverJob(agenda, (draftId) => deliverDraft(d, draftId));
  defineReconcileJobs(agenda, { store: d.store, reconcile: (draftId) => reconcileDraft(d, draftId) });
  defineResumePausedJob(agenda, { resume: () => resumeExpiredPauses(d), logger: d.logger });
  if (d.leads) defineLeadCaptureJobs(agenda, leadCaptureUseCases({ ...d, leads: d.leads }));
  return {
    actions: createDraftActions(d),
    owner: createOwnerControls(d),
    inbound: { receive: (event) => receiveInbound(d, event) },
    async start() {
      await scheduleResumePaused(agenda);
      await scheduleSendingSweep(agenda);
    },
  };
}
