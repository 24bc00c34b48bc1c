/** The `yookassa-check` job: a notification checked against the object as YooKassa has it; one per object, run again for each notification (an early or forged one checked before the payment went through never keeps a later one from acting). */
import type { Agenda } from 'agenda';
import { z } from 'zod';
import { jobKind } from '../../../jobs/job.js';
import { jobKey } from '../../jobs-common.js';
import { defineOutboxJob, type OutboxDeps, outboxQueue } from '../../outbox.js';

export const YOOKASSA_CHECK_JOB = jobKind(
  'yookassa-check',
  z.object({
    key: jobKey,
    kind: z.enum(['payment', 'refund']),
    objectId: z.string().regex(/^[A-Za-z0-9-]{1,64}$/),
  }),
);

export type CheckJobData = z.infer<typeof YOOKASSA_CHECK_JOB.data>;

export function defineCheckJob(deps: OutboxDeps, run: (data: CheckJobData) => Promise<void>): void {
  defineOutboxJob(deps, {
    kind: YOOKASSA_CHECK_JOB,
    integration: 'yookassa',
    operation: 'check-payment',
    run: (d) => run(d),
  });
}

export function checkQueue(agenda: Agenda): (data: CheckJobData) => Promise<void> {
  const queue = outboxQueue(agenda, YOOKASSA_CHECK_JOB, 'coalesce');
  return (data) => queue.enqueue(data);
}
