/** The `kv` table: small JSON values with an optional expiry. */
import type { KvRepository } from '../port.js';
import { prefixEnd } from '../activity.js';
import { checkKey, checkLimit } from '../validate.js';
import { type SqliteDatabase } from './database.js';

export function kv(db: SqliteDatabase, now: () => Date): KvRepository {
  const expiry = (ttlMs?: number) => (ttlMs === undefined ? null : now().getTime() + ttlMs);
  return {
    async get<T>(key: string) {
      const row = db.get(
        'SELECT value FROM kv WHERE key = ? AND (expires_at IS NULL OR expires_at > ?)',
        checkKey('kv key', key),
        now().getTime(),
      );
      return row ? (JSON.parse(String(row.value)) as T) : null;
    },
    set(key, value, ttlMs) {
      return db.groupWrite(
        () => {
          db.run(
            `INSERT INTO kv (key, value, expires_at) VALUES (?, ?, ?)
           ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
            checkKey('kv key', key),
            JSON.stringify(value ?? null),
            expiry(ttlMs),
          );
        },
        { oneStatement: true },
      );
    },
    setIfAbsent(key, value, ttlMs) {
      return db.groupWrite(
        () => {
          // The WHERE on the upsert makes "absent or expired" one atomic check.
          const changed = db.run(
            `INSERT INTO kv (key, value, expires_at) VALUES (?, ?, ?)
           ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at
           WHERE kv.expires_at IS NOT NULL AND kv.expires_at <= ?`,
            checkKey('kv key', key),
            JSON.stringify(value ?? null),
            expiry(ttlMs),
            now().getTime(),
          );
          return changed === 1;
        },
        { oneStatement: true },
      );
    },
    delete(key) {
      return db.groupWrite(
        () => {
          return db.run('DELETE FROM kv WHERE key = ?', checkKey('kv key', key)) === 1;
        },
        { oneStatement: true },
      );
    },
    async keys(prefix, page = {}) {
      const from = checkKey('kv prefix', prefix);
      const after = page.after === undefined ? '' : checkKey('kv key', page.after);
      return db
        .all(
          'SELECT key FROM kv WHERE key >= +? AND key < +? AND key > +? ORDER BY key LIMIT +?',
          from,
          prefixEnd(from),
          after,
          checkLimit(page.limit, 100),
        )
        .map((row) => String(row.key));
    },
  };
}
