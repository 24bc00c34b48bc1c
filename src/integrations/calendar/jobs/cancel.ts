/** The `calendar-cancel` job: a booking cancelled from the lead card. */
import type { Agenda } from 'agenda';
import { z } from 'zod';
import { jobKind } from '../../../jobs/job.js';
import { jobKey, leadIdField } from '../../jobs-common.js';
import { defineOutboxJob, type OutboxDeps, outboxQueue } from '../../outbox.js';

export const CALENDAR_CANCEL_JOB = jobKind('calendar-cancel', z.object({ key: jobKey, leadId: leadIdField }));

export type CancelJobData = z.infer<typeof CALENDAR_CANCEL_JOB.data>;

export function defineCancelJob(deps: OutboxDeps, run: (data: CancelJobData) => Promise<void>): void {
  defineOutboxJob(deps, {
    kind: CALENDAR_CANCEL_JOB,
    integration: 'calendar',
    operation: 'cancel-booking',
    leadOf: (d) => d.leadId,
    run: (d) => run(d),
  });
}

export function cancelQueue(agenda: Agenda): (data: CancelJobData) => Promise<void> {
  const queue = outboxQueue(agenda, CALENDAR_CANCEL_JOB);
  return (data) => queue.enqueue(data);
}
