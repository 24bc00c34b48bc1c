/** The `settings` row: the owner's choices as one JSON value. */
import type { Settings } from '../../models/records.js';
import type { SettingsRepository } from '../port.js';
import { fromJson, type SqliteDatabase } from './database.js';

export function settings(db: SqliteDatabase): SettingsRepository {
  const read = (): Settings => fromJson(db.get('SELECT value FROM settings WHERE id = 1')?.value, {});
  return {
    async get() {
      return read();
    },
    update(patch) {
      return db.groupWrite(() => {
        const merged: Settings = { ...read() };
        for (const [k, v] of Object.entries(patch))
          if (v !== undefined) (merged as Record<string, unknown>)[k] = v;
        db.run(
          'INSERT INTO settings (id, value) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET value = excluded.value',
          JSON.stringify(merged),
        );
        return merged;
      });
    },
  };
}
