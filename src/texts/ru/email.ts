/**
 * The words of every e-mail a buyer reads, in Russian (the default). `integrations/email/templates.ts` lays
 * them out as plain text and HTML and formats the amounts and dates they take; `en/email.ts` is typed
 * against this object.
 */
export const email = {
  greeting: (buyerName: string | undefined) => (buyerName ? `Здравствуйте, ${buyerName}!` : 'Здравствуйте!'),
  signature: (sellerName: string) => `С уважением,\n${sellerName}`,
  offer: {
    subject: (offer: string, seller: string) => `Коммерческое предложение № ${offer} — ${seller}`,
    body: (offer: string, total: string) =>
      `Отправляем коммерческое предложение № ${offer} на сумму ${total}. Оно во вложении (PDF).`,
    validUntil: (when: string) => `Предложение действует до ${when}.`,
    questions: 'Если есть вопросы, просто ответьте на это письмо.',
  },
  booking: {
    subject: (when: string) => `Запись подтверждена: ${when}`,
    body: (topic: string, when: string, endTime: string) =>
      `Вы записаны: ${topic}.\nКогда: ${when} – ${endTime}.`,
    where: (location: string) => `\nГде: ${location}.`,
    invitation:
      'Приглашение для календаря — во вложении (.ics). Если планы изменятся, ответьте на это письмо.',
  },
  invoice: {
    subject: (invoice: string, amount: string, seller: string) =>
      `Счёт № ${invoice} на ${amount} — ${seller}`,
    body: (invoice: string, amount: string) => `Счёт № ${invoice} на сумму ${amount} — во вложении (PDF).`,
    payBy: (when: string) => `\nОплатить до ${when}.`,
    payOnline: 'Оплатить онлайн',
  },
  paymentReceived: {
    subject: (invoice: string) => `Оплата получена: счёт № ${invoice}`,
    body: (amount: string, invoice: string, when: string) =>
      `Мы получили оплату ${amount} по счёту № ${invoice} (${when}). Спасибо!`,
  },
};

export type EmailTexts = typeof email;
