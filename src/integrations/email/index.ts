/**
 * E-mail to buyers (and the owner) over SMTP: the offer with its PDF, the booking confirmation with an
 * `.ics` invitation, the invoice with its PDF and payment link, the payment receipt. Off until `SMTP_URL`
 * and `EMAIL_FROM` are set; the retrying outbox that calls {@link Mailer.send} acts on its outcome.
 */
export { type EmailEnvConfig, emailEnvConfig, emailEnvSchema, type Mailbox, parseMailbox } from './config.js';
export { buildIcs, escapeText, foldLine, type IcsEvent, type IcsMethod, type IcsPerson } from './ics.js';
export {
  classifySmtpFailure,
  createMailer,
  type Mailer,
  type MailerOptions,
  messageIdFor,
  type SendOutcome,
  type SendRequest,
} from './mailer.js';
export {
  composeBookingConfirmationEmail,
  composeInvoiceEmail,
  composeOfferEmail,
  composePaymentReceivedEmail,
  type EmailAttachment,
  type OutgoingEmail,
  type PdfFile,
} from './messages.js';
export {
  type BookingEmail,
  type EmailContent,
  emailTemplates,
  formatRubles,
  formatWhen,
  type InvoiceEmail,
  type OfferEmail,
  type PaymentReceivedEmail,
} from './templates.js';
