/** The `settings` document: the owner's choices as one value. */
import type { Models } from '../../models/mongo-schemas.js';
import type { Settings } from '../../models/records.js';
import type { SettingsRepository } from '../port.js';
import type { Doc } from './lean.js';

export function settings(m: Models): SettingsRepository {
  return {
    async get() {
      const doc = await m.Settings.findById('settings').lean<Doc>();
      return (doc?.value ?? {}) as Settings;
    },
    async update(patch) {
      const set: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(patch)) if (v !== undefined) set[`value.${k}`] = v;
      const doc = await m.Settings.findByIdAndUpdate(
        'settings',
        Object.keys(set).length ? { $set: set } : { $setOnInsert: { value: {} } },
        { upsert: true, returnDocument: 'after' },
      ).lean<Doc>();
      return (doc?.value ?? {}) as Settings;
    },
  };
}
