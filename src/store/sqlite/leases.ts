/** The `leases` table: short exclusive holds across processes. */
import type { LeaseRepository } from '../port.js';
import { checkDuration, checkKey } from '../validate.js';
import type { SqliteDatabase } from './database.js';

export function leases(db: SqliteDatabase, now: () => Date): LeaseRepository {
  return {
    acquire(name, holder, ttlMs) {
      return db.groupWrite(() => {
        const at = now().getTime();
        // The WHERE on the upsert makes "free, expired or already ours" one atomic check.
        const changed = db.run(
          `INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
           ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
           WHERE leases.expires_at <= ? OR leases.holder = excluded.holder`,
          checkKey('lease name', name),
          checkKey('lease holder', holder),
          at + checkDuration('lease ttl', ttlMs),
          at,
        );
        return changed === 1;
      });
    },
    renew(name, holder, ttlMs) {
      return db.groupWrite(
        () =>
          db.run(
            'UPDATE leases SET expires_at = ? WHERE name = ? AND holder = ?',
            now().getTime() + checkDuration('lease ttl', ttlMs),
            checkKey('lease name', name),
            checkKey('lease holder', holder),
          ) === 1,
      );
    },
    release(name, holder) {
      return db.groupWrite(() => {
        db.run(
          'DELETE FROM leases WHERE name = ? AND holder = ?',
          checkKey('lease name', name),
          checkKey('lease holder', holder),
        );
      });
    },
  };
}
