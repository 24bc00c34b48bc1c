/** The `messages` table: stored once by id, numbered by arrival (`seq`). */
import type { MessageRepository } from '../port.js';
import { newMessage } from '../records.js';
import { checkId, checkLimit } from '../validate.js';
import { placeholders, type SqliteDatabase, toJson } from './database.js';
import { messageFromRow } from './rows.js';

export function messages(db: SqliteDatabase): MessageRepository {
  const get = (id: string) => {
    const row = db.get('SELECT * FROM messages WHERE id = ?', checkId('message id', id));
    return row ? messageFromRow(row) : null;
  };
  return {
    insertOnce(input) {
      return db.groupWrite(() => {
        // Inside the write transaction: no other connection can take the same number.
        const top = db.get('SELECT coalesce(max(seq), 0) AS seq FROM messages');
        const m = newMessage(input, Number(top?.seq ?? 0) + 1);
        const changed = db.run(
          `INSERT INTO messages (id, chat_id, direction, author, type, text, content, draft_id, created_at, seq)
           VALUES (${placeholders(10)}) ON CONFLICT (id) DO NOTHING`,
          m.id,
          m.chatId,
          m.direction,
          m.author,
          m.type,
          m.text,
          toJson(m.content),
          m.draftId,
          m.createdAt.getTime(),
          m.seq,
        );
        return changed === 1 ? { inserted: true, record: m } : { inserted: false, existing: get(m.id)! };
      });
    },
    async get(id) {
      return get(id);
    },
    async lastN(chatId, limit) {
      // Newest N by arrival; then returned oldest first.
      const rows = db.all(
        'SELECT * FROM messages WHERE chat_id = +? ORDER BY seq DESC LIMIT +?',
        checkId('chat id', chatId),
        checkLimit(limit, 20),
      );
      return rows.reverse().map(messageFromRow);
    },
  };
}
