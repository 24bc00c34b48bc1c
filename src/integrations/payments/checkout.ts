/**
 * Payments for invoices through YooKassa: an invoice attached to a lead gets a payment (its Idempotence-Key
 * derived from the invoice number, a 54-ФЗ receipt when `YOOKASSA_RECEIPTS=true`), and its confirmation URL
 * goes to the buyer's chat and, with the invoice PDF, to their e-mail. A notification is only a hint: the
 * payment is fetched by id and only its status as YooKassa has it counts. `succeeded` marks the invoice paid,
 * the lead `paid` (amounts in kopecks), notes the deal, tells the owner and e-mails a receipt; `canceled` is
 * noted and told; a repeat or a late notification changes nothing. The owner refunds from the lead card.
 */
import type { Logger } from '../../logger.js';
import type { Lead, LeadStage } from '../../models/records.js';
import type { OwnerAlerts } from '../../responder/ports.js';
import type { LeadActionResult, LeadEvent, LeadListener } from '../../sales/leads/index.js';
import type { Crm } from '../amocrm/integration.js';
import { type BuyerMessenger, buyerChatOf, INTEGRATIONS_ACTOR } from '../buyer-messages.js';
import type { DocumentFiles } from '../documents.js';
import type { EmailOutbox } from '../email/outbox.js';
import { type OutboxDeps, PermanentFailure } from '../outbox.js';
import { formatKopecks, type Locale, type Texts } from '../../texts/index.js';
import type { YooKassaClient, YooPayment } from './client.js';
import { YooKassaError } from './errors.js';
import { definePaymentJobs, type PaymentJobs } from './jobs/index.js';
export { paymentQueues } from './jobs/index.js';
import type { Receipt } from './receipt.js';
import { type InvoicePayment, invoicePayments } from './records.js';
import type { Store } from '../../store/port.js';

export interface PaymentsDeps {
  client: YooKassaClient;
  /** A 54-ФЗ receipt with each payment and refund (`YOOKASSA_RECEIPTS`), its lines with this `vat_code`. */
  receipts: { enabled: boolean; vatCode: number };
  /** Where the buyer returns after paying (`PUBLIC_URL/yookassa/return`). */
  returnUrl: string | undefined;
  store: Pick<Store, 'payments'>;
  leads: {
    get(leadId: string): Promise<Lead | null>;
    moveStage(leadId: string, to: LeadStage, actor: string): Promise<LeadActionResult>;
    setPaid(leadId: string, kopecks: number, actor: string): Promise<LeadActionResult>;
  };
  crm: Crm;
  email: EmailOutbox;
  files: DocumentFiles;
  alerts: OwnerAlerts;
  messenger: BuyerMessenger;
  outbox: OutboxDeps;
  /** Where the jobs are queued (see {@link paymentQueues}). */
  queues: PaymentJobs;
  texts: Texts;
  locale: Locale;
  logger: Logger;
  now?: () => Date;
}

/** The outcome of an owner's payment action (the lead card words it). */
export type PaymentActionResult =
  { ok: true } | { ok: false; reason: 'not_found' | 'no_invoice' | 'already_paid' | 'not_paid' | 'too_much' };

export interface Payments {
  /** 💳 on the lead card: the invoice's payment link (again, after a canceled payment) to the buyer. */
  requestPayment(leadId: string, invoice: string): Promise<PaymentActionResult>;
  /** ↩️ on the lead card: refunds `amountKopecks` (default: all that is left) of a paid invoice. */
  refund(leadId: string, invoice: string, amountKopecks?: number): Promise<PaymentActionResult>;
  /** A notification that passed the address check: queued for checking against YooKassa. */
  notified(kind: 'payment' | 'refund', objectId: string): Promise<void>;
  /** The invoice's payment as we know it (for the lead card). */
  status(invoice: string): Promise<InvoicePayment | null>;
}

