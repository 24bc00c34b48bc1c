import { AppError } from '../../errors.js';
import type { Lead } from '../../models/records.js';
import type { LeadAuditInput, LeadPatch, LeadRepository } from '../../store/port.js';

/** A change to make to a lead as it is now: the patch and its audit entries, or null for none. */
export type LeadPlan = { patch: LeadPatch; audit: LeadAuditInput[] } | null;

const ATTEMPTS = 10;

/**
 * Read, plan, compare-and-set on the version, again when someone changed the lead in between: the plan
 * is made against the lead as it is when the write lands, so two writers never undo each other.
 * Returns the lead after the change (or as it is, when the plan is null), null when there is no such lead.
 */
export async function changeLead(
  leads: LeadRepository,
  id: string,
  plan: (lead: Lead) => LeadPlan,
): Promise<{ lead: Lead; changed: boolean } | null> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const lead = await leads.get(id);
    if (!lead) return null;
    const change = plan(lead);
    if (!change) return { lead, changed: false };
    const updated = await leads.update(id, lead.version, change.patch, change.audit);
    if (updated) return { lead: updated, changed: true };
  }
  throw new AppError(
    'lead_busy',
    `Lead ${id} kept changing during ${ATTEMPTS} attempts to update it; try again.`,
  );
}
