/** The `events` table: webhook deliveries kept once for deduplication, processing status and audit. */
import type { EventRepository } from '../port.js';
import { newEvent } from '../records.js';
import { checkDate, checkId, checkLimit } from '../validate.js';
import { type SqliteDatabase } from './database.js';
import { eventFromRow } from './rows.js';

export function events(db: SqliteDatabase, now: () => Date): EventRepository {
  const get = (id: string) => {
    const row = db.get('SELECT * FROM events WHERE id = ?', checkId('event id', id));
    return row ? eventFromRow(row) : null;
  };
  return {
    async insertOnce(input) {
      const record = newEvent(input, now());
      const { id, messageId } = record;
      const payload = JSON.stringify(record.payload);
      // Webhook deliveries arrive in bursts: they share commits (see SqliteDatabase.groupWrite).
      return db.groupWrite(
        () => {
          const changed = db.run(
            `INSERT INTO events (id, message_id, payload, status, attempts, received_at)
             VALUES (?, ?, ?, 'pending', 0, ?) ON CONFLICT DO NOTHING`,
            id,
            messageId,
            payload,
            record.receivedAt.getTime(),
          );
          // What was just written, without reading it back (every delivery goes through here).
          if (changed === 1) return { inserted: true as const, record };
          const existing = db.get(
            'SELECT * FROM events WHERE id = ? OR message_id = ? LIMIT 1',
            id,
            messageId,
          );
          return { inserted: false as const, existing: eventFromRow(existing!) };
        },
        { oneStatement: true },
      );
    },
    async get(id) {
      return get(id);
    },
    setStatus(id, status, error = null) {
      return db.groupWrite(
        () => {
          const processedAt = status === 'pending' ? null : now().getTime();
          const row = db.get(
            'UPDATE events SET status = ?, error = ?, processed_at = ? WHERE id = ? RETURNING *',
            status,
            error,
            processedAt,
            checkId('event id', id),
          );
          return row ? eventFromRow(row) : null;
        },
        { oneStatement: true },
      );
    },
    markAttempt(id) {
      return db.groupWrite(
        () => {
          const row = db.get(
            'UPDATE events SET attempts = attempts + 1 WHERE id = ? RETURNING *',
            checkId('event id', id),
          );
          return row ? eventFromRow(row) : null;
        },
        { oneStatement: true },
      );
    },
    async listByStatus(status, limit) {
      return db
        .all(
          'SELECT * FROM events WHERE status = +? ORDER BY received_at LIMIT +?',
          status,
          checkLimit(limit, 100),
        )
        .map(eventFromRow);
    },
    deleteProcessedBefore(before) {
      return db.groupWrite(() => {
        return db.run(
          "DELETE FROM events WHERE status IN ('processed', 'ignored') AND received_at < ?",
          checkDate('before', before).getTime(),
        );
      });
    },
  };
}
