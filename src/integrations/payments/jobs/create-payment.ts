/** The `yookassa-create-payment` job: an invoice's payment created and its link sent, once per invoice and attempt. */
import type { Agenda } from 'agenda';
import { z } from 'zod';
import { jobKind } from '../../../jobs/job.js';
import { jobKey, leadIdField } from '../../jobs-common.js';
import { defineOutboxJob, type OutboxDeps, outboxQueue } from '../../outbox.js';

export const YOOKASSA_PAYMENT_JOB = jobKind(
  'yookassa-create-payment',
  z.object({
    key: jobKey,
    leadId: leadIdField,
    invoice: z.string().min(1).max(64),
    amountKopecks: z.number().int().positive(),
  }),
);

export type PaymentJobData = z.infer<typeof YOOKASSA_PAYMENT_JOB.data>;

export function defineCreatePaymentJob(deps: OutboxDeps, run: (data: PaymentJobData) => Promise<void>): void {
  defineOutboxJob(deps, {
    kind: YOOKASSA_PAYMENT_JOB,
    integration: 'yookassa',
    operation: 'create-payment',
    leadOf: (d) => d.leadId,
    run: (d) => run(d),
  });
}

export function createPaymentQueue(agenda: Agenda): (data: PaymentJobData) => Promise<void> {
  const queue = outboxQueue(agenda, YOOKASSA_PAYMENT_JOB);
  return (data) => queue.enqueue(data);
}
