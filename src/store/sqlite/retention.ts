import type { SQLInputValue } from 'node:sqlite';
import { checkScope, idleAmong, lastActivity, prefixEnd } from '../activity.js';
import type { ChatIdScope, RetentionRepository } from '../port.js';
import { checkDate, checkId, checkLimit } from '../validate.js';
import type { Row, SqliteDatabase } from './database.js';

/** `column` in the scope, as SQL over index ranges (`chat_id >= 'tg:' AND chat_id < 'tg;'`). */
function scopeSql(column: string, scope: ChatIdScope): { sql: string; values: SQLInputValue[] } {
  const list = 'prefixes' in scope ? scope.prefixes : scope.exceptPrefixes;
  const ranges = list.map(() => `(${column} >= ? AND ${column} < ?)`);
  const values = list.flatMap((p) => [p, prefixEnd(p)]);
  if ('prefixes' in scope) return { sql: ranges.length ? `(${ranges.join(' OR ')})` : '0', values };
  return { sql: ranges.length ? `NOT (${ranges.join(' OR ')})` : '1', values };
}

const ms = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

const timesOf = (row: Row | undefined) => ({
  lastInboundAt: ms(row?.last_inbound_at),
  lastOutboundAt: ms(row?.last_outbound_at),
  updatedAt: ms(row?.updated_at),
});

/** Conversation retention on SQLite (see {@link RetentionRepository}). */
export function sqliteRetention(db: SqliteDatabase): RetentionRepository {
  /** The chat's last activity, read inside the purge's transaction. */
  const activityOf = (chatId: string): number | null => {
    const message = db.get('SELECT max(created_at) AS t FROM messages WHERE chat_id = ?', chatId);
    const chat = db.get(
      'SELECT last_inbound_at, last_outbound_at, updated_at FROM chats WHERE id = ?',
      chatId,
    );
    return lastActivity({ lastMessageAt: ms(message?.t), ...timesOf(chat) });
  };

  return {
    async idleChats(scope, before, limit) {
      checkScope(scope);
      const cutoff = checkDate('before', before).getTime();
      const max = checkLimit(limit, 100);
      const inMessages = scopeSql('chat_id', scope);
      const inChats = scopeSql('id', scope);
      const lastMessage = new Map(
        db
          .all(
            `SELECT chat_id, max(created_at) AS t FROM messages WHERE ${inMessages.sql} GROUP BY chat_id`,
            ...inMessages.values,
          )
          .map((r) => [String(r.chat_id), ms(r.t)]),
      );
      const chats = new Map(
        db
          .all(
            `SELECT id, last_inbound_at, last_outbound_at, updated_at FROM chats WHERE ${inChats.sql}`,
            ...inChats.values,
          )
          .map((r) => [String(r.id), timesOf(r)]),
      );
      return idleAmong(lastMessage, chats, cutoff, max);
    },

    async purgeChat(chatId, before) {
      checkId('chat id', chatId);
      const cutoff = checkDate('before', before).getTime();
      // One transaction: a message stored meanwhile is either before it (the chat is not idle) or after it.
      return db.groupWrite(() => {
        const at = activityOf(chatId);
        if (at === null || at >= cutoff) return null;
        const events = db.run(
          'DELETE FROM events WHERE message_id IN (SELECT id FROM messages WHERE chat_id = ?)',
          chatId,
        );
        const messages = db.run('DELETE FROM messages WHERE chat_id = ?', chatId);
        const drafts = db.run('DELETE FROM drafts WHERE chat_id = ?', chatId);
        const chat = db.run('DELETE FROM chats WHERE id = ?', chatId) === 1;
        return { chatId, messages, events, drafts, chat };
      });
    },

    async purgeExpiredKv(now) {
      const at = checkDate('now', now).getTime();
      return db.groupWrite(() =>
        db.run('DELETE FROM kv WHERE expires_at IS NOT NULL AND expires_at <= ?', at),
      );
    },
  };
}
