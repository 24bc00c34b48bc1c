/** The words of every e-mail a buyer reads, in English: typed against the Russian texts (`ru/email.ts`). */
import type { EmailTexts } from '../ru/email.js';

export const email: EmailTexts = {
  greeting: (buyerName) => (buyerName ? `Hello ${buyerName},` : 'Hello,'),
  signature: (sellerName) => `Kind regards,\n${sellerName}`,
  offer: {
    subject: (offer, seller) => `Quotation No. ${offer} — ${seller}`,
    body: (offer, total) => `Please find attached our quotation No. ${offer} for ${total} (PDF).`,
    validUntil: (when) => `The offer is valid until ${when}.`,
    questions: 'If you have any questions, just reply to this e-mail.',
  },
  booking: {
    subject: (when) => `Booking confirmed: ${when}`,
    body: (topic, when, endTime) => `You are booked: ${topic}.\nWhen: ${when} – ${endTime}.`,
    where: (location) => `\nWhere: ${location}.`,
    invitation: 'The calendar invitation is attached (.ics). If your plans change, reply to this e-mail.',
  },
  invoice: {
    subject: (invoice, amount, seller) => `Invoice No. ${invoice} for ${amount} — ${seller}`,
    body: (invoice, amount) => `Invoice No. ${invoice} for ${amount} is attached (PDF).`,
    payBy: (when) => `\nPlease pay by ${when}.`,
    payOnline: 'Pay online',
  },
  paymentReceived: {
    subject: (invoice) => `Payment received: invoice No. ${invoice}`,
    body: (amount, invoice, when) =>
      `We have received your payment of ${amount} for invoice No. ${invoice} (${when}). Thank you!`,
  },
};
