/** The `audit` table: who did what when, newest first. */
import type { AuditRepository } from '../port.js';
import { newAuditEntry } from '../records.js';
import { checkDate, checkId, checkLimit } from '../validate.js';
import { insertAuditRow } from './audit-rows.js';
import { type SqliteDatabase, SqlParts } from './database.js';
import { auditFromRow } from './rows.js';

export function audit(db: SqliteDatabase, now: () => Date): AuditRepository {
  return {
    append(input) {
      return db.groupWrite(() => {
        const e = newAuditEntry(input, now());
        insertAuditRow(db, e);
        return e;
      });
    },
    async query(q = {}) {
      const where = new SqlParts()
        .add('chat_id = ?', q.chatId === undefined ? undefined : checkId('chat id', q.chatId))
        .add('draft_id = ?', q.draftId === undefined ? undefined : checkId('draft id', q.draftId))
        .add('lead_id = ?', q.leadId === undefined ? undefined : checkId('lead id', q.leadId))
        .add('action = ?', q.action)
        .add('at >= ?', q.since === undefined ? undefined : checkDate('since', q.since).getTime());
      return db
        .all(
          `SELECT * FROM audit ${where.where()} ORDER BY at DESC, rowid DESC LIMIT ?`,
          ...where.values,
          checkLimit(q.limit, 100),
        )
        .map(auditFromRow);
    },
  };
}
