/**
 * YooKassa's outbox jobs, one module each: a payment created (./create-payment.ts), a notification checked
 * (./check.ts), a refund (./refund.ts). Each runs its use case (../checkout.ts).
 */
import type { Agenda } from 'agenda';
import type { OutboxDeps } from '../../outbox.js';
import { type CheckJobData, checkQueue, defineCheckJob } from './check.js';
import { createPaymentQueue, defineCreatePaymentJob, type PaymentJobData } from './create-payment.js';
import { defineRefundJob, type RefundJobData, refundQueue } from './refund.js';

export type { CheckJobData, PaymentJobData, RefundJobData };

export interface PaymentJobs {
  createPayment(data: PaymentJobData): Promise<void>;
  check(data: CheckJobData): Promise<void>;
  refund(data: RefundJobData): Promise<void>;
}

/** Queues YooKassa's jobs (defined with the payments: {@link definePaymentJobs}). */
export function paymentQueues(agenda: Agenda): PaymentJobs {
  return {
    createPayment: createPaymentQueue(agenda),
    check: checkQueue(agenda),
    refund: refundQueue(agenda),
  };
}

/** Defines YooKassa's jobs; `handlers` are the payment use cases (../checkout.ts). */
export function definePaymentJobs(deps: OutboxDeps, handlers: PaymentJobs): void {
  defineCreatePaymentJob(deps, (d) => handlers.createPayment(d));
  defineCheckJob(deps, (d) => handlers.check(d));
  defineRefundJob(deps, (d) => handlers.refund(d));
}
