/**
 * YooKassa's outbox jobs: an invoice's payment created and its link sent (`yookassa-create-payment`, once per
 * invoice and attempt), a notification checked against the payment as YooKassa has it (`yookassa-check`, one
 * per object, run again for each notification), a refund (`yookassa-refund`, once per refund of an invoice).
 */
import { z } from 'zod';
import { jobKind } from '../../jobs/job.js';
import type { Agenda } from 'agenda';
import { defineOutboxJob, type OutboxDeps, outboxQueue } from '../outbox.js';

const key = z.string().min(1).max(300);
const leadId = z.string().min(1);
const invoice = z.string().min(1).max(64);
const kopecks = z.number().int().positive();
const yooId = z.string().regex(/^[A-Za-z0-9-]{1,64}$/);

export const YOOKASSA_PAYMENT_JOB = jobKind(
  'yookassa-create-payment',
  z.object({ key, leadId, invoice, amountKopecks: kopecks }),
);
export const YOOKASSA_CHECK_JOB = jobKind(
  'yookassa-check',
  z.object({ key, kind: z.enum(['payment', 'refund']), objectId: yooId }),
);
export const YOOKASSA_REFUND_JOB = jobKind(
  'yookassa-refund',
  z.object({ key, leadId, invoice, amountKopecks: kopecks }),
);

export type PaymentJobData = z.infer<typeof YOOKASSA_PAYMENT_JOB.data>;
export type CheckJobData = z.infer<typeof YOOKASSA_CHECK_JOB.data>;
export type RefundJobData = z.infer<typeof YOOKASSA_REFUND_JOB.data>;

export interface PaymentJobs {
  createPayment(data: PaymentJobData): Promise<void>;
  check(data: CheckJobData): Promise<void>;
  refund(data: RefundJobData): Promise<void>;
}

/** Queues YooKassa's jobs (defined with the payments: {@link definePaymentJobs}). */
export function paymentQueues(agenda: Agenda): PaymentJobs {
  const create = outboxQueue(agenda, YOOKASSA_PAYMENT_JOB);
  // Per object, run again for every notification: a check reads the object's current state, so an early
  // (or forged) notification checked before the payment went through never keeps a later one from acting.
  const check = outboxQueue(agenda, YOOKASSA_CHECK_JOB, 'coalesce');
  const refund = outboxQueue(agenda, YOOKASSA_REFUND_JOB);
  return {
    createPayment: (d) => create.enqueue(d),
    check: (d) => check.enqueue(d),
    refund: (d) => refund.enqueue(d),
  };
}

/** Defines YooKassa's jobs; `handlers` are the payment use cases (./checkout.ts). */
export function definePaymentJobs(deps: OutboxDeps, handlers: PaymentJobs): void {
  defineOutboxJob(deps, {
    kind: YOOKASSA_PAYMENT_JOB,
    integration: 'yookassa',
    operation: 'create-payment',
    leadOf: (d) => d.leadId,
    run: (d) => handlers.createPayment(d),
  });
  defineOutboxJob(deps, {
    kind: YOOKASSA_CHECK_JOB,
    integration: 'yookassa',
    operation: 'check-payment',
    run: (d) => handlers.check(d),
  });
  defineOutboxJob(deps, {
    kind: YOOKASSA_REFUND_JOB,
    integration: 'yookassa',
    operation: 'refund',
    leadOf: (d) => d.leadId,
    run: (d) => handlers.refund(d),
  });
}
