/**
 * The `email-send` outbox job: one e-mail (an offer with its PDF, a booking confirmation with its `.ics`, an
 * invoice with its PDF and payment link, a payment receipt) to the lead's buyer or to `OWNER_EMAIL`, composed
 * when it is sent (the buyer's address as it is then). A buyer who gave no e-mail gets none. SMTP 4xx and
 * connection failures are retried; a 5xx or a refused login is final and the owner is told.
 */
import { z } from 'zod';
import { jobKind } from '../../jobs/job.js';
import type { Logger } from '../../logger.js';
import type { Lead } from '../../models/records.js';
import type { DocumentFiles } from '../documents.js';
import type { Agenda } from 'agenda';
import { defineOutboxJob, type OutboxDeps, outboxQueue, PermanentFailure } from '../outbox.js';
import type { Mailbox } from './config.js';
import type { Mailer } from './mailer.js';
import {
  composeBookingConfirmationEmail,
  composeInvoiceEmail,
  composeOfferEmail,
  composePaymentReceivedEmail,
  type OutgoingEmail,
} from './messages.js';
import type { Locale } from '../../texts/index.js';

/** An instant as RFC 3339 (job data is JSON). */
const instant = z.iso.datetime({ offset: true });
const kopecks = z.number().int().nonnegative();

/** What an e-mail says, as queued (the PDFs are read from {@link DocumentFiles} when it is sent). */
export const emailMessageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('offer'), number: z.string().min(1), totalKopecks: kopecks }),
  z.object({
    kind: z.literal('invoice'),
    number: z.string().min(1),
    amountKopecks: kopecks,
    paymentUrl: z.url(),
  }),
  z.object({
    kind: z.literal('booking'),
    /** Stable per booking: a later update replaces the invitation in the buyer's calendar. */
    uid: z.string().min(1),
    sequence: z.number().int().nonnegative(),
    start: instant,
    end: instant,
    topic: z.string().min(1),
  }),
  z.object({
    kind: z.literal('payment-received'),
    invoice: z.string().min(1),
    amountKopecks: kopecks,
    paidAt: instant,
  }),
]);
export type EmailMessage = z.infer<typeof emailMessageSchema>;

export const EMAIL_JOB = jobKind(
  'email-send',
  z.object({
    key: z.string().min(1).max(300),
    leadId: z.string().min(1),
    to: z.enum(['buyer', 'owner']),
    message: emailMessageSchema,
  }),
);

export interface EmailOutboxDeps {
  outbox: OutboxDeps;
  mailer: Mailer;
  from: Mailbox;
  ownerEmail: string | undefined;
  leads: { get(leadId: string): Promise<Lead | null> };
  files: DocumentFiles;
  locale: Locale;
  /** The seller's name for greetings and signatures. */
  sellerName: string;
  timeZone: string;
  logger: Logger;
}

/** Queues e-mails; `what` names the message for its key (one e-mail per lead, what, recipient). */
export interface EmailOutbox {
  send(leadId: string, what: string, message: EmailMessage, options?: { ownerCopy?: boolean }): Promise<void>;
}

/** Without SMTP, nothing is sent. */
export const NO_EMAIL: EmailOutbox = { send: async () => undefined };

class TransientSmtpError extends Error {
  readonly retryable = true;
}

/** Queues e-mails (the job is defined with the mailer: {@link defineEmailJob}). */
export function emailQueue(agenda: Agenda, ownerEmail: string | undefined): EmailOutbox {
  const queue = outboxQueue(agenda, EMAIL_JOB);
  return {
    async send(leadId, what, message, options = {}) {
      await queue.enqueue({ key: `email:${leadId}:${what}:buyer`, leadId, to: 'buyer', message });
      if (options.ownerCopy && ownerEmail)
        await queue.enqueue({ key: `email:${leadId}:${what}:owner`, leadId, to: 'owner', message });
    },
  };
}

/** Defines the `email-send` job. */
export function defineEmailJob(deps: EmailOutboxDeps): void {
  const compose = async (lead: Lead, to: string, message: EmailMessage): Promise<OutgoingEmail> => {
    const common = { buyerName: lead.contact.name ?? undefined, sellerName: deps.sellerName };
    const pdf = async (kind: 'offer' | 'invoice', number: string) => {
      const content = await deps.files.pdf(kind, number);
      if (!content)
        throw new PermanentFailure(`the PDF of ${kind} ${number} is not kept: it cannot be attached`);
      return { filename: `${number}.pdf`, content: Buffer.from(content) };
    };
    switch (message.kind) {
      case 'offer':
        return composeOfferEmail(
          deps.locale,
          {
            ...common,
            offerNumber: message.number,
            totalKopecks: message.totalKopecks,
            timeZone: deps.timeZone,
          },
          await pdf('offer', message.number),
        );
      case 'invoice':
        return composeInvoiceEmail(
          deps.locale,
          {
            ...common,
            invoiceNumber: message.number,
            amountKopecks: message.amountKopecks,
            paymentUrl: message.paymentUrl,
            timeZone: deps.timeZone,
          },
          await pdf('invoice', message.number),
        );
      case 'booking':
        return composeBookingConfirmationEmail(
          deps.locale,
          {
            ...common,
            start: new Date(message.start),
            end: new Date(message.end),
            timeZone: deps.timeZone,
            topic: message.topic,
          },
          {
            uid: message.uid,
            sequence: message.sequence,
            stamp: new Date(),
            organizer: { email: deps.from.address, ...(deps.from.name ? { name: deps.from.name } : {}) },
            attendee: {
              email: lead.contact.email ?? to,
              ...(lead.contact.name ? { name: lead.contact.name } : {}),
            },
          },
        );
      case 'payment-received':
        return composePaymentReceivedEmail(deps.locale, {
          ...common,
          invoiceNumber: message.invoice,
          amountKopecks: message.amountKopecks,
          paidAt: new Date(message.paidAt),
          timeZone: deps.timeZone,
        });
    }
  };

  defineOutboxJob(deps.outbox, {
    kind: EMAIL_JOB,
    integration: 'email',
    operation: 'send-email',
    leadOf: (d) => d.leadId,
    async run({ key, leadId, to, message }) {
      const lead = await deps.leads.get(leadId);
      if (!lead) return;
      const address = to === 'owner' ? deps.ownerEmail : lead.contact.email;
      if (!address) {
        deps.logger.debug({ key, to }, 'no e-mail address: nothing sent');
        return;
      }
      const email = await compose(lead, address, message);
      const outcome = await deps.mailer.send({ email, to: address, idempotencyKey: key });
      if (outcome.kind === 'sent' || outcome.kind === 'no-recipient') return;
      const reason = `SMTP ${outcome.responseCode ?? outcome.code ?? ''}: ${outcome.message}`.replace(
        '  ',
        ' ',
      );
      if (outcome.transient) throw new TransientSmtpError(reason);
      throw new PermanentFailure(reason);
    },
  });
}
