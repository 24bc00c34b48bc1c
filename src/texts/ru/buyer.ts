/**
 * What buyers read, in Russian (the default): the website widget, the Telegram buyer bot, and the messages
 * the sales-pipeline integrations send wherever the buyer writes (free slots, a booking, a payment link).
 * `en/buyer.ts` is typed against these objects.
 */
import { numbered } from '../format.js';

const zoneLabel = (timeZone: string): string =>
  timeZone === 'Europe/Moscow' ? 'по московскому времени' : timeZone;

/** What a buyer agrees to (152-ФЗ) before leaving a contact, in the widget and the buyer bot alike. */
const consentText =
  'Я даю согласие продавцу на обработку моих персональных данных (имя, телефон или e-mail, текст переписки) ' +
  'для ответа на мои вопросы и подготовки предложения в соответствии с Федеральным законом от 27.07.2006 ' +
  '№ 152-ФЗ «О персональных данных». Согласие действует до его отзыва; отозвать его можно, написав об этом в чате.';

/**
 * The website chat widget, as the visitor reads it. Plain text (the widget renders every string with
 * `textContent`, never as HTML), no functions: the whole section is sent to the browser as JSON.
 */
export const widget = {
  title: 'Чат с продавцом',
  open: 'Открыть чат',
  close: 'Закрыть чат',
  greeting: 'Здравствуйте! Задайте вопрос — ответим здесь же.',
  briefIntro: 'Как к вам обращаться и как с вами связаться, если вы закроете страницу?',
  nameLabel: 'Имя',
  contactLabel: 'Телефон или e-mail',
  contactHint: 'Например, +7 912 345-67-89 или name@example.ru',
  consent: consentText,
  privacyPolicy: 'Политика обработки персональных данных',
  start: 'Начать чат',
  placeholder: 'Напишите сообщение…',
  send: 'Отправить',
  you: 'Вы',
  seller: 'Продавец',
  typing: 'Продавец печатает…',
  sending: 'Отправляется…',
  failed: 'Не отправлено.',
  retry: 'Повторить',
  connecting: 'Подключаемся…',
  offline: 'Нет связи. Переподключаемся…',
  rateLimited: 'Слишком много сообщений. Подождите минуту и попробуйте снова.',
  tooLong: 'Сообщение слишком длинное.',
  serverError: 'Сообщение не сохранилось. Попробуйте ещё раз.',
  unread: 'Новое сообщение',
  nameInvalid: 'Укажите имя (до 100 символов).',
  contactInvalid: 'Укажите телефон (+7 912 345-67-89) или e-mail.',
  consentRequired: 'Без согласия мы не можем принять ваши контакты.',
};

/**
 * The Telegram buyer bot (`bot/buyer/`), as the buyer reads it: plain text (sent without a parse mode, so
 * listing titles and names need no escaping). Never the owner's commands or cards.
 */
export const buyer = {
  commands: { start: 'Начать', help: 'Что умеет бот', contact: 'Оставить имя и телефон' },
  /** Opens the first answer in a chat (`rag/reply.ts`). */
  hello: 'Здравствуйте!',
  greeting:
    'Здравствуйте! Я помощник продавца: отвечу на вопросы о товарах, доставке и оплате, а если не смогу — передам вопрос продавцу.',
  greetingListing: (title: string, price: string | null) =>
    `Здравствуйте! Вы пишете по объявлению «${title}»${price ? ` (${price})` : ''}. Задайте вопрос — отвечу или передам продавцу.`,
  contactOffer:
    'Чтобы продавец мог с вами связаться, оставьте имя и телефон или e-mail. Для этого нужно ваше согласие:',
  consent: consentText,
  privacyPolicy: (url: string) => `Политика обработки персональных данных: ${url}`,
  agree: '✅ Согласен',
  decline: 'Не сейчас',
  agreed: 'Спасибо!',
  askName: 'Как к вам обращаться?',
  askContact: (name: string) => `${name}, оставьте телефон (кнопка ниже) или напишите номер или e-mail.`,
  shareContact: '📱 Отправить мой номер',
  skip: 'Пропустить',
  contactSaved: 'Спасибо, контакт сохранён. Задайте ваш вопрос — отвечу здесь.',
  skipped: 'Хорошо. Задайте ваш вопрос — отвечу здесь.',
  declined: 'Хорошо, без контактов. Задайте ваш вопрос — отвечу здесь.',
  badName: 'Напишите, пожалуйста, только имя (до 64 символов).',
  badContact:
    'Не похоже на телефон или e-mail. Нажмите «📱 Отправить мой номер», напишите номер (+7 912 345-67-89) или e-mail — или «Пропустить».',
  consentFirst: 'Чтобы сохранить ваш контакт, нужно согласие на обработку персональных данных.',
  help: 'Напишите вопрос о товаре — отвечу здесь или передам продавцу. /contact — оставить имя и телефон.',
  notHere: 'Эта команда здесь не работает. Просто напишите ваш вопрос.',
  slowDown: 'Вы пишете быстрее, чем я успеваю читать. Подождите минуту и напишите снова, пожалуйста.',
  notReceived: 'Не удалось принять сообщение. Отправьте его ещё раз чуть позже, пожалуйста.',
  // ▼ sales-pipeline integrations: free slots, a booking, a payment link (Avito or wherever the buyer writes)
  slotsOffered: (slots: readonly string[], timeZone: string) =>
    `Могу предложить время для консультации (${zoneLabel(timeZone)}):\n${numbered(slots)}\n` +
    'Ответьте номером варианта (например, «1») или напишите день и время.',
  slotTaken: (slots: readonly string[], timeZone: string) =>
    `Это время уже заняли, извините. Свободно (${zoneLabel(timeZone)}):\n${numbered(slots)}\n` +
    'Ответьте номером варианта.',
  noSlots: (days: number) =>
    `Свободного времени для консультации в ближайшие ${days} дн. нет — мы свяжемся с вами и договоримся.`,
  checkingCalendar: 'Сейчас уточню свободное время для консультации и пришлю варианты.',
  booked: (when: string, timeZone: string) =>
    `Записал вас на консультацию: ${when} (${zoneLabel(timeZone)}). Если планы изменятся — напишите.`,
  booking: (when: string) => `Записываю вас на ${when} — пришлю подтверждение.`,
  rescheduled: (when: string, timeZone: string) =>
    `Консультация перенесена на ${when} (${zoneLabel(timeZone)}).`,
  cancelled: (when: string) =>
    `Консультация ${when} отменена. Если захотите выбрать другое время — напишите.`,
  paymentLink: (invoice: string, amount: string, url: string) =>
    `Счёт № ${invoice} на ${amount}. Оплатить онлайн: ${url}`,
  paid: (invoice: string, amount: string) => `Оплата ${amount} по счёту № ${invoice} получена. Спасибо!`,
  returned: 'Спасибо! Оплата обрабатывается — подтверждение придёт в чат с продавцом.',
  // ▲ sales-pipeline integrations
};

export type WidgetTexts = typeof widget;
export type BuyerTexts = typeof buyer;
