import type { LocalDate } from '../../lib/zoned-time.js';
import type { Lead, LeadDocumentRef, LeadStage } from '../../models/records.js';
import { LeadConversationTakenError, type Store } from '../../store/port.js';
import type { BriefField, BriefFieldType } from './brief/fields.js';
import { parseBriefValue } from './brief/values.js';
import { briefAudit } from './buyer.js';
import { changeLead } from './change.js';
import type { LeadEvent } from './events.js';
import { checkMove, lostReasonOf, type MoveActor, type MoveRefusal } from './stages.js';

/** Why an owner's (or an integration's) action on a lead did not happen; the bot words each one. */
export type LeadActionFailure =
  | { reason: 'not_found' }
  | { reason: MoveRefusal }
  /** Another open lead holds this lead's conversation: close it before reopening this one. */
  | { reason: 'conversation_taken'; openLeadId: string }
  /** The lead kept moving under us (others acting at the same time); try again. */
  | { reason: 'conflict' }
  | { reason: 'unknown_field' }
  | { reason: 'invalid_value'; type: BriefFieldType; error: string };

export type LeadActionResult = ({ ok: true; lead: Lead } | ({ ok: false } & LeadActionFailure)) & {
  events: LeadEvent[];
};

const fail = (failure: LeadActionFailure): LeadActionResult => ({ ok: false, ...failure, events: [] });

/**
 * Who an audit actor is for the stage rules: `system`, `auto` and `buyer` are the system; anything else
 * (`tg:<id>`, later `web:<id>`) is a person acting for the seller.
 */
export const moverOf = (actor: string): MoveActor =>
  actor === 'system' || actor === 'auto' || actor === 'buyer' ? 'system' : 'owner';

type Stores = Pick<Store, 'leads'>;

/** Moves a lead to `to` if the stage rules allow it, compare-and-set on the stage it was read at. */
export async function moveStage(
  store: Stores,
  leadId: string,
  to: LeadStage,
  actor: string,
  now: Date,
  options: { reason?: string } = {},
): Promise<LeadActionResult> {
  // A concurrent move changes what is allowed: read, check and try again, a few times.
  for (let attempt = 0; attempt < 3; attempt++) {
    const lead = await store.leads.get(leadId);
    if (!lead) return fail({ reason: 'not_found' });
    const check = checkMove(lead, { to, by: moverOf(actor), reason: options.reason ?? null });
    if (!check.ok) return fail({ reason: check.refusal });
    let moved: Lead | null;
    try {
      moved = await store.leads.transition(leadId, [lead.stage], to, {
        ...(to === 'lost' ? { lostReason: lostReasonOf(options.reason ?? '') } : {}),
        audit: [{ actor, action: 'lead.stage', before: lead.stage, after: to }],
      });
    } catch (err) {
      if (err instanceof LeadConversationTakenError)
        return fail({ reason: 'conversation_taken', openLeadId: err.openLeadId });
      throw err;
    }
    if (moved)
      return {
        ok: true,
        lead: moved,
        events: [{ type: 'lead.stage_changed', lead: moved, from: lead.stage, to, actor, at: now }],
      };
  }
  return fail({ reason: 'conflict' });
}

/** The owner reopens a lost lead: back to the stage it was lost from, or to `to`. */
export async function reopen(
  store: Stores,
  leadId: string,
  actor: string,
  now: Date,
  to?: LeadStage,
): Promise<LeadActionResult> {
  const lead = await store.leads.get(leadId);
  if (!lead) return fail({ reason: 'not_found' });
  return moveStage(store, leadId, to ?? lead.lostFrom ?? 'new', actor, now);
}

/**
 * The owner sets a brief field (or clears it with null). The value is read as the field's type; the
 * owner's value is never replaced by what is read from later messages.
 */
export async function editBrief(
  store: Stores,
  fields: readonly BriefField[],
  leadId: string,
  fieldId: string,
  input: string | number | null,
  actor: string,
  clock: { now: Date; today: LocalDate },
): Promise<LeadActionResult> {
  const field = fields.find((f) => f.id === fieldId);
  if (!field) return fail({ reason: 'unknown_field' });
  let value: string | number | null = null;
  if (input !== null && String(input).trim() !== '') {
    const parsed = parseBriefValue(field, input, clock.today);
    if (!parsed.ok) return fail({ reason: 'invalid_value', type: field.type, error: parsed.error });
    value = parsed.value;
  }
  const result = await changeLead(store.leads, leadId, (lead) => {
    const current = lead.brief[field.id];
    if (current?.source.kind === 'owner' && current.value === value) return null;
    const brief = {
      ...lead.brief,
      [field.id]: { value, source: { kind: 'owner' as const, actor }, quote: null, at: clock.now },
    };
    return { patch: { brief }, audit: [briefAudit(actor, fields, lead, brief, [field.id], 'owner')] };
  });
  if (!result) return fail({ reason: 'not_found' });
  const events: LeadEvent[] = result.changed
    ? [{ type: 'lead.brief_updated', lead: result.lead, fields: [field.id], actor, at: clock.now }]
    : [];
  return { ok: true, lead: result.lead, events };
}

/**
 * Records a document issued for the lead (once per kind and number) and the amount it names: an offer's
 * total is the quoted amount, an invoice's the invoiced one. The stage is left to the caller: issuing is
 * not sending.
 */
export async function attachDocument(
  store: Stores,
  leadId: string,
  document: LeadDocumentRef,
  actor: string,
  now: Date,
): Promise<LeadActionResult> {
  const result = await changeLead(store.leads, leadId, (lead) => {
    if (lead.documents.some((d) => d.kind === document.kind && d.number === document.number)) return null;
    const amounts = { ...lead.amounts };
    if (document.total !== null && document.kind === 'offer') amounts.quoted = document.total;
    if (document.total !== null && document.kind === 'invoice') amounts.invoiced = document.total;
    return {
      patch: { documents: [...lead.documents, document], amounts },
      audit: [
        {
          actor,
          action: 'lead.document',
          details: { kind: document.kind, number: document.number, total: document.total },
        },
      ],
    };
  });
  if (!result) return fail({ reason: 'not_found' });
  const events: LeadEvent[] = result.changed
    ? [{ type: 'lead.document_attached', lead: result.lead, document, actor, at: now }]
    : [];
  return { ok: true, lead: result.lead, events };
}
