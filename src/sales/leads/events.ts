import type { Logger } from '../../logger.js';
import type { Lead, LeadDocumentRef, LeadStage } from '../../models/records.js';

/**
 * What happens to leads, for integrations to react to (amoCRM, calendar, payments, e-mail). Each event
 * carries the lead as it is after the change.
 */
export type LeadEvent =
  | { type: 'lead.created'; lead: Lead; at: Date }
  | { type: 'lead.stage_changed'; lead: Lead; from: LeadStage; to: LeadStage; actor: string; at: Date }
  | { type: 'lead.contact_added'; lead: Lead; fields: Array<'name' | 'phone' | 'email'>; at: Date }
  | { type: 'lead.brief_updated'; lead: Lead; fields: string[]; actor: string; at: Date }
  | { type: 'lead.document_attached'; lead: Lead; document: LeadDocumentRef; actor: string; at: Date };

/**
 * Told of every lead event after its change is committed, in order. A listener that changes something
 * outside must enqueue a durable job (an outbox) rather than call out here: a listener's failure is
 * logged and does not undo or fail the change.
 */
export interface LeadListener {
  onLeadEvent(event: LeadEvent): void | Promise<void>;
}

/** Tells every listener of every event, in order; a failing listener is logged and skipped. */
export async function notifyListeners(
  listeners: readonly LeadListener[],
  events: readonly LeadEvent[],
  logger: Logger,
): Promise<void> {
  for (const event of events) {
    for (const listener of listeners) {
      try {
        await listener.onLeadEvent(event);
      } catch (err) {
        logger.error({ err, event: event.type, leadId: event.lead.id }, 'lead listener failed');
      }
    }
  }
}
