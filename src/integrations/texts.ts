/**
 * What the integrations write for people: messages to buyers (free slots, a booking, a payment link) and the
 * deal's name and notes the seller reads in amoCRM, in Russian (default) and English. E-mails have their own
 * templates (`email/templates.ts`); the owner's Telegram texts are the bot's (`bot/texts/`).
 */
import type { LeadDocumentRef } from '../models/records.js';

export type IntegrationLocale = 'ru' | 'en';

const INTL: Record<IntegrationLocale, string> = { ru: 'ru-RU', en: 'en-GB' };

/** «ср, 3 июня, 11:00» in the seller's zone. */
export function formatSlot(start: Date, timeZone: string, locale: IntegrationLocale): string {
  const day = new Intl.DateTimeFormat(INTL[locale], {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'long',
  }).format(start);
  const time = new Intl.DateTimeFormat(INTL[locale], {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(start);
  return `${day}, ${time}`;
}

/** 1234567 kopecks → «12 345,67 ₽». */
export function formatKopecks(kopecks: number, locale: IntegrationLocale): string {
  return new Intl.NumberFormat(INTL[locale], { style: 'currency', currency: 'RUB' }).format(kopecks / 100);
}

const zoneLabel = (timeZone: string, locale: IntegrationLocale): string =>
  timeZone === 'Europe/Moscow' ? (locale === 'ru' ? 'по московскому времени' : 'Moscow time') : timeZone;

const numbered = (slots: readonly string[]) => slots.map((s, i) => `${i + 1}) ${s}`).join('\n');

const documentName: Record<IntegrationLocale, Record<LeadDocumentRef['kind'], string>> = {
  ru: { offer: 'Коммерческое предложение', contract: 'Договор', invoice: 'Счёт' },
  en: { offer: 'Quotation', contract: 'Contract', invoice: 'Invoice' },
};

const ru = {
  buyer: {
    slotsOffered: (slots: readonly string[], timeZone: string) =>
      `Могу предложить время для консультации (${zoneLabel(timeZone, 'ru')}):\n${numbered(slots)}\n` +
      'Ответьте номером варианта (например, «1») или напишите день и время.',
    slotTaken: (slots: readonly string[], timeZone: string) =>
      `Это время уже заняли, извините. Свободно (${zoneLabel(timeZone, 'ru')}):\n${numbered(slots)}\n` +
      'Ответьте номером варианта.',
    noSlots: (days: number) =>
      `Свободного времени для консультации в ближайшие ${days} дн. нет — мы свяжемся с вами и договоримся.`,
    checkingCalendar: 'Сейчас уточню свободное время для консультации и пришлю варианты.',
    booked: (when: string, timeZone: string) =>
      `Записал вас на консультацию: ${when} (${zoneLabel(timeZone, 'ru')}). Если планы изменятся — напишите.`,
    booking: (when: string) => `Записываю вас на ${when} — пришлю подтверждение.`,
    rescheduled: (when: string, timeZone: string) =>
      `Консультация перенесена на ${when} (${zoneLabel(timeZone, 'ru')}).`,
    cancelled: (when: string) =>
      `Консультация ${when} отменена. Если захотите выбрать другое время — напишите.`,
    paymentLink: (invoice: string, amount: string, url: string) =>
      `Счёт № ${invoice} на ${amount}. Оплатить онлайн: ${url}`,
    paid: (invoice: string, amount: string) => `Оплата ${amount} по счёту № ${invoice} получена. Спасибо!`,
    returned: 'Спасибо! Оплата обрабатывается — подтверждение придёт в чат с продавцом.',
  },
  crm: {
    dealName: (listing: string | null, buyer: string | null) =>
      `${listing ?? 'Заявка'} — ${buyer ?? 'покупатель'}`,
    buyerName: 'Покупатель',
    listingField: 'Объявление',
    linkField: 'Диалог с покупателем',
    brief: (lines: readonly string[]) => `Бриф:\n${lines.join('\n')}`,
    contact: (phone: string | null, email: string | null) =>
      `Контакты покупателя: ${[phone, email].filter(Boolean).join(', ')}`,
    document: (d: LeadDocumentRef, amount: string | null) =>
      `${documentName.ru[d.kind]} № ${d.number}${amount ? ` на ${amount}` : ''} выставлен покупателю.`,
    booked: (when: string) => `Консультация назначена: ${when}.`,
    rescheduled: (when: string) => `Консультация перенесена на ${when}.`,
    cancelled: (when: string) => `Консультация ${when} отменена.`,
    paymentLink: (invoice: string, amount: string) =>
      `Покупателю отправлена ссылка на оплату счёта № ${invoice} (${amount}).`,
    paid: (invoice: string, amount: string, paymentId: string) =>
      `Оплачено ${amount} по счёту № ${invoice} (ЮKassa, платёж ${paymentId}).`,
    canceled: (invoice: string, reason: string) => `Платёж по счёту № ${invoice} не состоялся: ${reason}.`,
    refunded: (invoice: string, amount: string) => `Возврат ${amount} по счёту № ${invoice}.`,
    lostInCrm: 'Закрыта в amoCRM',
  },
  calendar: {
    summary: (buyer: string | null, listing: string | null) =>
      `Консультация: ${buyer ?? 'покупатель'}${listing ? ` — ${listing}` : ''}`,
    description: (lines: readonly string[]) => lines.join('\n'),
    contacts: (phone: string | null, email: string | null) =>
      `Контакты: ${[phone, email].filter(Boolean).join(', ') || 'нет'}`,
    lead: (id: string) => `Заявка: ${id}`,
    topic: (listing: string | null) => `консультация${listing ? ` по «${listing}»` : ''}`,
  },
};

export type IntegrationTexts = typeof ru;

const en: IntegrationTexts = {
  buyer: {
    slotsOffered: (slots, timeZone) =>
      `Here are times for a consultation (${zoneLabel(timeZone, 'en')}):\n${numbered(slots)}\n` +
      'Reply with the number of an option (e.g. "1") or write a day and time.',
    slotTaken: (slots, timeZone) =>
      `Sorry, that time has just been taken. Free (${zoneLabel(timeZone, 'en')}):\n${numbered(slots)}\n` +
      'Reply with the number of an option.',
    noSlots: (days) =>
      `There is no free time for a consultation in the next ${days} days — we will contact you.`,
    checkingCalendar: 'Let me check the free times for a consultation; I will send options shortly.',
    booked: (when, timeZone) =>
      `You are booked for a consultation: ${when} (${zoneLabel(timeZone, 'en')}). Write if your plans change.`,
    booking: (when) => `Booking you for ${when} — a confirmation will follow.`,
    rescheduled: (when, timeZone) => `Your consultation is moved to ${when} (${zoneLabel(timeZone, 'en')}).`,
    cancelled: (when) => `Your consultation on ${when} is cancelled. Write if you want another time.`,
    paymentLink: (invoice, amount, url) => `Invoice No. ${invoice} for ${amount}. Pay online: ${url}`,
    paid: (invoice, amount) => `Payment of ${amount} for invoice No. ${invoice} received. Thank you!`,
    returned:
      'Thank you! The payment is being processed — the confirmation will come to your chat with the seller.',
  },
  crm: {
    dealName: (listing, buyer) => `${listing ?? 'Request'} — ${buyer ?? 'buyer'}`,
    buyerName: 'Buyer',
    listingField: 'Listing',
    linkField: 'Conversation with the buyer',
    brief: (lines) => `Brief:\n${lines.join('\n')}`,
    contact: (phone, email) => `Buyer's contacts: ${[phone, email].filter(Boolean).join(', ')}`,
    document: (d, amount) =>
      `${documentName.en[d.kind]} No. ${d.number}${amount ? ` for ${amount}` : ''} issued to the buyer.`,
    booked: (when) => `Consultation booked: ${when}.`,
    rescheduled: (when) => `Consultation moved to ${when}.`,
    cancelled: (when) => `Consultation on ${when} cancelled.`,
    paymentLink: (invoice, amount) =>
      `Payment link for invoice No. ${invoice} (${amount}) sent to the buyer.`,
    paid: (invoice, amount, paymentId) =>
      `Paid ${amount} for invoice No. ${invoice} (YooKassa, payment ${paymentId}).`,
    canceled: (invoice, reason) => `The payment for invoice No. ${invoice} did not go through: ${reason}.`,
    refunded: (invoice, amount) => `Refund of ${amount} for invoice No. ${invoice}.`,
    lostInCrm: 'Closed in amoCRM',
  },
  calendar: {
    summary: (buyer, listing) => `Consultation: ${buyer ?? 'buyer'}${listing ? ` — ${listing}` : ''}`,
    description: (lines) => lines.join('\n'),
    contacts: (phone, email) => `Contacts: ${[phone, email].filter(Boolean).join(', ') || 'none'}`,
    lead: (id) => `Lead: ${id}`,
    topic: (listing) => `a consultation${listing ? ` about "${listing}"` : ''}`,
  },
};

/** The integrations' texts of a locale; anything but `en` is Russian. */
export function integrationTexts(locale: string): IntegrationTexts {
  return locale === 'en' ? en : ru;
}
