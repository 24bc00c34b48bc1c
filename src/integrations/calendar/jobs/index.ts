/**
 * The calendar's outbox jobs, one module each: slots offered (./offer-slots.ts), a slot booked (./book.ts), a booking
 * moved or cancelled from the lead card (./reschedule.ts, ./cancel.ts). Each runs its use case
 * (../consultations.ts), which is safe to repeat.
 */
import type { Agenda } from 'agenda';
import type { OutboxDeps } from '../../outbox.js';
import { type BookJobData, bookQueue, defineBookJob } from './book.js';
import { type CancelJobData, cancelQueue, defineCancelJob } from './cancel.js';
import { defineOfferSlotsJob, type OfferJobData, offerQueue } from './offer-slots.js';
import { defineRescheduleJob, type RescheduleJobData, rescheduleQueue } from './reschedule.js';

export type { BookJobData, CancelJobData, OfferJobData, RescheduleJobData };

/** The calendar's jobs: each queues one (or, as handlers, runs one). */
export interface CalendarJobs {
  offer(data: OfferJobData): Promise<void>;
  book(data: BookJobData): Promise<void>;
  reschedule(data: RescheduleJobData): Promise<void>;
  cancel(data: CancelJobData): Promise<void>;
}

/** Queues the calendar's jobs (defined with the consultations: {@link defineCalendarJobs}). */
export function calendarQueues(agenda: Agenda): CalendarJobs {
  return {
    offer: offerQueue(agenda),
    book: bookQueue(agenda),
    reschedule: rescheduleQueue(agenda),
    cancel: cancelQueue(agenda),
  };
}

/** Defines the calendar's jobs; `handlers` are the consultation use cases. */
export function defineCalendarJobs(deps: OutboxDeps, handlers: CalendarJobs): void {
  defineOfferSlotsJob(deps, (d) => handlers.offer(d));
  defineBookJob(deps, (d) => handlers.book(d));
  defineRescheduleJob(deps, (d) => handlers.reschedule(d));
  defineCancelJob(deps, (d) => handlers.cancel(d));
}
