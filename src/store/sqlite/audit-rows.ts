import type { AuditEntry } from '../../models/records.js';
import { type SqliteDatabase, toJson } from './database.js';

/** Writes one audit entry; inside the caller's transaction, so an entry commits with the change it records. */
export function insertAuditRow(db: SqliteDatabase, e: AuditEntry): void {
  db.run(
    `INSERT INTO audit (id, at, actor, action, chat_id, draft_id, lead_id, before, after, details)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    e.id,
    e.at.getTime(),
    e.actor,
    e.action,
    e.chatId,
    e.draftId,
    e.leadId,
    e.before,
    e.after,
    toJson(e.details),
  );
}
