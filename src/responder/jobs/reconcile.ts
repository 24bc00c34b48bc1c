/**
 * Settling drafts whose send is in doubt, against the chat: `reconcile-draft` checks one draft (an unknown send
 * outcome), and the `drafts-sending-sweep` finds drafts a crash left in `sending` and queues their check. A send
 * in doubt is never repeated blindly. The sweep also queues the delivery of drafts a crash left `approved`
 * without one (a process killed between approving a draft and queueing its delivery).
 */
import type { Agenda } from 'agenda';
import { z } from 'zod';
import { defineJob, jobKind, scheduleEvery } from '../../jobs/job.js';
import type { Draft } from '../../models/records.js';
import type { Store } from '../../store/port.js';
import { scheduleDeliver } from './deliver.js';

export const RECONCILE_JOB = jobKind('reconcile-draft', z.object({ draftId: z.string().min(1) }));
export const SENDING_SWEEP_JOB = jobKind('drafts-sending-sweep', z.unknown());

/** A draft left in `sending` this long is settled against the chat (crash recovery). */
const STALE_SENDING_MS = 2 * 60_000;
/**
 * A draft left `approved` this long is queued for delivery again: well past the longest retry backoff (see
 * deliverDraft), and harmless when its delivery is only late (one job per draft; it sends only what is approved).
 */
const STALE_APPROVED_MS = 60_000;

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
    const age = (d: Draft) => Date.now() - d.updatedAt.getTime();
    const onTheWay = await deps.store.drafts.listByStatus(['sending', 'approved'], 200);
    for (const draft of onTheWay) {
      if (draft.status === 'sending' && age(draft) > STALE_SENDING_MS)
        await scheduleReconcile(agenda, draft.id, 0);
      if (draft.status === 'approved' && age(draft) > STALE_APPROVED_MS)
        await scheduleDeliver(agenda, draft.id);
    }
  });
}

export const scheduleSendingSweep = (agenda: Agenda) => scheduleEvery(agenda, SENDING_SWEEP_JOB, 60_000);
