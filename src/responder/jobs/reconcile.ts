/**
 * Settling drafts whose send is in doubt, against the chat: `reconcile-draft` checks one draft (an unknown send
 * outcome), and the `drafts-sending-sweep` finds drafts a crash left in `sending` and queues their check. A send
 * in doubt is never repeated blindly. The sweep also queues the delivery of drafts a crash left `approved`
 * without a delivery job (a process killed between approving a draft and queueing its delivery).
 */
import type { Agenda } from 'agenda';
import { z } from 'zod';
import { defineJob, jobKind, scheduleEvery } from '../../jobs/job.js';
import type { Draft } from '../../models/records.js';
import type { Store } from '../../store/port.js';
import { DELIVER_JOB, scheduleDeliver } from './deliver.js';

export const RECONCILE_JOB = jobKind('reconcile-draft', z.object({ draftId: z.string().min(1) }));
export const SENDING_SWEEP_JOB = jobKind('drafts-sending-sweep', z.unknown());

/** A draft left in `sending` this long is settled against the chat (crash recovery). */
const STALE_SENDING_MS = 2 * 60_000;
/**
 * A draft `approved` this long with no delivery job waiting or running is queued for delivery: the process that
 * approved it died before queueing it (the live path queues it a few milliseconds after approving).
 */
const ORPHAN_APPROVED_MS = 10_000;
/** The states of a delivery job that will still deliver its draft. */
const LIVE_JOB_STATES: ReadonlySet<string> = new Set(['queued', 'scheduled', 'running']);

/** Queues a check of a draft whose send outcome is unknown, `delayMs` from now. */
export async function scheduleReconcile(agenda: Agenda, draftId: string, delayMs: number): Promise<void> {
  await agenda
    .create(RECONCILE_JOB.name, { draftId })
    .unique({ 'data.draftId': draftId })
    .schedule(new Date(Date.now() + delayMs))
    .save();
}

/** Defines both jobs; `reconcile` is the use case (reconcileDraft). */
export function defineReconcileJobs(
  agenda: Agenda,
  deps: { store: Store; reconcile: (draftId: string) => Promise<unknown> },
): void {
  defineJob(agenda, RECONCILE_JOB, async ({ draftId }) => void (await deps.reconcile(draftId)));
  defineJob(agenda, SENDING_SWEEP_JOB, async () => {
    const olderThan = (ms: number) => (d: Draft) => Date.now() - d.updatedAt.getTime() > ms;
    const sending = await deps.store.drafts.listByStatus(['sending'], 200);
    for (const draft of sending.filter(olderThan(STALE_SENDING_MS)))
      await scheduleReconcile(agenda, draft.id, 0);
    // Looked up apart, so that a backlog of approved drafts (an outage's retries) never hides one in `sending`.
    const approved = await deps.store.drafts.listByStatus(['approved'], 200);
    for (const draft of approved.filter(olderThan(ORPHAN_APPROVED_MS))) {
      const { jobs } = await agenda.queryJobs({ name: DELIVER_JOB.name, data: { draftId: draft.id } });
      if (!jobs.some((job) => LIVE_JOB_STATES.has(job.state))) await scheduleDeliver(agenda, draft.id);
    }
  });
}

export const scheduleSendingSweep = (agenda: Agenda) => scheduleEvery(agenda, SENDING_SWEEP_JOB, 60_000);
