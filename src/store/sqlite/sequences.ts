import type { SequenceRepository } from '../port.js';
import { checkKey } from '../validate.js';
import type { SqliteDatabase } from './database.js';

/**
 * Counters in the `sequences` table. One upsert with RETURNING increments and reads in a single
 * statement inside the write transaction, so neither this process's other writers nor another process
 * on the same file can take the same value; a failed commit rejects the call and took nothing.
 */
export function sequences(db: SqliteDatabase): SequenceRepository {
  return {
    async next(name) {
      const key = checkKey('sequence name', name);
      return db.groupWrite(
        () => {
          const row = db.get(
            `INSERT INTO sequences (name, value) VALUES (?, 1)
             ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value`,
            key,
          );
          return Number(row!.value);
        },
        { oneStatement: true },
      );
    },
  };
}
