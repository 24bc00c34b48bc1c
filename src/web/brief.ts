/**
 * The widget's brief/contact step: a name, a phone or an e-mail, and the consent to process them (152-ФЗ).
 * What the visitor typed is checked here; the contact by `lib/contact.ts`, as in every channel.
 */
import { type BuyerContact, contactOf } from '../lib/contact.js';

export type { BuyerContact } from '../lib/contact.js';

export interface Brief {
  name: string;
  contact: BuyerContact;
}

export type BriefField = 'name' | 'contact' | 'consent';

const MAX_NAME = 100;

/** The brief, or the fields to fix (all of them at once, so the visitor corrects everything in one go). */
export function parseBrief(input: {
  name: string;
  contact: string;
  consent: boolean;
}): { ok: true; brief: Brief } | { ok: false; fields: BriefField[] } {
  // Collapse runs of whitespace and drop control characters: the name shows on the owner's cards.
  const name = input.name
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
  const contact = contactOf(input.contact);
  const fields: BriefField[] = [];
  if (name.length === 0 || [...name].length > MAX_NAME) fields.push('name');
  if (!contact) fields.push('contact');
  if (input.consent !== true) fields.push('consent');
  if (fields.length > 0 || !contact) return { ok: false, fields };
  return { ok: true, brief: { name, contact } };
}
