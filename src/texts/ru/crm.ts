/**
 * What the seller reads in amoCRM (the deal's name and notes) and in the calendar (the consultation's event),
 * in Russian (the default). `en/crm.ts` is typed against these objects.
 */
import type { LeadDocumentRef } from '../../models/records.js';

const documentName: Record<LeadDocumentRef['kind'], string> = {
  offer: 'Коммерческое предложение',
  contract: 'Договор',
  invoice: 'Счёт',
};

export const crm = {
  dealName: (listing: string | null, buyer: string | null) =>
    `${listing ?? 'Заявка'} — ${buyer ?? 'покупатель'}`,
  buyerName: 'Покупатель',
  listingField: 'Объявление',
  linkField: 'Диалог с покупателем',
  brief: (lines: readonly string[]) => `Бриф:\n${lines.join('\n')}`,
  contact: (phone: string | null, email: string | null) =>
    `Контакты покупателя: ${[phone, email].filter(Boolean).join(', ')}`,
  document: (d: LeadDocumentRef, amount: string | null) =>
    `${documentName[d.kind]} № ${d.number}${amount ? ` на ${amount}` : ''} выставлен покупателю.`,
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
};

export const calendar = {
  summary: (buyer: string | null, listing: string | null) =>
    `Консультация: ${buyer ?? 'покупатель'}${listing ? ` — ${listing}` : ''}`,
  description: (lines: readonly string[]) => lines.join('\n'),
  contacts: (phone: string | null, email: string | null) =>
    `Контакты: ${[phone, email].filter(Boolean).join(', ') || 'нет'}`,
  lead: (id: string) => `Заявка: ${id}`,
  topic: (listing: string | null) => `консультация${listing ? ` по «${listing}»` : ''}`,
};

export type CrmTexts = typeof crm;
export type CalendarTexts = typeof calendar;
