/** The `calendar-reschedule` job: a booking moved from the lead card. */
import type { Agenda } from 'agenda';
import { z } from 'zod';
import { jobKind } from '../../../jobs/job.js';
import { isoInstant, jobKey, leadIdField } from '../../jobs-common.js';
import { defineOutboxJob, type OutboxDeps, outboxQueue } from '../../outbox.js';

export const CALENDAR_RESCHEDULE_JOB = jobKind(
  'calendar-reschedule',
  z.object({ key: jobKey, leadId: leadIdField, start: isoInstant, end: isoInstant }),
);

export type RescheduleJobData = z.infer<typeof CALENDAR_RESCHEDULE_JOB.data>;

export function defineRescheduleJob(deps: OutboxDeps, run: (data: RescheduleJobData) => Promise<void>): void {
  defineOutboxJob(deps, {
    kind: CALENDAR_RESCHEDULE_JOB,
    integration: 'calendar',
    operation: 'reschedule',
    leadOf: (d) => d.leadId,
    run: (d) => run(d),
  });
}

export function rescheduleQueue(agenda: Agenda): (data: RescheduleJobData) => Promise<void> {
  const queue = outboxQueue(agenda, CALENDAR_RESCHEDULE_JOB);
  return (data) => queue.enqueue(data);
}
