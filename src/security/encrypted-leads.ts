import type { Lead } from '../models/records.js';
import { reviveBrief } from '../store/lead-records.js';
import type { LeadAuditInput, LeadPatch, LeadRepository } from '../store/port.js';
import { contactKeysOf } from './contact-keys.js';
import type { FieldSealer } from './encrypted-store.js';
import type { Keyring } from './keys.js';

/**
 * The leads part of the PII decorator: the contact, the brief (the buyer's words) and the lost reason
 * are sealed; the audit entries written with a lead change are sealed as `audit.*` always are. Finding a
 * returning buyer by phone or e-mail goes by lookup keys (`contact-keys.ts`): written under the current
 * key, looked up under every key a value may still be indexed with (current, previous during a rotation,
 * and the keyless form of leads written before encryption was turned on).
 */
export function encryptLeads(inner: LeadRepository, keyring: Keyring, s: FieldSealer): LeadRepository {
  const writeKeys = [keyring.current];
  const readKeys = [keyring.current, keyring.previous, undefined];

  const lead = (l: Lead): Lead => ({
    ...l,
    contact: s.openJson('leads.contact', l.contact),
    brief: reviveBrief(s.openJson('leads.brief', l.brief)),
    lostReason: s.openText('leads.lostReason', l.lostReason),
  });
  const maybe = (l: Lead | null) => (l === null ? null : lead(l));
  const audit = (entries: readonly LeadAuditInput[]) =>
    entries.map((e) => ({
      ...e,
      before: s.sealOptional('audit.before', e.before),
      after: s.sealOptional('audit.after', e.after),
    }));
  const patch = (p: LeadPatch): LeadPatch => ({
    ...p,
    contact: p.contact && s.sealJson('leads.contact', p.contact),
    contactKeys: p.contact && contactKeysOf(p.contact, writeKeys),
    brief: p.brief && s.sealJson('leads.brief', p.brief),
  });

  return {
    async create(input, entries) {
      const contact = input.contact ?? { name: null, phone: null, email: null };
      const r = await inner.create(
        {
          ...input,
          contact: s.sealJson('leads.contact', contact),
          contactKeys: contactKeysOf(contact, writeKeys),
          brief: s.sealJson('leads.brief', input.brief ?? {}),
        },
        audit(entries),
      );
      return r.inserted
        ? { inserted: true, record: lead(r.record) }
        : { inserted: false, existing: lead(r.existing) };
    },
    get: async (id) => maybe(await inner.get(id)),
    findOpenByConversation: async (channel, conversationId) =>
      maybe(await inner.findOpenByConversation(channel, conversationId)),
    findOpenByContact: async (lookup) =>
      (await inner.findOpenByContact({ keys: lookup.keys ?? contactKeysOf(lookup, readKeys) })).map(lead),
    update: async (id, version, p, entries) =>
      maybe(await inner.update(id, version, patch(p), audit(entries))),
    transition: async (id, from, to, change) =>
      maybe(
        await inner.transition(id, from, to, {
          // Checked before sealing: a sealed blank reason would not look blank to the adapter.
          lostReason: change.lostReason?.trim()
            ? s.sealText('leads.lostReason', change.lostReason)
            : undefined,
          audit: audit(change.audit),
        }),
      ),
    listByStage: async (stages, page) => {
      const r = await inner.listByStage(stages, page);
      return { leads: r.leads.map(lead), next: r.next };
    },
  };
}
