import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkpointInBackground } from '../../src/lib/wal-checkpointer.js';
import { pollUntil } from '../../sim/common/wait.js';

const dir = mkdtempSync(join(tmpdir(), 'wal-checkpointer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('WAL checkpoints on a worker that runs only while writes go on', () => {
  it('when the WAL stays unchanged, then the worker stops; writes that go on start it again and it stops after them', async () => {
    const path = join(dir, 'quiet.sqlite');
    const db = new DatabaseSync(path);
    db.exec('PRAGMA journal_mode = WAL');
    const lease = checkpointInBackground(db, path, 5000, 300)!;
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');

    await pollUntil(() => lease.working, { timeoutMs: 5000, what: 'the worker to start on the first write' });
    await pollUntil(() => !lease.working, {
      timeoutMs: 10_000,
      what: 'the worker to stop once the WAL is quiet',
    });

    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    // Automatic checkpoints stay off while the worker is away.
    expect(db.prepare('PRAGMA wal_autocheckpoint').get()).toEqual({ wal_autocheckpoint: 0 });
    const writing = setInterval(() => insert.run('x'.repeat(400)), 100);
    try {
      await pollUntil(() => lease.working, { timeoutMs: 8000, what: 'the worker to start again on writes' });
    } finally {
      clearInterval(writing);
    }
    await pollUntil(() => !lease.working, { timeoutMs: 10_000, what: 'the worker to stop again' });

    db.close();
    await lease.release();
  });

  it('when one small change follows a quiet WAL, then this thread checkpoints it and no worker starts', async () => {
    const path = join(dir, 'lone.sqlite');
    const db = new DatabaseSync(path);
    db.exec('PRAGMA journal_mode = WAL');
    const lease = checkpointInBackground(db, path, 5000, 300)!;
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    await pollUntil(() => lease.working, { timeoutMs: 5000, what: 'the worker to start on the first write' });
    await pollUntil(() => !lease.working, { timeoutMs: 10_000, what: 'the worker to stop' });

    const before = statSync(path).size;
    const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
    for (let i = 0; i < 200; i++) insert.run('x'.repeat(400));
    let workerSeen = false;
    // The rows reach the database file only by a checkpoint (the WAL holds them until then).
    await pollUntil(
      () => {
        workerSeen ||= lease.working;
        return statSync(path).size > before + 200 * 400;
      },
      { timeoutMs: 5000, what: 'the new frames to be checkpointed into the file' },
    );
    expect(workerSeen).toBe(false);
    expect(lease.working).toBe(false);

    db.close();
    await lease.release();
  });

  it('when a checkpoint is asked for while no worker runs, then one starts and answers', async () => {
    const path = join(dir, 'asked.sqlite');
    const db = new DatabaseSync(path);
    db.exec('PRAGMA journal_mode = WAL');
    const lease = checkpointInBackground(db, path, 5000, 200)!;
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY)');
    await pollUntil(() => lease.working, { timeoutMs: 5000, what: 'the worker to start' });
    await pollUntil(() => !lease.working, { timeoutMs: 10_000, what: 'the worker to stop' });
    db.exec('INSERT INTO t DEFAULT VALUES');
    const result = await lease.checkpoint();
    expect(result.error).toBeUndefined();
    expect(result.checkpointed).toBe(result.log);
    expect(result.log).toBeGreaterThan(0);
    db.close();
    await lease.release();
  });
});
