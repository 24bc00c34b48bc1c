import type { InvoicePaymentRecord } from '../../models/records.js';
import type { PaymentRepository } from '../../store/port.js';

/** The payment of one invoice as we keep it; YooKassa's own record is the truth. `paidAt` is ISO 8601. */
export type InvoicePayment = Omit<InvoicePaymentRecord, 'paidAt'> & { paidAt: string | null };

const fromStore = (r: InvoicePaymentRecord): InvoicePayment => ({
  ...r,
  paidAt: r.paidAt ? r.paidAt.toISOString() : null,
});

/** Invoice payments by invoice number, and the way back from YooKassa's payment id (the store's payments). */
export function invoicePayments(repo: PaymentRepository) {
  return {
    async get(invoice: string): Promise<InvoicePayment | null> {
      const record = await repo.get(invoice);
      return record && fromStore(record);
    },
    /** Writes all but `refundedKopecks`, which only {@link applyRefund} changes. */
    async put(record: InvoicePayment): Promise<void> {
      await repo.put({ ...record, paidAt: record.paidAt ? new Date(record.paidAt) : null });
    },
    async invoiceOf(paymentId: string): Promise<string | null> {
      return (await repo.findByPaymentId(paymentId))?.invoice ?? null;
    },
    /** Counts the refund once (compare-and-set in the store); null when it was counted already. */
    async applyRefund(refundId: string, invoice: string, kopecks: number): Promise<InvoicePayment | null> {
      const record = await repo.applyRefund(refundId, invoice, kopecks);
      return record && fromStore(record);
    },
  };
}

export type InvoicePayments = ReturnType<typeof invoicePayments>;
