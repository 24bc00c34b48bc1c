import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkpointInBackground } from '../../src/lib/wal-checkpointer.js';
import { pollUntil } from '../../sim/common/wait.js';

const dir = mkdtempSync(join(tmpdir(), 'wal-checkpointer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A WAL database whose worker started on its first write and has stopped since (the WAL stayed quiet). */
async function quietDatabase(name: string, idleMs: number) {
  const path = join(dir, `${name}.sqlite`);
  const db = new DatabaseSync(path);
  db.exec('PRAGMA journal_mode = WAL');
  const lease = checkpointInBackground(db, path, 5000, idleMs)!;
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
  await pollUntil(() => lease.working, { timeoutMs: 5000, what: 'the worker to start on the first write' });
  await pollUntil(() => !lease.working, {
    timeoutMs: 10_000,
    what: 'the worker to stop once the WAL is quiet',
  });
  return { path, db, lease };
}

describe('WAL checkpoints on a worker that runs only while writes go on', () => {
  it('when the WAL stays unchanged, then the worker stops; writes that go on start it again and it stops after them', async () => {
    const { db, lease } = await quietDatabase('quiet', 300);

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
    const { path, db, lease } = await quietDatabase('lone', 300);

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
    const { db, lease } = await quietDatabase('asked', 200);
    db.exec('INSERT INTO t DEFAULT VALUES');
    const result = await lease.checkpoint();
    expect(result.error).toBeUndefined();
    expect(result.checkpointed).toBe(result.log);
    expect(result.log).toBeGreaterThan(0);
    db.close();
    await lease.release();
  });
});
