/** The `deliver` job: sends an approved draft to the buyer (one job per draft; retried with backoff by the use case). */
import type { Agenda } from 'agenda';
import { z } from 'zod';
import { defineJob, jobKind } from '../../jobs/job.js';

export const DELIVER_JOB = jobKind('deliver', z.object({ draftId: z.string().min(1) }));

/** Queues delivery of an approved draft at `at` (one job per draft: a second call moves it). */
export async function scheduleDeliver(agenda: Agenda, draftId: string, at: Date = new Date()): Promise<void> {
  await agenda.create(DELIVER_JOB.name, { draftId }).unique({ 'data.draftId': draftId }).schedule(at).save();
}

/** Defines the job; `deliver` is the use case (deliverDraft). */
export function defineDeliverJob(agenda: Agenda, deliver: (draftId: string) => Promise<unknown>): void {
  defineJob(agenda, DELIVER_JOB, async ({ draftId }) => void (await deliver(draftId)), { concurrency: 20 });
}
