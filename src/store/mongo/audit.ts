/** The `audit` collection: who did what when, newest first. */
import type { Models } from '../../models/mongo-schemas.js';
import type { AuditEntry } from '../../models/records.js';
import type { AuditRepository } from '../port.js';
import { newAuditEntry } from '../records.js';
import { checkDate, checkId, checkLimit } from '../validate.js';
import { type Doc, plain } from './lean.js';

/**
 * Monotonic within a process: breaks ties between audit entries written in the same millisecond (the leads'
 * audit entries take their numbers here too).
 */
let lastSeq = 0;
export function nextSeq(): number {
  lastSeq = Math.max(lastSeq + 1, Date.now() * 1000);
  return lastSeq;
}

const auditOf = (d: Doc | null) => plain<AuditEntry>(d, ['seq']);

export function audit(m: Models, now: () => Date): AuditRepository {
  return {
    async append(input) {
      const entry = newAuditEntry(input, now());
      const { id, ...rest } = entry;
      await m.Audit.create({ _id: id, ...rest, seq: nextSeq() });
      return entry;
    },
    async query(q = {}) {
      const filter: Record<string, unknown> = {};
      if (q.chatId !== undefined) filter.chatId = checkId('chat id', q.chatId);
      if (q.draftId !== undefined) filter.draftId = checkId('draft id', q.draftId);
      if (q.leadId !== undefined) filter.leadId = checkId('lead id', q.leadId);
      if (q.action !== undefined) filter.action = q.action;
      if (q.since !== undefined) filter.at = { $gte: checkDate('since', q.since) };
      const docs = await m.Audit.find(filter)
        .sort({ at: -1, seq: -1 })
        .limit(checkLimit(q.limit, 100))
        .lean<Doc[]>();
      return docs.map((d) => auditOf(d)!);
    },
  };
}
