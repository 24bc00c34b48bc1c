import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { DatabaseSync, StatementSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteDatabase } from '../../src/store/sqlite/database.js';
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
    const db = new DatabaseSync(path);
    expect(db.prepare('PRAGMA journal_mode').get()).toEqual({ journal_mode: 'wal' });
    expect(db.prepare('SELECT MAX(version) AS v FROM schema_version').get()).toEqual({
      v: MIGRATIONS.length,
    });
    db.close();
  });

  it('when a file from before arrival numbers is opened, then its messages are numbered in the order they were shown', async () => {
    const path = join(dir, 'before-seq.sqlite');
    const old = new DatabaseSync(path);
    old.exec('CREATE TABLE schema_version (version INTEGER NOT NULL)');
    const before = MIGRATIONS.findIndex((step) => step.includes('ADD COLUMN seq'));
    for (const [i, step] of MIGRATIONS.slice(0, before).entries()) {
      old.exec(step);
      old.prepare('INSERT INTO schema_version (version) VALUES (?)').run(i + 1);
    }
    const insert = old.prepare(
      `INSERT INTO messages (id, chat_id, direction, author, type, text, created_at) VALUES (?, 'u2i-old', 'in', 'buyer', 'text', ?, ?)`,
    );
    // Stored out of Avito time order; the old store showed them by time, ties by arrival.
    insert.run('b', 'второе', 2000);
    insert.run('a', 'первое', 1000);
    insert.run('c', 'третье', 2000);
    old.close();

    const store = openSqliteStore({ path });
    const history = await store.messages.lastN('u2i-old', 10);
    expect(history.map((m) => [m.id, m.seq])).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 3],
    ]);
    const next = await store.messages.insertOnce({
      id: 'd',
      chatId: 'u2i-old',
      direction: 'in',
      author: 'buyer',
      type: 'text',
      text: 'новое',
      content: null,
      createdAt: new Date(0),
    });
    expect(next.inserted && next.record.seq).toBe(4);
    await store.close();
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

  it('when two connections insert messages at once, then arrival numbers never repeat', async () => {
    const path = join(dir, 'two-connections-seq.sqlite');
    const a = openSqliteStore({ path });
    const b = openSqliteStore({ path });
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? a : b).messages.insertOnce({
          id: `m${i}`,
          chatId: 'u2i-1',
          direction: 'in',
          author: 'buyer',
          type: 'text',
          text: String(i),
          content: null,
          createdAt: new Date(0),
        }),
      ),
    );
    const seqs = results.map((r) => (r.inserted ? r.record.seq : -1));
    expect(new Set(seqs).size).toBe(40);
    expect((await a.messages.lastN('u2i-1', 40)).map((m) => m.seq)).toEqual([...seqs].sort((x, y) => x - y));
    await a.close();
    await b.close();
  });
});

describe('SQLite sequences across connections', () => {
  it('when two connections to one file take numbers at once, then no number is given twice or skipped', async () => {
    const path = join(dir, 'sequences.sqlite');
    const a = openSqliteStore({ path });
    const b = openSqliteStore({ path });
    const taken = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).sequences.next('document.invoice.2026')),
    );
    expect([...taken].sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    await a.close();
    await b.close();
  });
});

