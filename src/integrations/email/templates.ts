/**
 * Every e-mail a buyer reads, in Russian (default) and English: subject, plain text and HTML. The words come
 * from the texts module (`src/texts/`, section `email`); here they are laid out, values are escaped for HTML,
 * money comes in kopecks, times with a zone.
 */
import { formatKopecks, type Locale, textsFor } from '../../texts/index.js';

/** A rendered e-mail body. */
export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

interface Common {
  /** The buyer's name when known (greeting). */
  buyerName?: string | undefined;
  /** The seller's shop or name (signature). */
  sellerName: string;
}

export interface OfferEmail extends Common {
  offerNumber: string;
  totalKopecks: number;
  validUntil?: Date | undefined;
  timeZone: string;
}

export interface BookingEmail extends Common {
  start: Date;
  end: Date;
  timeZone: string;
  topic: string;
  location?: string | undefined;
}

export interface InvoiceEmail extends Common {
  invoiceNumber: string;
  amountKopecks: number;
  paymentUrl: string;
  dueDate?: Date | undefined;
  timeZone: string;
}

export interface PaymentReceivedEmail extends Common {
  invoiceNumber: string;
  amountKopecks: number;
  paidAt: Date;
  timeZone: string;
}

/** `&<>"'` escaped, for values placed into HTML. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const INTL_LOCALE: Record<Locale, string> = { ru: 'ru-RU', en: 'en-GB' };

/** 1234567 kopecks → "12 345,67 ₽" (ru) / "RUB 12,345.67" (en). */
export function formatRubles(kopecks: number, locale: Locale): string {
  if (!Number.isSafeInteger(kopecks)) throw new RangeError(`money must be whole kopecks, got ${kopecks}`);
  return formatKopecks(kopecks, locale);
}

/** "7 июня 2027 г., 10:00 (Europe/Moscow)" — always with the zone the buyer should read it in. */
export function formatWhen(date: Date, timeZone: string, locale: Locale): string {
  const text = new Intl.DateTimeFormat(INTL_LOCALE[locale], {
    timeZone,
    dateStyle: 'long',
    timeStyle: 'short',
  }).format(date);
  return `${text} (${timeZone})`;
}

function formatTime(date: Date, timeZone: string, locale: Locale): string {
  return new Intl.DateTimeFormat(INTL_LOCALE[locale], { timeZone, timeStyle: 'short' }).format(date);
}

/** Paragraphs → text with blank lines and HTML with <p>; `link` paragraphs become anchors in HTML. */
function body(
  paragraphs: Array<string | { link: string; label: string }>,
): Pick<EmailContent, 'text' | 'html'> {
  const text = paragraphs.map((p) => (typeof p === 'string' ? p : `${p.label}: ${p.link}`)).join('\n\n');
  const html = paragraphs
    .map((p) =>
      typeof p === 'string'
        ? `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`
        : `<p><a href="${escapeHtml(p.link)}">${escapeHtml(p.label)}</a></p>`,
    )
    .join('\n');
  return { text: `${text}\n`, html: `<!doctype html>\n<html><body>\n${html}\n</body></html>\n` };
}

interface Templates {
  offer(m: OfferEmail): EmailContent;
  bookingConfirmation(m: BookingEmail): EmailContent;
  invoice(m: InvoiceEmail): EmailContent;
  paymentReceived(m: PaymentReceivedEmail): EmailContent;
}

/** The templates of a locale: the words from the texts module, laid out with its amounts and dates. */
function templatesFor(locale: Locale): Templates {
  const t = textsFor(locale).email;
  const money = (kopecks: number) => formatRubles(kopecks, locale);
  const when = (date: Date, timeZone: string) => formatWhen(date, timeZone, locale);
  return {
    offer: (m) => ({
      subject: t.offer.subject(m.offerNumber, m.sellerName),
      ...body([
        t.greeting(m.buyerName),
        t.offer.body(m.offerNumber, money(m.totalKopecks)),
        ...(m.validUntil ? [t.offer.validUntil(when(m.validUntil, m.timeZone))] : []),
        t.offer.questions,
        t.signature(m.sellerName),
      ]),
    }),
    bookingConfirmation: (m) => ({
      subject: t.booking.subject(when(m.start, m.timeZone)),
      ...body([
        t.greeting(m.buyerName),
        t.booking.body(m.topic, when(m.start, m.timeZone), formatTime(m.end, m.timeZone, locale)) +
          (m.location ? t.booking.where(m.location) : ''),
        t.booking.invitation,
        t.signature(m.sellerName),
      ]),
    }),
    invoice: (m) => ({
      subject: t.invoice.subject(m.invoiceNumber, money(m.amountKopecks), m.sellerName),
      ...body([
        t.greeting(m.buyerName),
        t.invoice.body(m.invoiceNumber, money(m.amountKopecks)) +
          (m.dueDate ? t.invoice.payBy(when(m.dueDate, m.timeZone)) : ''),
        { label: t.invoice.payOnline, link: m.paymentUrl },
        t.signature(m.sellerName),
      ]),
    }),
    paymentReceived: (m) => ({
      subject: t.paymentReceived.subject(m.invoiceNumber),
      ...body([
        t.greeting(m.buyerName),
        t.paymentReceived.body(money(m.amountKopecks), m.invoiceNumber, when(m.paidAt, m.timeZone)),
        t.signature(m.sellerName),
      ]),
    }),
  };
}

const TEMPLATES: Record<Locale, Templates> = { ru: templatesFor('ru'), en: templatesFor('en') };

/** The templates of a locale. */
export function emailTemplates(locale: Locale): Templates {
  return TEMPLATES[locale];
}
