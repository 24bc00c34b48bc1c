/** The `calendar-book` job: the buyer's chosen slot booked as an event whose id comes from the lead and the slot (a retry never books twice). */
import type { Agenda } from 'agenda';
import { z } from 'zod';
import { jobKind } from '../../../jobs/job.js';
import { isoInstant, jobKey, leadIdField } from '../../jobs-common.js';
import { defineOutboxJob, type OutboxDeps, outboxQueue } from '../../outbox.js';

export const CALENDAR_BOOK_JOB = jobKind(
  'calendar-book',
  z.object({
    key: jobKey,
    leadId: leadIdField,
    chatId: z.string().min(1),
    start: isoInstant,
    end: isoInstant,
  }),
);

export type BookJobData = z.infer<typeof CALENDAR_BOOK_JOB.data>;

export function defineBookJob(deps: OutboxDeps, run: (data: BookJobData) => Promise<void>): void {
  defineOutboxJob(deps, {
    kind: CALENDAR_BOOK_JOB,
    integration: 'calendar',
    operation: 'book',
    leadOf: (d) => d.leadId,
    run: (d) => run(d),
  });
}

export function bookQueue(agenda: Agenda): (data: BookJobData) => Promise<void> {
  const queue = outboxQueue(agenda, CALENDAR_BOOK_JOB);
  return (data) => queue.enqueue(data);
}
