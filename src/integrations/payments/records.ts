import { z } from 'zod';
import type { KvRepository } from '../../store/port.js';

const invoicePaymentSchema = z.object({
  leadId: z.string().min(1),
  invoice: z.string().min(1),
  amountKopecks: z.number().int().positive(),
  /** The attempt the Idempotence-Key is made with: a new one only after a payment ended `canceled`. */
  attempt: z.number().int().nonnegative(),
  paymentId: z.string().nullable(),
  status: z.enum(['creating', 'pending', 'succeeded', 'canceled']),
  confirmationUrl: z.string().nullable(),
  paidAt: z.iso.datetime({ offset: true }).nullable(),
  refundedKopecks: z.number().int().nonnegative(),
});

/** The payment of one invoice as we keep it (kv, sealed at rest); YooKassa's own record is the truth. */
export type InvoicePayment = z.infer<typeof invoicePaymentSchema>;

/** Invoice payments by invoice number, and the way back from YooKassa's payment id. */
export function invoicePayments(kv: Pick<KvRepository, 'get' | 'set'>) {
  return {
    async get(invoice: string): Promise<InvoicePayment | null> {
      const parsed = invoicePaymentSchema.safeParse(await kv.get(`payments:invoice:${invoice}`));
      return parsed.success ? parsed.data : null;
    },
    async put(record: InvoicePayment): Promise<void> {
      if (record.paymentId) await kv.set(`payments:payment:${record.paymentId}`, record.invoice);
      await kv.set(`payments:invoice:${record.invoice}`, invoicePaymentSchema.parse(record));
    },
    async invoiceOf(paymentId: string): Promise<string | null> {
      const value: unknown = await kv.get(`payments:payment:${paymentId}`);
      return typeof value === 'string' ? value : null;
    },
  };
}

export type InvoicePayments = ReturnType<typeof invoicePayments>;
