/**
 * Every e-mail a buyer reads, in Russian (default) and English: subject, plain text and HTML. The one
 * place for their wording; values are escaped for HTML here, money comes in kopecks, times with a zone.
 */

export type EmailLocale = 'ru' | 'en';

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

const INTL_LOCALE: Record<EmailLocale, string> = { ru: 'ru-RU', en: 'en-GB' };

/** 1234567 kopecks → "12 345,67 ₽" (ru) / "RUB 12,345.67" (en). */
export function formatRubles(kopecks: number, locale: EmailLocale): string {
  if (!Number.isSafeInteger(kopecks)) throw new RangeError(`money must be whole kopecks, got ${kopecks}`);
  return new Intl.NumberFormat(INTL_LOCALE[locale], { style: 'currency', currency: 'RUB' }).format(
    kopecks / 100,
  );
}

/** "7 июня 2027 г., 10:00 (Europe/Moscow)" — always with the zone the buyer should read it in. */
export function formatWhen(date: Date, timeZone: string, locale: EmailLocale): string {
  const text = new Intl.DateTimeFormat(INTL_LOCALE[locale], {
    timeZone,
    dateStyle: 'long',
    timeStyle: 'short',
  }).format(date);
  return `${text} (${timeZone})`;
}

function formatTime(date: Date, timeZone: string, locale: EmailLocale): string {
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

const ru: Templates = {
  offer: (m) => ({
    subject: `Коммерческое предложение № ${m.offerNumber} — ${m.sellerName}`,
    ...body([
      m.buyerName ? `Здравствуйте, ${m.buyerName}!` : 'Здравствуйте!',
      `Отправляем коммерческое предложение № ${m.offerNumber} на сумму ${formatRubles(m.totalKopecks, 'ru')}. Оно во вложении (PDF).`,
      ...(m.validUntil ? [`Предложение действует до ${formatWhen(m.validUntil, m.timeZone, 'ru')}.`] : []),
      'Если есть вопросы, просто ответьте на это письмо.',
      `С уважением,\n${m.sellerName}`,
    ]),
  }),
  bookingConfirmation: (m) => ({
    subject: `Запись подтверждена: ${formatWhen(m.start, m.timeZone, 'ru')}`,
    ...body([
      m.buyerName ? `Здравствуйте, ${m.buyerName}!` : 'Здравствуйте!',
      `Вы записаны: ${m.topic}.\nКогда: ${formatWhen(m.start, m.timeZone, 'ru')} – ${formatTime(m.end, m.timeZone, 'ru')}.` +
        (m.location ? `\nГде: ${m.location}.` : ''),
      'Приглашение для календаря — во вложении (.ics). Если планы изменятся, ответьте на это письмо.',
      `С уважением,\n${m.sellerName}`,
    ]),
  }),
  invoice: (m) => ({
    subject: `Счёт № ${m.invoiceNumber} на ${formatRubles(m.amountKopecks, 'ru')} — ${m.sellerName}`,
    ...body([
      m.buyerName ? `Здравствуйте, ${m.buyerName}!` : 'Здравствуйте!',
      `Счёт № ${m.invoiceNumber} на сумму ${formatRubles(m.amountKopecks, 'ru')} — во вложении (PDF).` +
        (m.dueDate ? `\nОплатить до ${formatWhen(m.dueDate, m.timeZone, 'ru')}.` : ''),
      { label: 'Оплатить онлайн', link: m.paymentUrl },
      `С уважением,\n${m.sellerName}`,
    ]),
  }),
  paymentReceived: (m) => ({
    subject: `Оплата получена: счёт № ${m.invoiceNumber}`,
    ...body([
      m.buyerName ? `Здравствуйте, ${m.buyerName}!` : 'Здравствуйте!',
      `Мы получили оплату ${formatRubles(m.amountKopecks, 'ru')} по счёту № ${m.invoiceNumber} (${formatWhen(m.paidAt, m.timeZone, 'ru')}). Спасибо!`,
      `С уважением,\n${m.sellerName}`,
    ]),
  }),
};

const en: Templates = {
  offer: (m) => ({
    subject: `Quotation No. ${m.offerNumber} — ${m.sellerName}`,
    ...body([
      m.buyerName ? `Hello ${m.buyerName},` : 'Hello,',
      `Please find attached our quotation No. ${m.offerNumber} for ${formatRubles(m.totalKopecks, 'en')} (PDF).`,
      ...(m.validUntil ? [`The offer is valid until ${formatWhen(m.validUntil, m.timeZone, 'en')}.`] : []),
      'If you have any questions, just reply to this e-mail.',
      `Kind regards,\n${m.sellerName}`,
    ]),
  }),
  bookingConfirmation: (m) => ({
    subject: `Booking confirmed: ${formatWhen(m.start, m.timeZone, 'en')}`,
    ...body([
      m.buyerName ? `Hello ${m.buyerName},` : 'Hello,',
      `You are booked: ${m.topic}.\nWhen: ${formatWhen(m.start, m.timeZone, 'en')} – ${formatTime(m.end, m.timeZone, 'en')}.` +
        (m.location ? `\nWhere: ${m.location}.` : ''),
      'The calendar invitation is attached (.ics). If your plans change, reply to this e-mail.',
      `Kind regards,\n${m.sellerName}`,
    ]),
  }),
  invoice: (m) => ({
    subject: `Invoice No. ${m.invoiceNumber} for ${formatRubles(m.amountKopecks, 'en')} — ${m.sellerName}`,
    ...body([
      m.buyerName ? `Hello ${m.buyerName},` : 'Hello,',
      `Invoice No. ${m.invoiceNumber} for ${formatRubles(m.amountKopecks, 'en')} is attached (PDF).` +
        (m.dueDate ? `\nPlease pay by ${formatWhen(m.dueDate, m.timeZone, 'en')}.` : ''),
      { label: 'Pay online', link: m.paymentUrl },
      `Kind regards,\n${m.sellerName}`,
    ]),
  }),
  paymentReceived: (m) => ({
    subject: `Payment received: invoice No. ${m.invoiceNumber}`,
    ...body([
      m.buyerName ? `Hello ${m.buyerName},` : 'Hello,',
      `We have received your payment of ${formatRubles(m.amountKopecks, 'en')} for invoice No. ${m.invoiceNumber} (${formatWhen(m.paidAt, m.timeZone, 'en')}). Thank you!`,
      `Kind regards,\n${m.sellerName}`,
    ]),
  }),
};

/** The templates of a locale. */
export function emailTemplates(locale: EmailLocale): Templates {
  return locale === 'en' ? en : ru;
}
