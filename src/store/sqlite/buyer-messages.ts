/** The `buyer_messages` table: where each integration message to a buyer stands, by its idempotence key. */
import type { BuyerMessageState } from '../../models/records.js';
import { checkSending, checkSent } from '../integration-records.js';
import type { BuyerMessageRepository } from '../port.js';
import { checkKey } from '../validate.js';
import type { Row, SqliteDatabase } from './database.js';

const toState = (row: Row): BuyerMessageState =>
  row.state === 'sent'
    ? { key: String(row.key), state: 'sent', draftId: String(row.draft_id) }
    : { key: String(row.key), state: 'sending', since: new Date(Number(row.since)) };

export function buyerMessages(db: SqliteDatabase): BuyerMessageRepository {
  return {
    async get(key) {
      const row = db.get('SELECT * FROM buyer_messages WHERE key = ?', checkKey('message key', key));
      return row ? toState(row) : null;
    },
    markSending(key, since) {
      const s = checkSending(key, since);
      return db.groupWrite(
        () =>
          db.run(
            `INSERT INTO buyer_messages (key, state, since, draft_id) VALUES (?, 'sending', ?, NULL)
             ON CONFLICT (key) DO UPDATE SET state = 'sending', since = excluded.since, draft_id = NULL
             WHERE buyer_messages.state != 'sent'`,
            s.key,
            s.since.getTime(),
          ) === 1,
        { oneStatement: true },
      );
    },
    async markSent(key, draftId) {
      const s = checkSent(key, draftId);
      await db.groupWrite(
        () =>
          db.run(
            `INSERT INTO buyer_messages (key, state, since, draft_id) VALUES (?, 'sent', NULL, ?)
             ON CONFLICT (key) DO UPDATE SET state = 'sent', since = NULL, draft_id = excluded.draft_id`,
            s.key,
            s.draftId,
          ),
        { oneStatement: true },
      );
    },
    clear(key) {
      const k = checkKey('message key', key);
      return db.groupWrite(() => db.run('DELETE FROM buyer_messages WHERE key = ?', k) === 1, {
        oneStatement: true,
      });
    },
  };
}
