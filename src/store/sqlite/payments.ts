/** The `invoice_payments` and `payment_refunds` tables: one payment per invoice, each refund counted once. */
import type { InvoicePaymentRecord } from '../../models/records.js';
import { checkKopecks, checkPayment } from '../integration-records.js';
import { type PaymentRepository, StoreConflictError } from '../port.js';
import { checkId, checkKey } from '../validate.js';
import { fromMs, type Row, type SqliteDatabase, str } from './database.js';

const toPayment = (row: Row): InvoicePaymentRecord => ({
  invoice: String(row.invoice),
  leadId: String(row.lead_id),
  amountKopecks: Number(row.amount),
  attempt: Number(row.attempt),
  paymentId: str(row.payment_id),
  status: row.status as InvoicePaymentRecord['status'],
  confirmationUrl: str(row.confirmation_url),
  paidAt: fromMs(row.paid_at),
  refundedKopecks: Number(row.refunded),
});

export function payments(db: SqliteDatabase): PaymentRepository {
  const read = (invoice: string) => {
    const row = db.get('SELECT * FROM invoice_payments WHERE invoice = ?', invoice);
    return row ? toPayment(row) : null;
  };
  return {
    async get(invoice) {
      return read(checkKey('invoice number', invoice));
    },
    async put(input) {
      const p = checkPayment(input);
      return db.groupWrite(() => {
        if (p.paymentId) {
          const owner = db.get('SELECT invoice FROM invoice_payments WHERE payment_id = ?', p.paymentId);
          if (owner && String(owner.invoice) !== p.invoice)
            throw new StoreConflictError('YooKassa payment', p.paymentId, `invoice ${String(owner.invoice)}`);
        }
        db.run(
          `INSERT INTO invoice_payments
             (invoice, lead_id, amount, attempt, payment_id, status, confirmation_url, paid_at, refunded)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (invoice) DO UPDATE SET lead_id = excluded.lead_id, amount = excluded.amount,
             attempt = excluded.attempt, payment_id = excluded.payment_id, status = excluded.status,
             confirmation_url = excluded.confirmation_url, paid_at = excluded.paid_at,
             refunded = min(invoice_payments.refunded, excluded.amount)`,
          p.invoice,
          p.leadId,
          p.amountKopecks,
          p.attempt,
          p.paymentId,
          p.status,
          p.confirmationUrl,
          p.paidAt?.getTime() ?? null,
          p.refundedKopecks,
        );
        return read(p.invoice)!;
      });
    },
    async findByPaymentId(paymentId) {
      const row = db.get(
        'SELECT * FROM invoice_payments WHERE payment_id = ?',
        checkId('payment id', paymentId),
      );
      return row ? toPayment(row) : null;
    },
    async applyRefund(refundId, invoice, kopecks) {
      const id = checkId('refund id', refundId);
      const number = checkKey('invoice number', invoice);
      const amount = checkKopecks('refund amount', kopecks);
      // One transaction: the refund's row is the compare-and-set, the sum moves with it or not at all.
      return db.groupWrite(() => {
        if (!read(number)) return null;
        const counted = db.run(
          'INSERT INTO payment_refunds (refund_id, invoice, amount) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
          id,
          number,
          amount,
        );
        if (counted === 0) return null;
        db.run(
          'UPDATE invoice_payments SET refunded = min(amount, refunded + ?) WHERE invoice = ?',
          amount,
          number,
        );
        return read(number);
      });
    },
    async markRefundCounted(refundId) {
      const id = checkId('refund id', refundId);
      await db.groupWrite(
        () =>
          db.run(
            'INSERT INTO payment_refunds (refund_id, invoice, amount) VALUES (?, NULL, 0) ON CONFLICT DO NOTHING',
            id,
          ),
        { oneStatement: true },
      );
    },
    async refundApplied(refundId) {
      return !!db.get('SELECT 1 FROM payment_refunds WHERE refund_id = ?', checkId('refund id', refundId));
    },
  };
}
