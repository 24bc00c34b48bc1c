import type { Config } from '../config.js';
import type { Store } from './port.js';

export type * from './port.js';
export { StoreValidationError } from './validate.js';

/** Opens the store the configuration asks for: MongoDB when `MONGODB_URI` is set, embedded SQLite otherwise. */
export async function openStore(storage: Config['storage']): Promise<Store> {
  if (storage.kind === 'mongo') {
    const { openMongoStore } = await import('./mongo/index.js');
    return openMongoStore({ uri: storage.uri });
  }
  const { openSqliteStore } = await import('./sqlite/index.js');
  return openSqliteStore({ path: storage.path });
}
