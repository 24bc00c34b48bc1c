import type { LocalDate } from '../../lib/zoned-time.js';
import type { Logger } from '../../logger.js';
import type { Lead, LeadChannel, LeadContact, LeadListing } from '../../models/records.js';
import { type LeadAuditInput, LeadConversationTakenError, type Store } from '../../store/port.js';
import type { BriefExtractor, BuyerMessage, ExtractedValue } from './brief/extractor.js';
import type { BriefField } from './brief/fields.js';
import { mergeExtracted } from './brief/merge.js';
import { formatBriefValue } from './brief/values.js';
import { changeLead, type LeadPlan } from './change.js';
import { findContacts } from './contacts.js';
import type { LeadEvent } from './events.js';

/** A burst of buyer messages in one conversation, as any channel adapter delivers it. */
export interface BuyerBurst {
  channel: LeadChannel;
  conversationId: string;
  listing?: LeadListing | null;
  /** The buyer's profile as the channel knows it. */
  buyer?: { name?: string | null } | null;
  /** Oldest first. */
  messages: readonly BuyerMessage[];
}

export interface BuyerOutcome {
  lead: Lead;
  /** A new lead was started. */
  created: boolean;
  /** An open lead of the same buyer (by phone or e-mail) was continued in this conversation. */
  continued: boolean;
  events: LeadEvent[];
}

interface Deps {
  store: Pick<Store, 'leads'>;
  extractor: BriefExtractor;
  fields: readonly BriefField[];
  logger: Logger;
}

export const leadTag = (channel: LeadChannel) => `${channel}-lead`;

/** The first phone and e-mail of a burst, as found in the buyer's own words. */
function contactsOf(messages: readonly BuyerMessage[]): { phone: string | null; email: string | null } {
  const found = messages.map((m) => findContacts(m.text));
  return {
    phone: found.flatMap((f) => f.phones)[0] ?? null,
    email: found.flatMap((f) => f.emails)[0] ?? null,
  };
}

/**
 * The lead this burst belongs to: the conversation's open lead; else the open lead of the same phone or
 * e-mail (continued in this conversation); else a new one. A won or lost lead is not continued.
 */
async function leadFor(
  deps: Deps,
  burst: BuyerBurst,
  contacts: { phone: string | null; email: string | null },
): Promise<Omit<BuyerOutcome, 'events'>> {
  const { leads } = deps.store;
  const mine = await leads.findOpenByConversation(burst.channel, burst.conversationId);
  if (mine) return { lead: mine, created: false, continued: false };
  if (contacts.phone || contacts.email) {
    const [same] = await leads.findOpenByContact(contacts);
    if (same) {
      try {
        const continued = await changeLead(leads, same.id, (lead) => continueIn(lead, burst));
        if (continued) return { lead: continued.lead, created: false, continued: continued.changed };
      } catch (err) {
        // Another message of this conversation started a lead meanwhile: that one is the buyer's.
        if (!(err instanceof LeadConversationTakenError)) throw err;
        const taken = await leads.findOpenByConversation(burst.channel, burst.conversationId);
        if (taken) return { lead: taken, created: false, continued: false };
      }
    }
  }
  const r = await leads.create(
    {
      channel: burst.channel,
      conversationId: burst.conversationId,
      listing: burst.listing ?? null,
      contact: { name: burst.buyer?.name?.trim() || null, phone: null, email: null },
      tags: [leadTag(burst.channel)],
    },
    [{ actor: 'system', action: 'lead.created', details: { channel: burst.channel } }],
  );
  return r.inserted
    ? { lead: r.record, created: true, continued: false }
    : { lead: r.existing, created: false, continued: false };
}

/** Adds this conversation (and its channel's tag) to an open lead of the same buyer. */
function continueIn(lead: Lead, burst: BuyerBurst): LeadPlan {
  if (
    lead.conversations.some((c) => c.channel === burst.channel && c.conversationId === burst.conversationId)
  )
    return null;
  const tag = leadTag(burst.channel);
  return {
    patch: {
      conversations: [
        ...lead.conversations,
        { channel: burst.channel, conversationId: burst.conversationId },
      ],
      tags: lead.tags.includes(tag) ? lead.tags : [...lead.tags, tag],
    },
    audit: [{ actor: 'system', action: 'lead.conversation', details: { channel: burst.channel } }],
  };
}

