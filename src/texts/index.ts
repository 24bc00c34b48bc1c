/**
 * Every text a seller or a buyer reads, in Russian (the default) and English, and the one place to choose them:
 * `textsFor(locale)`. The owner's Telegram texts are at the top level, as the bot reads them; the other audiences
 * have their sections:
 * - `widget` and `buyer`: the website chat, the Telegram buyer bot, the integrations' messages to buyers about
 *   free slots, bookings and payment links;
 * - `documents`: quotes, the documents' headings and requisites, the buyer's document link;
 * - `email`: the words of the e-mails buyers get (`integrations/email/templates.ts` lays them out);
 * - `crm` and `calendar`: what the seller reads in amoCRM and in the calendar.
 * Each locale keeps a file per section (`ru/`, `en/`); the English ones are typed against the Russian, so a key
 * missing in a locale is a type error. This module imports nothing of ours but types of `src/models` (lint
 * checks it), so every layer may use it.
 */
import { buyer as enBuyer, widget as enWidget } from './en/buyer.js';
import { calendar as enCalendar, crm as enCrm } from './en/crm.js';
import { documents as enDocuments } from './en/documents.js';
import { email as enEmail } from './en/email.js';
import { owner as enOwner } from './en/owner.js';
import { buyer as ruBuyer, widget as ruWidget } from './ru/buyer.js';
import { calendar as ruCalendar, crm as ruCrm } from './ru/crm.js';
import { documents as ruDocuments } from './ru/documents.js';
import { email as ruEmail } from './ru/email.js';
import { owner as ruOwner } from './ru/owner.js';

export type Locale = 'ru' | 'en';

const ru = {
  ...ruOwner,
  widget: ruWidget,
  buyer: ruBuyer,
  documents: ruDocuments,
  email: ruEmail,
  crm: ruCrm,
  calendar: ruCalendar,
};

export type Texts = typeof ru;

/** An owner key named like a section would be silently replaced by the section in the spread above. */
const _ownerKeysAreNotSections: Extract<
  keyof typeof ruOwner,
  'widget' | 'buyer' | 'documents' | 'email' | 'crm' | 'calendar'
> extends never
  ? true
  : never = true;
export type { DocumentTexts } from './ru/documents.js';
export type { DownloadProblem } from './ru/owner.js';

const en: Texts = {
  ...enOwner,
  widget: enWidget,
  buyer: enBuyer,
  documents: enDocuments,
  email: enEmail,
  crm: enCrm,
  calendar: enCalendar,
};

/** The texts for a locale; anything but `en` is Russian. */
export function textsFor(locale: string | undefined): Texts {
  return locale === 'en' ? en : ru;
}

export { formatKopecks, formatMegabytes, formatSlot, formatWhen } from './format.js';
