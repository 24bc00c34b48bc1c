import type { DomainMetrics, FinalDraftState } from '../domain-metrics.js';
import type { DraftRepository, Store } from '../store/port.js';

const FINAL: ReadonlySet<string> = new Set<FinalDraftState>(['sent', 'dismissed', 'superseded', 'failed']);

/**
 * The store as the responder uses it, with its drafts counted for `/metrics`: every draft the responder
 * makes (its decision, escalation reason) and every state change it wins goes through here, so the counts
 * come from one place instead of from each step of the pipeline.
 */
export function withDraftMetrics(store: Store, metrics: DomainMetrics): Store {
  const drafts: DraftRepository = {
    async create(input) {
      const draft = await store.drafts.create(input);
      metrics.draftCreated(draft);
      // The owner's own reply is made approved.
      if (draft.status === 'approved' && draft.approvedBy)
        metrics.draftApproved(draft.approvedBy === 'auto' ? 'auto' : 'owner');
      if (draft.kind === 'escalation') metrics.escalation(draft.findings[0] ?? 'unknown');
      return draft;
    },
    async transition(id, from, to, patch) {
      const draft = await store.drafts.transition(id, from, to, patch);
      if (!draft) return draft;
      if (to === 'approved' && patch?.approvedBy)
        metrics.draftApproved(patch.approvedBy === 'auto' ? 'auto' : 'owner');
      if (FINAL.has(to)) metrics.draftFinished(to as FinalDraftState);
      return draft;
    },
    get: (id) => store.drafts.get(id),
    update: (id, patch) => store.drafts.update(id, patch),
    listByStatus: (statuses, limit) => store.drafts.listByStatus(statuses, limit),
    listForChat: (chatId, statuses) => store.drafts.listForChat(chatId, statuses),
  };
  return { ...store, drafts };
}
