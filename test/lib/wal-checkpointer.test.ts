import { mkdtempSync, rmSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkpointInBackground } from '../../src/lib/wal-checkpointer.js';
import { pollUntil } from '../../sim/common/wait.js';

const dir = mkdtempSync(join(tmpdir(), 'wal-checkpointer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const framesInWal = (path: string) => {
  // A second connection's PASSIVE checkpoint reports the frames the WAL holds and how many are in the file.
  const probe = new DatabaseSync(path);
  try {
    return probe.prepare('PRAGMA wal_checkpoint(PASSIVE)').get() as { log: number; checkpointed: number };
  } finally {
    probe.close();
  }
};

describe('WAL checkpoints on a worker that runs only while the WAL changes', () => {
  it('when the WAL stays unchanged, then the worker stops; the next write starts it again and its frames reach the file', async () => {
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
    for (let i = 0; i < 200; i++) insert.run('x'.repeat(400));
    // Automatic checkpoints stay off while the worker is away: the commits above left their frames in the WAL.
    expect(db.prepare('PRAGMA wal_autocheckpoint').get()).toEqual({ wal_autocheckpoint: 0 });
    await pollUntil(() => lease.working, { timeoutMs: 5000, what: 'the worker to start again on a write' });
    await pollUntil(
      () => {
        const { log, checkpointed } = framesInWal(path);
        return log > 0 && checkpointed === log;
      },
      { timeoutMs: 5000, what: 'the worker to checkpoint the new frames' },
    );
    await pollUntil(() => !lease.working, { timeoutMs: 10_000, what: 'the worker to stop again' });

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
