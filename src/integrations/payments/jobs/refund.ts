/** The `yookassa-refund` job: a refund of an invoice, once per refund. */
import type { Agenda } from 'agenda';
import { z } from 'zod';
import { jobKind } from '../../../jobs/job.js';
import { jobKey, leadIdField } from '../../jobs-common.js';
import { defineOutboxJob, type OutboxDeps, outboxQueue } from '../../outbox.js';

export const YOOKASSA_REFUND_JOB = jobKind(
  'yookassa-refund',
  z.object({
    key: jobKey,
    leadId: leadIdField,
    invoice: z.string().min(1).max(64),
    amountKopecks: z.number().int().positive(),
  }),
);

export type RefundJobData = z.infer<typeof YOOKASSA_REFUND_JOB.data>;

export function defineRefundJob(deps: OutboxDeps, run: (data: RefundJobData) => Promise<void>): void {
  defineOutboxJob(deps, {
    kind: YOOKASSA_REFUND_JOB,
    integration: 'yookassa',
    operation: 'refund',
    leadOf: (d) => d.leadId,
    run: (d) => run(d),
  });
}

export function refundQueue(agenda: Agenda): (data: RefundJobData) => Promise<void> {
  const queue = outboxQueue(agenda, YOOKASSA_REFUND_JOB);
  return (data) => queue.enqueue(data);
}
