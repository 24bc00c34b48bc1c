import type { Locale } from '../../texts/index.js';
import { buildIcs, type IcsPerson } from './ics.js';
import {
  type BookingEmail,
  type EmailContent,
  emailTemplates,
  type InvoiceEmail,
  type OfferEmail,
  type PaymentReceivedEmail,
} from './templates.js';

/** A file to attach. */
export interface EmailAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
}

/** A composed e-mail, ready for {@link Mailer.send}; who receives it is decided there. */
export interface OutgoingEmail {
  kind: 'offer' | 'booking-confirmation' | 'invoice' | 'payment-received';
  content: EmailContent;
  attachments: EmailAttachment[];
  /** A calendar invitation sent as nodemailer's `icalEvent` (text/calendar alternative + attachment). */
  icalEvent?: { method: 'REQUEST' | 'PUBLISH' | 'CANCEL'; filename: string; content: string };
}

/** A PDF we produced (offer, invoice): refused unless it looks like one, so a wrong buffer is caught here. */
export interface PdfFile {
  filename: string;
  content: Buffer;
}

function pdfAttachment(pdf: PdfFile): EmailAttachment {
  if (pdf.content.subarray(0, 5).toString('latin1') !== '%PDF-') {
    throw new RangeError(`${pdf.filename} is not a PDF`);
  }
  return { filename: pdf.filename, content: pdf.content, contentType: 'application/pdf' };
}

/** The offer (КП) with its PDF. */
export function composeOfferEmail(locale: Locale, data: OfferEmail, pdf: PdfFile): OutgoingEmail {
  return { kind: 'offer', content: emailTemplates(locale).offer(data), attachments: [pdfAttachment(pdf)] };
}

/** The invoice with its PDF and the payment link in the body. */
export function composeInvoiceEmail(locale: Locale, data: InvoiceEmail, pdf: PdfFile): OutgoingEmail {
  return {
    kind: 'invoice',
    content: emailTemplates(locale).invoice(data),
    attachments: [pdfAttachment(pdf)],
  };
}

export function composePaymentReceivedEmail(locale: Locale, data: PaymentReceivedEmail): OutgoingEmail {
  return { kind: 'payment-received', content: emailTemplates(locale).paymentReceived(data), attachments: [] };
}

/**
 * The booking confirmation with an iCalendar invitation (METHOD:REQUEST: organizer = the seller,
 * attendee = the buyer). `uid` must be stable per booking so a later update or cancel replaces it.
 */
export function composeBookingConfirmationEmail(
  locale: Locale,
  data: BookingEmail,
  invitation: { uid: string; sequence?: number; stamp: Date; organizer: IcsPerson; attendee: IcsPerson },
): OutgoingEmail {
  const content = emailTemplates(locale).bookingConfirmation(data);
  const ics = buildIcs('REQUEST', {
    uid: invitation.uid,
    sequence: invitation.sequence ?? 0,
    stamp: invitation.stamp,
    start: data.start,
    end: data.end,
    times: { kind: 'zoned', timeZone: data.timeZone },
    summary: data.topic,
    description: content.text,
    ...(data.location ? { location: data.location } : {}),
    organizer: invitation.organizer,
    attendees: [invitation.attendee],
    reminderMinutes: 60,
  });
  return {
    kind: 'booking-confirmation',
    content,
    attachments: [],
    icalEvent: { method: 'REQUEST', filename: 'invite.ics', content: ics },
  };
}
