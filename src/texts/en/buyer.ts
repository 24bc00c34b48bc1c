/** What buyers read, in English: typed against the Russian texts (`ru/buyer.ts`). */
import { numbered } from '../format.js';
import type { BuyerTexts, WidgetTexts } from '../ru/buyer.js';

const zoneLabel = (timeZone: string): string => (timeZone === 'Europe/Moscow' ? 'Moscow time' : timeZone);

/** What a buyer agrees to (152-ФЗ) before leaving a contact, in the widget and the buyer bot alike. */
const consentText =
  'I consent to the seller processing my personal data (name, phone or e-mail, the text of this chat) to ' +
  'answer my questions and prepare an offer, under Russian Federal Law No. 152-FZ "On Personal Data". ' +
  'The consent lasts until I withdraw it, which I can do by writing so in this chat.';

export const widget: WidgetTexts = {
  title: 'Chat with the seller',
  open: 'Open chat',
  close: 'Close chat',
  greeting: 'Hello! Ask your question and we will answer right here.',
  briefIntro: 'How should we call you, and how can we reach you if you close this page?',
  nameLabel: 'Name',
  contactLabel: 'Phone or e-mail',
  contactHint: 'For example, +7 912 345-67-89 or name@example.com',
  consent: consentText,
  privacyPolicy: 'Personal data policy',
  start: 'Start chat',
  placeholder: 'Write a message…',
  send: 'Send',
  you: 'You',
  seller: 'Seller',
  typing: 'The seller is typing…',
  sending: 'Sending…',
  failed: 'Not sent.',
  retry: 'Retry',
  connecting: 'Connecting…',
  offline: 'No connection. Reconnecting…',
  rateLimited: 'Too many messages. Please wait a minute and try again.',
  tooLong: 'The message is too long.',
  serverError: 'The message was not saved. Please try again.',
  unread: 'New message',
  nameInvalid: 'Please enter your name (up to 100 characters).',
  contactInvalid: 'Please enter a phone (+7 912 345-67-89) or an e-mail.',
  consentRequired: 'We cannot take your contact without your consent.',
};

export const buyer: BuyerTexts = {
  commands: { start: 'Start', help: 'What the bot does', contact: 'Leave your name and phone' },
  hello: 'Hello!',
  greeting:
    "Hello! I'm the seller's assistant: I answer questions about the goods, delivery and payment, and pass on to the seller whatever I can't answer.",
  greetingListing: (title: string, price: string | null) =>
    `Hello! You're writing about «${title}»${price ? ` (${price})` : ''}. Ask your question and I'll answer or pass it on to the seller.`,
  contactOffer:
    'So that the seller can reach you, leave your name and a phone number or e-mail. This needs your consent:',
  consent: consentText,
  privacyPolicy: (url: string) => `Personal data policy: ${url}`,
  agree: '✅ I agree',
  decline: 'Not now',
  agreed: 'Thank you!',
  askName: 'What is your name?',
  askContact: (name: string) => `${name}, share your phone (button below) or type a phone number or e-mail.`,
  shareContact: '📱 Share my number',
  skip: 'Skip',
  contactSaved: 'Thank you, your contact is saved. Ask your question and I will answer here.',
  skipped: 'All right. Ask your question and I will answer here.',
  declined: 'All right, no contact details. Ask your question and I will answer here.',
  badName: 'Please write just your name (up to 64 characters).',
  badContact:
    "That doesn't look like a phone number or an e-mail. Tap «📱 Share my number», type a number (+7 912 345-67-89) or an e-mail, or «Skip».",
  consentFirst: 'To keep your contact, I need your consent to the processing of personal data.',
  help: 'Write your question about the goods: I answer here or pass it on to the seller. /contact: leave your name and phone.',
  notHere: "This command doesn't work here. Just write your question.",
  slowDown: "You're writing faster than I can read. Please wait a minute and write again.",
  notReceived: "Your message didn't get through. Please send it again a little later.",
  // ▼ sales-pipeline integrations: free slots, a booking, a payment link (Avito or wherever the buyer writes)
  slotsOffered: (slots, timeZone) =>
    `Here are times for a consultation (${zoneLabel(timeZone)}):\n${numbered(slots)}\n` +
    'Reply with the number of an option (e.g. "1") or write a day and time.',
  slotTaken: (slots, timeZone) =>
    `Sorry, that time has just been taken. Free (${zoneLabel(timeZone)}):\n${numbered(slots)}\n` +
    'Reply with the number of an option.',
  noSlots: (days) =>
    `There is no free time for a consultation in the next ${days} days — we will contact you.`,
  checkingCalendar: 'Let me check the free times for a consultation; I will send options shortly.',
  booked: (when, timeZone) =>
    `You are booked for a consultation: ${when} (${zoneLabel(timeZone)}). Write if your plans change.`,
  booking: (when) => `Booking you for ${when} — a confirmation will follow.`,
  rescheduled: (when, timeZone) => `Your consultation is moved to ${when} (${zoneLabel(timeZone)}).`,
  cancelled: (when) => `Your consultation on ${when} is cancelled. Write if you want another time.`,
  paymentLink: (invoice, amount, url) => `Invoice No. ${invoice} for ${amount}. Pay online: ${url}`,
  paid: (invoice, amount) => `Payment of ${amount} for invoice No. ${invoice} received. Thank you!`,
  returned:
    'Thank you! The payment is being processed — the confirmation will come to your chat with the seller.',
  // ▲ sales-pipeline integrations
};
