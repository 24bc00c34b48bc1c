/** The `invoice_payments` and `payment_refunds` collections: one payment per invoice, each refund counted once. */
import type { Models } from '../../models/mongo-schemas.js';
import type { InvoicePaymentRecord } from '../../models/records.js';
import { checkKopecks, checkPayment } from '../integration-records.js';
import { type PaymentRepository, StoreConflictError } from '../port.js';
import { checkId, checkKey } from '../validate.js';
import { type Doc, isDuplicateKey } from './lean.js';

const toPayment = (doc: Doc): InvoicePaymentRecord => ({
  invoice: String(doc._id),
  leadId: String(doc.leadId),
  amountKopecks: Number(doc.amountKopecks),
  attempt: Number(doc.attempt),
  paymentId: (doc.paymentId as string | null | undefined) ?? null,
  status: doc.status as InvoicePaymentRecord['status'],
  confirmationUrl: (doc.confirmationUrl as string | null | undefined) ?? null,
  paidAt: (doc.paidAt as Date | null | undefined) ?? null,
  refundedKopecks: Number(doc.refundedKopecks),
});

/** A value in an update pipeline, never read as a field path or operator (`$…`). */
const literal = (value: unknown) => ({ $literal: value });

export function payments(m: Models): PaymentRepository {
  // The native collection: update pipelines, without mongoose's casting of them.
  const collection = m.InvoicePayment.collection;
  return {
    async get(invoice) {
      const doc = await m.InvoicePayment.findById(checkKey('invoice number', invoice)).lean<Doc>();
      return doc ? toPayment(doc) : null;
    },
    async put(input) {
      const { invoice, refundedKopecks, ...fields } = checkPayment(input);
      // One pipeline update: the refunded sum is kept (only applyRefund moves it), capped at the amount.
      const write = () =>
        collection.findOneAndUpdate(
          { _id: invoice as never },
          [
            {
              $set: {
                ...Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, literal(v)])),
                refundedKopecks: {
                  $min: [fields.amountKopecks, { $ifNull: ['$refundedKopecks', refundedKopecks] }],
                },
                refunds: { $ifNull: ['$refunds', []] },
              },
            },
          ],
          { upsert: true, returnDocument: 'after' },
        );
      for (let attempt = 0; ; attempt += 1) {
        try {
          return toPayment((await write()) as Doc);
        } catch (err) {
          if (!isDuplicateKey(err)) throw err;
          const owner = fields.paymentId
            ? await m.InvoicePayment.findOne({ paymentId: fields.paymentId }).lean<Doc>()
            : null;
          if (owner && String(owner._id) !== invoice)
            throw new StoreConflictError(
              'YooKassa payment',
              fields.paymentId!,
              `invoice ${String(owner._id)}`,
            );
          // Two first writes of one invoice raced on `_id`: the second finds the record now.
          if (attempt > 0) throw err;
        }
      }
    },
    async findByPaymentId(paymentId) {
      const doc = await m.InvoicePayment.findOne({ paymentId: checkId('payment id', paymentId) }).lean<Doc>();
      return doc ? toPayment(doc) : null;
    },
    async applyRefund(refundId, invoice, kopecks) {
      const id = checkId('refund id', refundId);
      const number = checkKey('invoice number', invoice);
      const amount = checkKopecks('refund amount', kopecks);
      // A refund moved from kv, counted before refunds were kept on the payment: never again.
      if (await m.PaymentRefund.exists({ _id: id })) return null;
      // The compare-and-set: one update of the payment adds the refund's id and its sum, or finds it there.
      const doc = await collection.findOneAndUpdate(
        { _id: number as never, refunds: { $ne: id } },
        [
          {
            $set: {
              refundedKopecks: { $min: ['$amountKopecks', { $add: ['$refundedKopecks', amount] }] },
              refunds: { $concatArrays: [{ $ifNull: ['$refunds', []] }, [literal(id)]] },
            },
          },
        ],
        { returnDocument: 'after' },
      );
      if (!doc) return null;
      await m.PaymentRefund.updateOne(
        { _id: id },
        { $setOnInsert: { invoice: number, amountKopecks: amount } },
        { upsert: true },
      );
      return toPayment(doc as Doc);
    },
    async markRefundCounted(refundId) {
      await m.PaymentRefund.updateOne(
        { _id: checkId('refund id', refundId) },
        { $setOnInsert: { invoice: null, amountKopecks: 0 } },
        { upsert: true },
      );
    },
    async refundApplied(refundId) {
      const id = checkId('refund id', refundId);
      return !!(
        (await m.PaymentRefund.exists({ _id: id })) ?? (await m.InvoicePayment.exists({ refunds: id }))
      );
    },
  };
}
