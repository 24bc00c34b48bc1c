/** The `audit` table: who did what when, newest first. */
import type { AuditRepository } from '../port.js';
import { newAuditEntry } from '../records.js';
import { checkDate, checkId, checkLimit } from '../validate.js';
import { placeholders, type SqliteDatabase, SqlParts, toJson } from './database.js';
import { auditFromRow } from './rows.js';

export function audit(db: SqliteDatabase, now: () => Date): AuditRepository {
  return {
    append(input) {
      return db.groupWrite(() => {
        const e = newAuditEntry(input, now());
        db.run(
          `INSERT INTO audit (id, at, actor, action, chat_id, draft_id, before, after, details)
           VALUES (${placeholders(9)})`,
          e.id,
          e.at.getTime(),
          e.actor,
          e.action,
          e.chatId,
          e.draftId,
          e.before,
          e.after,
          toJson(e.details),
        );
        return e;
      });
    },
    async query(q = {}) {
      const where = new SqlParts()
        .add('chat_id = ?', q.chatId === undefined ? undefined : checkId('chat id', q.chatId))
        .add('draft_id = ?', q.draftId === undefined ? undefined : checkId('draft id', q.draftId))
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
