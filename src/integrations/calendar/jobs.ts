/**
 * The calendar's outbox jobs: free slots offered to a buyer (`calendar-offer-slots`), a chosen slot booked
 * (`calendar-book`), a booking moved or cancelled from the lead card (`calendar-reschedule`,
 * `calendar-cancel`). Each runs its use case (./consultations.ts), which is safe to repeat: a booking's event
 * id is derived from the lead and the slot, so a retry never books twice.
 */
import { z } from 'zod';
import { jobKind } from '../../jobs/job.js';
import type { Agenda } from 'agenda';
import { defineOutboxJob, type OutboxDeps, outboxQueue } from '../outbox.js';

const key = z.string().min(1).max(300);
const leadId = z.string().min(1);
const iso = z.iso.datetime({ offset: true });

export const CALENDAR_OFFER_JOB = jobKind(
  'calendar-offer-slots',
  z.object({ key, leadId, chatId: z.string().min(1) }),
);
export const CALENDAR_BOOK_JOB = jobKind(
  'calendar-book',
  z.object({ key, leadId, chatId: z.string().min(1), start: iso, end: iso }),
);
export const CALENDAR_RESCHEDULE_JOB = jobKind(
  'calendar-reschedule',
  z.object({ key, leadId, start: iso, end: iso }),
);
export const CALENDAR_CANCEL_JOB = jobKind('calendar-cancel', z.object({ key, leadId }));

export type OfferJobData = z.infer<typeof CALENDAR_OFFER_JOB.data>;
export type BookJobData = z.infer<typeof CALENDAR_BOOK_JOB.data>;
export type RescheduleJobData = z.infer<typeof CALENDAR_RESCHEDULE_JOB.data>;
export type CancelJobData = z.infer<typeof CALENDAR_CANCEL_JOB.data>;

/** The calendar's jobs: each queues one (or, as handlers, runs one). */
export interface CalendarJobs {
  offer(data: OfferJobData): Promise<void>;
  book(data: BookJobData): Promise<void>;
  reschedule(data: RescheduleJobData): Promise<void>;
  cancel(data: CancelJobData): Promise<void>;
}

/** Queues the calendar's jobs (defined with the consultations: {@link defineCalendarJobs}). */
export function calendarQueues(agenda: Agenda): CalendarJobs {
  const offer = outboxQueue(agenda, CALENDAR_OFFER_JOB);
  const book = outboxQueue(agenda, CALENDAR_BOOK_JOB);
  const reschedule = outboxQueue(agenda, CALENDAR_RESCHEDULE_JOB);
  const cancel = outboxQueue(agenda, CALENDAR_CANCEL_JOB);
  return {
    offer: (d) => offer.enqueue(d),
    book: (d) => book.enqueue(d),
    reschedule: (d) => reschedule.enqueue(d),
    cancel: (d) => cancel.enqueue(d),
  };
}

/** Defines the calendar's jobs; `handlers` are the consultation use cases. */
export function defineCalendarJobs(deps: OutboxDeps, handlers: CalendarJobs): void {
  const common = { integration: 'calendar' as const, leadOf: (d: { leadId: string }) => d.leadId };
  defineOutboxJob(deps, {
    ...common,
    kind: CALENDAR_OFFER_JOB,
    operation: 'offer-slots',
    run: (d) => handlers.offer(d),
  });
  defineOutboxJob(deps, {
    ...common,
    kind: CALENDAR_BOOK_JOB,
    operation: 'book',
    run: (d) => handlers.book(d),
  });
  defineOutboxJob(deps, {
    ...common,
    kind: CALENDAR_RESCHEDULE_JOB,
    operation: 'reschedule',
    run: (d) => handlers.reschedule(d),
  });
  defineOutboxJob(deps, {
    ...common,
    kind: CALENDAR_CANCEL_JOB,
    operation: 'cancel-booking',
    run: (d) => handlers.cancel(d),
  });
}
