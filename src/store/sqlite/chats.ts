/** The `chats` table: one row per conversation, merged on every upsert. */
import type { SQLInputValue } from 'node:sqlite';
import type { Chat } from '../../models/records.js';
import type { ChatRepository } from '../port.js';
import { mergeChat, newChat } from '../records.js';
import { checkDate, checkId, checkLimit } from '../validate.js';
import { placeholders, type SqliteDatabase, toJson, toMs } from './database.js';
import { chatFromRow } from './rows.js';

function chatValues(c: Chat): SQLInputValue[] {
  return [
    c.id,
    c.itemId,
    c.buyerId,
    c.buyerName,
    toJson(c.listing),
    c.state,
    toMs(c.humanUntil),
    c.mode,
    toMs(c.lastInboundAt),
    toMs(c.lastOutboundAt),
    toMs(c.createdAt),
    toMs(c.updatedAt),
  ];
}

export function chats(db: SqliteDatabase, now: () => Date): ChatRepository {
  const get = (id: string) => {
    const row = db.get('SELECT * FROM chats WHERE id = ?', checkId('chat id', id));
    return row ? chatFromRow(row) : null;
  };
  return {
    upsert(input) {
      // Read-merge-write inside the group's write transaction, so another process cannot interleave.
      return db.groupWrite(() => {
        const existing = get(input.id);
        const chat = existing ? mergeChat(existing, input, now()) : newChat(input, now());
        db.run(
          `INSERT OR REPLACE INTO chats (id, item_id, buyer_id, buyer_name, listing, state, human_until, mode,
            last_inbound_at, last_outbound_at, created_at, updated_at) VALUES (${placeholders(12)})`,
          ...chatValues(chat),
        );
        return chat;
      });
    },
    async get(id) {
      return get(id);
    },
    async listByState(state, limit) {
      return db
        .all(
          'SELECT * FROM chats WHERE state = +? ORDER BY updated_at DESC LIMIT +?',
          state,
          checkLimit(limit, 100),
        )
        .map(chatFromRow);
    },
    async listPauseExpired(at) {
      return db
        .all(
          "SELECT * FROM chats WHERE state = 'human' AND human_until IS NOT NULL AND human_until <= ? ORDER BY human_until",
          checkDate('now', at).getTime(),
        )
        .map(chatFromRow);
    },
  };
}
