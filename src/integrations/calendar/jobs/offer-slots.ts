/** The `calendar-offer-slots` job: free slots read from the calendar and offered in the buyer's chat, once per key. */
import type { Agenda } from 'agenda';
import { z } from 'zod';
import { jobKind } from '../../../jobs/job.js';
import { jobKey, leadIdField } from '../../jobs-common.js';
import { defineOutboxJob, type OutboxDeps, outboxQueue } from '../../outbox.js';

export const CALENDAR_OFFER_JOB = jobKind(
  'calendar-offer-slots',
  z.object({ key: jobKey, leadId: leadIdField, chatId: z.string().min(1) }),
);

export type OfferJobData = z.infer<typeof CALENDAR_OFFER_JOB.data>;

export function defineOfferSlotsJob(deps: OutboxDeps, run: (data: OfferJobData) => Promise<void>): void {
  defineOutboxJob(deps, {
    kind: CALENDAR_OFFER_JOB,
    integration: 'calendar',
    operation: 'offer-slots',
    leadOf: (d) => d.leadId,
    run: (d) => run(d),
  });
}

export function offerQueue(agenda: Agenda): (data: OfferJobData) => Promise<void> {
  const queue = outboxQueue(agenda, CALENDAR_OFFER_JOB);
  return (data) => queue.enqueue(data);
}