/** Invoices attached to leads get their payment (queued; the job needs nothing the event does not carry). */
export function paymentsListener(queues: Pick<PaymentJobs, 'createPayment'>): LeadListener {
  return {
    async onLeadEvent(event: LeadEvent) {
      if (event.type !== 'lead.document_attached' || event.document.kind !== 'invoice') return;
      const total = event.document.total;
      if (total === null || total <= 0) return;
      await queues.createPayment({
        key: `yookassa:pay:${event.document.number}:0`,
        leadId: event.lead.id,
        invoice: event.document.number,
        amountKopecks: total,
      });
    },
  };
}

export function createPayments(deps: PaymentsDeps): Payments {
  const { client, texts, locale } = deps;
  const records = invoicePayments(deps.store.payments);
  const now = deps.now ?? (() => new Date());
  const log = deps.logger;
  const rub = (kopecks: number) => formatKopecks(kopecks, locale);

  function receiptFor(lead: Lead, invoice: string, kopecks: number): Receipt | undefined {
    if (!deps.receipts.enabled) return undefined;
    const { email, phone, name } = lead.contact;
    if (!email && !phone)
      throw new PermanentFailure(
        'a 54-ФЗ receipt needs the buyer’s e-mail or phone, and the lead has neither',
      );
    return {
      customer: { ...(email ? { email } : { phone: phone! }), ...(name ? { fullName: name } : {}) },
      items: [
        {
          description: texts.crm.paymentLink(invoice, rub(kopecks)).slice(0, 128),
          quantity: 1,
          unitKopecks: kopecks,
          vatCode: deps.receipts.vatCode,
          paymentSubject: 'commodity',
          paymentMode: 'full_payment',
        },
      ],
    };
  }

  /** The lead's paid total: every paid invoice of it, less what was refunded. */
  async function paidTotal(lead: Lead): Promise<number> {
    let total = 0;
    for (const doc of lead.documents.filter((d) => d.kind === 'invoice')) {
      const record = await records.get(doc.number);
      if (record?.status === 'succeeded') total += record.amountKopecks - record.refundedKopecks;
    }
    return total;
  }

  async function createPayment(data: {
    key: string;
    leadId: string;
    invoice: string;
    amountKopecks: number;
  }) {
    const lead = await deps.leads.get(data.leadId);
    if (!lead) return;
    let record: InvoicePayment = (await records.get(data.invoice)) ?? {
      leadId: data.leadId,
      invoice: data.invoice,
      amountKopecks: data.amountKopecks,
      attempt: 0,
      paymentId: null,
      status: 'creating',
      confirmationUrl: null,
      paidAt: null,
      refundedKopecks: 0,
    };
    if (record.status === 'succeeded') return;
    if (record.status === 'canceled')
      record = { ...record, attempt: record.attempt + 1, status: 'creating', paymentId: null };
    if (record.status === 'creating') {
      if (!deps.returnUrl)
        throw new PermanentFailure('set PUBLIC_URL: YooKassa sends the buyer back to it after paying');
      await records.put(record);
      const payment = await client.createPayment({
        invoiceId: record.invoice,
        attempt: record.attempt,
        amountKopecks: record.amountKopecks,
        description: texts.crm.paymentLink(record.invoice, rub(record.amountKopecks)).slice(0, 128),
        returnUrl: deps.returnUrl,
        metadata: { lead_id: lead.id },
        ...(() => {
          const receipt = receiptFor(lead, record.invoice, record.amountKopecks);
          return receipt ? { receipt } : {};
        })(),
      });
      record = {
        ...record,
        paymentId: payment.id,
        status: payment.status === 'canceled' ? 'canceled' : 'pending',
        confirmationUrl: payment.confirmationUrl ?? null,
      };
      await records.put(record);
      if (payment.status === 'succeeded') return settle(payment);
    }
    if (!record.confirmationUrl)
      throw new PermanentFailure(`YooKassa gave no payment link for ${record.invoice}`);
    const url = record.confirmationUrl;
    const amount = rub(record.amountKopecks);
    await deps.messenger.send({
      chatId: buyerChatOf(lead),
      text: texts.buyer.paymentLink(record.invoice, amount, url),
      key: `yookassa:link:${record.invoice}:${record.attempt}`,
    });
    await deps.crm.note(
      lead.id,
      `payment-link:${record.invoice}:${record.attempt}`,
      texts.crm.paymentLink(record.invoice, amount),
    );
    if (await deps.files.pdf('invoice', record.invoice)) {
      await deps.email.send(
        lead.id,
        `invoice:${record.invoice}:${record.attempt}`,
        { kind: 'invoice', number: record.invoice, amountKopecks: record.amountKopecks, paymentUrl: url },
        { ownerCopy: true },
      );
    }
    const moved = await deps.leads.moveStage(lead.id, 'invoiced', INTEGRATIONS_ACTOR);
    if (!moved.ok) log.debug({ leadId: lead.id, reason: moved.reason }, 'lead not moved to invoiced');
  }

  /** Acts on a payment as YooKassa has it now; anything we did not ask for, or that does not add up, is left. */
  async function settle(payment: YooPayment): Promise<void> {
    const metadataInvoice =
      typeof payment.metadata?.invoice_id === 'string' ? payment.metadata.invoice_id : null;
    const invoice = (await records.invoiceOf(payment.id)) ?? metadataInvoice;
    const record = invoice ? await records.get(invoice) : null;
    if (!record) return log.warn({ paymentId: payment.id }, 'YooKassa payment that is not ours: ignored');
    // A payment of an earlier attempt, or one we never heard back about creating (its answer was lost).
    if (record.paymentId !== payment.id && !(record.paymentId === null && record.status === 'creating')) {
      if (payment.status === 'succeeded')
        log.error(
          { paymentId: payment.id, invoice },
          'a second payment of an invoice succeeded: refund it by hand',
        );
      return;
    }
    if (payment.amount.kopecks !== record.amountKopecks || payment.amount.currency !== 'RUB') {
      throw new PermanentFailure(
        `payment ${payment.id} is for ${payment.amount.kopecks} ${payment.amount.currency} kopecks, invoice ${record.invoice} for ${record.amountKopecks}: not marked paid`,
      );
    }
    const lead = await deps.leads.get(record.leadId);
    if (!lead) return;
    if (payment.status === 'succeeded') {
      const paidAt = payment.captured_at ?? record.paidAt ?? now().toISOString();
      await records.put({ ...record, paymentId: payment.id, status: 'succeeded', paidAt });
      await deps.leads.setPaid(lead.id, await paidTotal(lead), INTEGRATIONS_ACTOR);
      const moved = await deps.leads.moveStage(lead.id, 'paid', INTEGRATIONS_ACTOR);
      if (!moved.ok) log.debug({ leadId: lead.id, reason: moved.reason }, 'lead not moved to paid');
      const amount = rub(record.amountKopecks);
      await deps.crm.note(lead.id, `paid:${payment.id}`, texts.crm.paid(record.invoice, amount, payment.id));
      await deps.alerts.alert(`payment:${payment.id}:succeeded`, {
        kind: 'payment',
        change: 'succeeded',
        invoice: record.invoice,
        amountKopecks: record.amountKopecks,
        buyer: lead.contact.name,
        leadId: lead.id,
      });
      await deps.email.send(
        lead.id,
        `paid:${payment.id}`,
        { kind: 'payment-received', invoice: record.invoice, amountKopecks: record.amountKopecks, paidAt },
        { ownerCopy: true },
      );
      await deps.messenger.send({
        chatId: buyerChatOf(lead),
        text: texts.buyer.paid(record.invoice, amount),
        key: `yookassa:paid:${payment.id}`,
      });
      return;
    }
    if (payment.status === 'canceled') {
      if (record.status === 'succeeded') return;
      const reason = payment.cancellation_details?.reason ?? 'canceled';
      await records.put({ ...record, paymentId: payment.id, status: 'canceled' });
      await deps.crm.note(lead.id, `canceled:${payment.id}`, texts.crm.canceled(record.invoice, reason));
      await deps.alerts.alert(`payment:${payment.id}:canceled`, {
        kind: 'payment',
        change: 'canceled',
        invoice: record.invoice,
        amountKopecks: record.amountKopecks,
        buyer: lead.contact.name,
        leadId: lead.id,
        cancellation: reason,
      });
    }
    // pending / waiting_for_capture: nothing yet; YooKassa notifies again when it changes.
  }

  async function applyRefund(refundId: string, paymentId: string, kopecks: number): Promise<void> {
    const invoice = await records.invoiceOf(paymentId);
    // Counted once whatever the number of notifications, checks and processes: a compare-and-set in the store.
    const record = invoice ? await records.applyRefund(refundId, invoice, kopecks) : null;
    if (!record) return;
    const lead = await deps.leads.get(record.leadId);
    if (!lead) return;
    await deps.leads.setPaid(lead.id, await paidTotal(lead), INTEGRATIONS_ACTOR);
    await deps.crm.note(lead.id, `refund:${refundId}`, texts.crm.refunded(record.invoice, rub(kopecks)));
    await deps.alerts.alert(`payment:${refundId}:refunded`, {
      kind: 'payment',
      change: 'refunded',
      invoice: record.invoice,
      amountKopecks: kopecks,
      buyer: lead.contact.name,
      leadId: lead.id,
    });
  }

  const jobs = deps.queues;
  definePaymentJobs(deps.outbox, {
    createPayment,
    async check({ kind, objectId }) {
      try {
        if (kind === 'payment') return await settle(await client.getPayment(objectId));
        const refund = await client.getRefund(objectId);
        if (refund.status === 'succeeded')
          await applyRefund(refund.id, refund.payment_id, refund.amount.kopecks);
      } catch (error) {
        // An id YooKassa does not know under our shop: a forgery or another shop's; nothing to do.
        if (error instanceof YooKassaError && error.kind === 'not_found') {
          log.warn({ kind, objectId }, 'YooKassa does not know the notified object: ignored');
          return;
        }
        throw error;
      }
    },
    async refund({ key, leadId, invoice, amountKopecks }) {
      const record = await records.get(invoice);
      if (!record?.paymentId || record.status !== 'succeeded')
        throw new PermanentFailure(`invoice ${invoice} has no succeeded payment to refund`);
      const lead = await deps.leads.get(leadId);
      if (!lead) return;
      const refund = await client.createRefund({
        refundId: key,
        paymentId: record.paymentId,
        amountKopecks,
        ...(() => {
          const receipt = receiptFor(lead, invoice, amountKopecks);
          return receipt ? { receipt } : {};
        })(),
      });
      if (refund.status === 'succeeded')
        await applyRefund(refund.id, refund.payment_id, refund.amount.kopecks);
      else if (refund.status === 'canceled')
        throw new PermanentFailure(`YooKassa canceled refund ${refund.id}`);
      // pending: its `refund.succeeded` notification completes it.
    },
  });

  return {
    async requestPayment(leadId, invoice) {
      const lead = await deps.leads.get(leadId);
      if (!lead) return { ok: false, reason: 'not_found' };
      const doc = lead.documents.find((d) => d.kind === 'invoice' && d.number === invoice);
      if (!doc || doc.total === null || doc.total <= 0) return { ok: false, reason: 'no_invoice' };
      const record = await records.get(invoice);
      if (record?.status === 'succeeded') return { ok: false, reason: 'already_paid' };
      const attempt = record ? record.attempt + (record.status === 'canceled' ? 1 : 0) : 0;
      await jobs.createPayment({
        key: `yookassa:pay:${invoice}:${attempt}`,
        leadId,
        invoice,
        amountKopecks: doc.total,
      });
      return { ok: true };
    },
    async refund(leadId, invoice, amountKopecks) {
      const record = await records.get(invoice);
      if (!record || record.leadId !== leadId) return { ok: false, reason: 'no_invoice' };
      if (record.status !== 'succeeded') return { ok: false, reason: 'not_paid' };
      const left = record.amountKopecks - record.refundedKopecks;
      const amount = amountKopecks ?? left;
      if (amount <= 0 || amount > left) return { ok: false, reason: 'too_much' };
      // A second tap before the first refund is through makes the same key: one refund.
      await jobs.refund({
        key: `yookassa:refund:${invoice}:${record.refundedKopecks}:${amount}`,
        leadId,
        invoice,
        amountKopecks: amount,
      });
      return { ok: true };
    },
    notified: (kind, objectId) => jobs.check({ key: `yookassa:check:${kind}:${objectId}`, kind, objectId }),
    status: (invoice) => records.get(invoice),
  };
}