/** The contact fields the burst fills: only empty ones (the first phone given stays the lead's phone). */
function contactAdditions(
  lead: Lead,
  burst: BuyerBurst,
  found: { phone: string | null; email: string | null },
): Partial<LeadContact> {
  const add: Partial<LeadContact> = {};
  const name = burst.buyer?.name?.trim();
  if (!lead.contact.name && name) add.name = name;
  if (!lead.contact.phone && found.phone) add.phone = found.phone;
  if (!lead.contact.email && found.email) add.email = found.email;
  return add;
}

/**
 * A buyer's burst: find or start the lead, add the contacts the buyer wrote, and fill the brief from what
 * the extractor reads (checked for grounding; the owner's values are never replaced). One write for
 * contact, brief, listing and tags, compare-and-set, re-planned if the lead changed meanwhile.
 */
export async function onBuyerBurst(
  deps: Deps,
  burst: BuyerBurst,
  clock: { now: Date; today: LocalDate },
): Promise<BuyerOutcome> {
  const messages = burst.messages.filter((m) => m.text.trim() !== '');
  const found = contactsOf(messages);
  const { lead: start, created, continued } = await leadFor(deps, burst, found);

  let extracted: ExtractedValue[] = [];
  if (messages.length > 0) {
    try {
      extracted = await deps.extractor.extract({
        fields: deps.fields,
        messages,
        current: start.brief,
        today: clock.today,
      });
    } catch (err) {
      // An extractor is not supposed to throw; the lead and its contacts matter more than the brief.
      deps.logger.warn({ err, leadId: start.id, extractor: deps.extractor.kind }, 'brief extraction failed');
    }
  }

  let contactFields: Array<keyof LeadContact> = [];
  let briefFields: string[] = [];
  const result = await changeLead(deps.store.leads, start.id, (lead) => {
    const add = contactAdditions(lead, burst, found);
    const merged = mergeExtracted({
      current: lead.brief,
      extracted,
      fields: deps.fields,
      messages,
      today: clock.today,
      now: clock.now,
    });
    if (merged.rejected.length > 0)
      deps.logger.info(
        { leadId: lead.id, extractor: deps.extractor.kind, rejected: merged.rejected },
        'brief values not in the buyer’s words were refused',
      );
    const tag = leadTag(burst.channel);
    contactFields = Object.keys(add) as Array<keyof LeadContact>;
    briefFields = merged.changed;
    const audit: LeadAuditInput[] = [];
    if (contactFields.length > 0)
      audit.push({
        actor: 'buyer',
        action: 'lead.contact',
        after: JSON.stringify(add),
        details: { fields: contactFields },
      });
    if (briefFields.length > 0)
      audit.push(briefAudit('buyer', deps.fields, lead, merged.brief, briefFields, deps.extractor.kind));
    const listing = !lead.listing && burst.listing ? burst.listing : undefined;
    const tags = lead.tags.includes(tag) ? undefined : [...lead.tags, tag];
    if (audit.length === 0 && !listing && !tags) return null;
    return {
      patch: {
        ...(contactFields.length > 0 ? { contact: { ...lead.contact, ...add } } : {}),
        ...(briefFields.length > 0 ? { brief: merged.brief } : {}),
        ...(listing ? { listing } : {}),
        ...(tags ? { tags } : {}),
      },
      audit,
    };
  });
  const lead = result?.lead ?? start;
  const at = clock.now;
  const events: LeadEvent[] = [];
  if (created) events.push({ type: 'lead.created', lead, at });
  if (result?.changed && contactFields.length > 0)
    events.push({ type: 'lead.contact_added', lead, fields: contactFields, at });
  if (result?.changed && briefFields.length > 0)
    events.push({ type: 'lead.brief_updated', lead, fields: briefFields, actor: 'buyer', at });
  return { lead, created, continued, events };
}

/** The audit entry of a brief change: field ids in details, the values (buyer's words) before and after. */
export function briefAudit(
  actor: string,
  fields: readonly BriefField[],
  before: Lead,
  brief: Lead['brief'],
  changed: readonly string[],
  via: string,
): LeadAuditInput {
  const show = (b: Lead['brief']) =>
    JSON.stringify(
      Object.fromEntries(
        changed.map((id) => {
          const field = fields.find((f) => f.id === id);
          const value = b[id]?.value;
          return [
            id,
            value === undefined || value === null || !field ? null : formatBriefValue(field, value),
          ];
        }),
      ),
    );
  return {
    actor,
    action: actor === 'buyer' ? 'lead.brief' : 'lead.brief.edit',
    before: show(before.brief),
    after: show(brief),
    details: { fields: [...changed], via },
  };
}
