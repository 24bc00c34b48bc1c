import type { Config } from '../config.js';
import { protectStore } from '../security/encrypted-store.js';
import { keyringOf } from '../security/keys.js';
import { moveLegacyKvRecords } from './legacy-kv.js';
import type { Store } from './port.js';

export type * from './port.js';
export { LeadConversationTakenError, StoreConflictError } from './port.js';
export { StoreValidationError } from './validate.js';

/**
 * Opens the store the configuration asks for: MongoDB when `MONGODB_URI` is set, embedded SQLite
 * otherwise, always behind the PII encryption decorator (a pass-through for writes without
 * `DATA_ENCRYPTION_KEY`). Throws `DataKeyError` when the store was encrypted with a key not configured.
 * Records of the integrations that earlier versions kept in kv are moved to their repositories first.
 */
export async function openStore(storage: Config['storage']): Promise<Store> {
  const raw = await openAdapter(storage);
  try {
    const store = await protectStore(
      raw,
      keyringOf(storage.encryption ?? { key: undefined, previousKey: undefined }),
    );
    // Once per installation in effect: after the first open there is nothing under the old keys.
    await moveLegacyKvRecords(store);
    return store;
  } catch (err) {
    await raw.close();
    throw err;
  }
}

async function openAdapter(storage: Config['storage']): Promise<Store> {
  if (storage.kind === 'mongo') {
    const { openMongoStore } = await import('./mongo/index.js');
    return openMongoStore({ uri: storage.uri });
  }
  const { openSqliteStore } = await import('./sqlite/index.js');
  return openSqliteStore({ path: storage.path });
}