describe('SQLite group commit and background checkpoints', () => {
  const count = (db: SqliteDatabase | DatabaseSync) =>
    Number((db instanceof SqliteDatabase ? db.db : db).prepare('SELECT COUNT(*) AS n FROM t').get()?.n);

  it('when writes are issued in one turn of the event loop, then they commit together and settle after the commit', async () => {
    const path = join(dir, 'group.sqlite');
    const db = new SqliteDatabase(path);
    db.db.exec('CREATE TABLE t (id TEXT PRIMARY KEY)');
    // Everything so far is copied to the file: the next write starts the WAL afresh.
    await db.checkpointer!.checkpoint();
    const other = new DatabaseSync(path);
    const writes = Array.from({ length: 100 }, (_, i) =>
      db.groupWrite(() => db.run('INSERT INTO t (id) VALUES (?)', `r${i}`)),
    );
    expect(count(other)).toBe(0);
    await Promise.all(writes);
    expect(count(other)).toBe(100);
    // One commit writes each page it touched once; a commit per write would leave 100+ frames.
    const { log } = await db.checkpointer!.checkpoint();
    expect(log).toBeGreaterThan(0);
    expect(log).toBeLessThan(10);
    other.close();
    await db.close();
  });

  it('when the answering path writes (draft, its moves, audit, kv, leases, events), then each is one statement in the group, without a savepoint', async () => {
    const store = openSqliteStore({ path: join(dir, 'one-statement-writes.sqlite') });
    const run = StatementSync.prototype.run;
    const savepoints: string[] = [];
    StatementSync.prototype.run = function (this: StatementSync, ...args: unknown[]) {
      if (/^SAVEPOINT/.test(this.sourceSQL)) savepoints.push(this.sourceSQL);
      return Reflect.apply(run, this, args) as ReturnType<typeof run>;
    };
    try {
      await store.chats.upsert({ id: 'u2i-one', state: 'ai' });
      await store.events.insertOnce({ id: 'e-one', messageId: 'm-one', payload: {} });
      savepoints.length = 0;
      const [draft] = await Promise.all([
        store.drafts.create({ chatId: 'u2i-one', kind: 'answer', text: 'Да.', coversMessageIds: [] }),
        store.kv.set('k', 1),
        store.kv.setIfAbsent('k2', 2),
        store.leases.acquire('chat:u2i-one', 'me', 1000),
        store.events.markAttempt('e-one'),
        store.events.setStatus('e-one', 'processed'),
      ]);
      await Promise.all([
        store.drafts.transition(draft.id, ['pending'], 'approved', { approvedBy: 'tg:1' }),
        store.drafts.update(draft.id, { card: { chatId: '1', messageId: 2 } }),
        store.audit.append({ actor: 'tg:1', action: 'draft.approve', chatId: 'u2i-one', draftId: draft.id }),
        store.kv.delete('k'),
        store.leases.release('chat:u2i-one', 'me'),
      ]);
      expect(savepoints).toEqual([]);
      expect((await store.drafts.get(draft.id))?.status).toBe('approved');
    } finally {
      StatementSync.prototype.run = run;
      await store.close();
    }
  });

  it('when one write of a group throws, then it alone is rolled back and rejected', async () => {
    const db = new SqliteDatabase(join(dir, 'group-failure.sqlite'));
    db.db.exec('CREATE TABLE t (id TEXT PRIMARY KEY)');
    const results = await Promise.allSettled([
      db.groupWrite(() => db.run('INSERT INTO t (id) VALUES (?)', 'a')),
      db.groupWrite(() => {
        db.run('INSERT INTO t (id) VALUES (?)', 'b');
        throw new Error('half done');
      }),
      db.groupWrite(() => db.run('INSERT INTO t (id) VALUES (?)', 'a')),
      db.groupWrite(() => db.run('INSERT INTO t (id) VALUES (?)', 'c')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect(db.all('SELECT id FROM t ORDER BY id').map((r) => r.id)).toEqual(['a', 'c']);
    await db.close();
  });

  it('when a one-statement write of a group fails, then it alone is rejected without a savepoint', async () => {
    const db = new SqliteDatabase(join(dir, 'group-one-statement.sqlite'));
    db.db.exec('CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER CHECK (n < 10))');
    const insert = (id: string, n: number) =>
      db.groupWrite(() => db.run('INSERT INTO t (id, n) VALUES (?, ?)', id, n), { oneStatement: true });
    // A multi-row insert that fails on its second row: SQLite undoes the first row too.
    const results = await Promise.allSettled([
      insert('a', 1),
      db.groupWrite(() => db.run('INSERT INTO t (id, n) VALUES (?, ?), (?, ?)', 'b', 1, 'x', 99), {
        oneStatement: true,
      }),
      insert('a', 2),
      insert('c', 3),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect(db.all('SELECT id, n FROM t ORDER BY id')).toEqual([
      { id: 'a', n: 1 },
      { id: 'c', n: 3 },
    ]);
    await db.close();
  });

  it('when the disk fills up in the middle of a group, then every write is reported as it ended: none rejected while committed, none resolved while lost', async () => {
    const db = new SqliteDatabase(join(dir, 'group-disk-full.sqlite'));
    db.db.exec('CREATE TABLE t (id TEXT PRIMARY KEY, v TEXT)');
    // The file may not grow: a write that needs a new page fails with "database or disk is full", and SQLite
    // rolls the whole transaction back for a one-row statement.
    const pages = Number(db.db.prepare('PRAGMA page_count').get()?.page_count);
    db.db.exec(`PRAGMA max_page_count = ${pages}`);
    const insert = (id: string, size: number, oneStatement: boolean) =>
      db.groupWrite(() => db.run('INSERT INTO t (id, v) VALUES (?, ?)', id, 'x'.repeat(size)), {
        oneStatement,
      });
    for (const oneStatement of [false, true]) {
      const ids = ['a', 'big', 'c', 'd'].map((id) => `${id}-${oneStatement}`);
      const results = await Promise.allSettled([
        insert(ids[0]!, 10, oneStatement),
        insert(ids[1]!, 50_000, oneStatement),
        insert(ids[2]!, 10, oneStatement),
        insert(ids[3]!, 10, oneStatement),
      ]);
      const stored = new Set(db.all('SELECT id FROM t').map((r) => String(r.id)));
      ids.forEach((id, i) => {
        expect(results[i]!.status === 'fulfilled', `${id}: ${results[i]!.status}`).toBe(stored.has(id));
      });
      expect(results[1]).toMatchObject({ status: 'rejected', reason: { message: /disk is full/ } });
    }
    await db.close();
  });

  it('when the store writes, then its own commits never checkpoint and the worker moves the WAL into the file', async () => {
    const path = join(dir, 'checkpoints.sqlite');
    const db = new SqliteDatabase(path);
    expect(db.db.prepare('PRAGMA wal_autocheckpoint').get()).toEqual({ wal_autocheckpoint: 0 });
    db.db.exec('CREATE TABLE t (id TEXT PRIMARY KEY, v TEXT)');
    await db.checkpointer!.checkpoint();
    const before = statSync(path).size;
    for (let i = 0; i < 20; i++) {
      await Promise.all(
        Array.from({ length: 50 }, (_, j) =>
          db.groupWrite(() => db.run('INSERT INTO t VALUES (?, ?)', `${i}-${j}`, 'x'.repeat(500))),
        ),
      );
    }
    const result = await db.checkpointer!.checkpoint();
    expect(result.busy).toBe(0);
    expect(result.checkpointed).toBe(result.log);
    expect(statSync(path).size).toBeGreaterThan(before + 500_000);
    await db.close();
    const reader = new DatabaseSync(path);
    expect(count(reader)).toBe(1000);
    reader.close();
  });

  it('when a connection is never closed, then its checkpoint worker does not keep the process alive', async () => {
    const module = pathToFileURL(
      fileURLToPath(new URL('../../src/store/sqlite/database.ts', import.meta.url)),
    );
    const script = `import { SqliteDatabase } from ${JSON.stringify(module.href)};
      const db = new SqliteDatabase(${JSON.stringify(join(dir, 'left-open.sqlite'))});
      db.run('CREATE TABLE t (id TEXT)');
      // Long enough for the worker to be up and talking: that is when a wrongly ref'd port holds on.
      await new Promise((resolve) => setTimeout(resolve, 500));
      console.log('opened');`;
    // A script file, as the service runs (an inline -e script does not show the problem).
    const file = join(dir, 'left-open.mts');
    writeFileSync(file, script);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', '--disable-warning=ExperimentalWarning', file],
      { timeout: 10_000 },
    );
    expect(stdout.trim()).toBe('opened');
  });
});
