import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { MIGRATIONS } from '../../src/store/sqlite/migrations.js';
import { describeStoreContract } from './contract.js';

const dir = mkdtempSync(join(tmpdir(), 'store-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

describeStoreContract('sqlite', {
  async open() {
    n += 1;
    return openSqliteStore({ path: join(dir, `store-${n}.sqlite`) });
  },
  async reopen(store) {
    const path = (store as ReturnType<typeof openSqliteStore>).path;
    await store.close();
    return openSqliteStore({ path });
  },
});

describe('SQLite store specifics', () => {
  it('when a file is opened, then WAL mode is on and the schema version matches the migrations', async () => {
    const path = join(dir, 'specifics.sqlite');
    const store = openSqliteStore({ path });
    await store.close();
    const { DatabaseSync } = await import('node:sqlite');
    const db = new DatabaseSync(path);
    expect(db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
    expect(db.prepare('SELECT MAX(version) AS v FROM schema_version').get()).toEqual({
      v: MIGRATIONS.length,
    });
    db.close();
  });

  it('when two connections race to approve one draft, then exactly one wins', async () => {
    const path = join(dir, 'two-connections.sqlite');
    const a = openSqliteStore({ path });
    const b = openSqliteStore({ path });
    const d = await a.drafts.create({ chatId: 'u2i-1', kind: 'answer', text: 'x' });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).drafts.transition(d.id, ['pending'], 'approved')),
    );
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    await a.close();
    await b.close();
  });
});
