import { randomUUID } from 'node:crypto';
import { describe, it } from 'vitest';
import { openMongoStore } from '../../src/store/mongo/index.js';
import { describeStoreContract } from './contract.js';

const uri = process.env.MONGODB_URI;

/** Each test gets its own database on the server, dropped on close. */
function withDatabase(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

if (uri) {
  describeStoreContract('mongo', {
    async open() {
      const store = await openMongoStore({ uri: withDatabase(uri, `contract-${randomUUID().slice(0, 8)}`) });
      const close = store.close;
      return Object.assign(store, {
        async close() {
          await store.connection.dropDatabase();
          await close();
        },
      });
    },
  });
} else {
  console.log('Store contract: mongo — skipped: set MONGODB_URI to run it against a MongoDB server');
  describe('Store contract: mongo', () => {
    it.skip('skipped: set MONGODB_URI', () => {});
  });
}
