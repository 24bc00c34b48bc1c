import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { Agenda, type AgendaOptions, constant, type JobParameters } from 'agenda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pollUntil } from '../../sim/common/wait.js';
import { claimParams, claimSql } from '../../src/jobs/sqlite-backend/claim-sql.js';
import { debounceSchedule } from '../../src/jobs/sqlite-backend/debounce-schedule.js';
import { dataPathExpression } from '../../src/jobs/sqlite-backend/json-match.js';
import { SqliteBackend, SqliteJobRepository } from '../../src/jobs/sqlite-backend/index.js';
import { SqliteConnection } from '../../src/jobs/sqlite-backend/sqlite-connection.js';
import { canLimitFileSize, limitFileSize } from '../support/file-size-limit.js';
import { preparationsDuring } from '../support/sqlite-preparations.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let dir: string;
let path: string;
let agendas: Agenda[];
let backends: SqliteBackend[];

function newBackend(options: { logging?: boolean } = {}): SqliteBackend {
  const backend = new SqliteBackend({ path, busyTimeoutMs: 2000, ...options });
  backends.push(backend);
  return backend;
}

function newAgenda(options: Partial<AgendaOptions> = {}, backend = newBackend()): Agenda {
  const agenda = new Agenda({ backend, processEvery: 50, ...options });
  agendas.push(agenda);
  return agenda;
}

/** A job as Agenda's create()/save() would hand it to the repository. */
function jobParams(name: string, fields: Partial<JobParameters> = {}): JobParameters {
  return { name, type: 'normal', priority: 0, nextRunAt: new Date(), data: {}, ...fields };
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'agenda-sqlite-'));
  path = join(dir, 'store.sqlite');
  agendas = [];
  backends = [];
});

afterEach(async () => {
  for (const agenda of agendas) await agenda.stop();
  for (const backend of backends) await backend.disconnect();
  await rm(dir, { recursive: true, force: true });
});

describe('SqliteBackend with Agenda', () => {
  it('when a job is scheduled now, then it runs exactly once and is stored as finished', async () => {
    const agenda = newAgenda();
    const runs: string[] = [];
    agenda.define('once', async (job) => {
      runs.push(String(job.attrs._id));
    });
    await agenda.start();
    const job = await agenda.now('once', { greeting: 'привет' });

    await pollUntil(() => runs.length > 0, { timeoutMs: 3000, intervalMs: 10, what: 'the run' });
    await sleep(300); // several more polls
    expect(runs).toEqual([String(job.attrs._id)]);

    const stored = await agenda.db.getJobById(String(job.attrs._id));
    expect(stored?.data).toEqual({ greeting: 'привет' });
    expect(stored?.nextRunAt).toBeNull();
    expect(stored?.lockedAt).toBeUndefined();
    expect(stored?.lastFinishedAt).toBeInstanceOf(Date);
  });

  it('when a job repeats every 100 ms, then it runs repeatedly from a single row', async () => {
    const agenda = newAgenda();
    let runs = 0;
    agenda.define('tick', async () => {
      runs++;
    });
    await agenda.start();
    // Numeric ms: human-interval 2.0.1 reads '100 milliseconds' as 100 seconds.
    await agenda.every(100, 'tick');
    await agenda.every(100, 'tick'); // a second start of the app, or a second process

    await pollUntil(() => runs >= 3, { timeoutMs: 3000, intervalMs: 10, what: 'three runs' });
    const { jobs, total } = await agenda.queryJobs({ name: 'tick' });
    expect(total).toBe(1);
    expect(jobs[0]?.type).toBe('single');
    expect(jobs[0]?.repeatInterval).toBe(100);
  });

  it('when a job throws, then it is retried per its backoff and succeeds, keeping the failure record', async () => {
    const agenda = newAgenda();
    let attempts = 0;
    agenda.define(
      'flaky',
      async () => {
        attempts++;
        if (attempts <= 2) throw new Error(`attempt ${attempts} failed`);
      },
      { backoff: constant({ delay: 50, maxRetries: 3 }) },
    );
    await agenda.start();
    const job = await agenda.now('flaky');

    await pollUntil(() => attempts >= 3, { timeoutMs: 4000, intervalMs: 10, what: 'the third attempt' });
    await sleep(200);
    expect(attempts).toBe(3);
    const stored = await agenda.db.getJobById(String(job.attrs._id));
    expect(stored?.failReason).toBe('attempt 2 failed');
    expect(stored?.failCount).toBe(0); // Agenda resets the count on success
    expect(stored?.failedAt).toBeInstanceOf(Date);
    expect(stored?.lastFinishedAt?.getTime()).toBeGreaterThan(stored?.failedAt?.getTime() ?? Infinity);
    const { jobs } = await agenda.queryJobs({ id: String(job.attrs._id) });
    expect(jobs[0]?.state).toBe('completed');
  });

  it('when a job keeps failing, then retries stop after maxRetries with failCount and failReason stored', async () => {
    const agenda = newAgenda();
    let attempts = 0;
    let exhausted = false;
    agenda.on('retry exhausted', () => {
      exhausted = true;
    });
    agenda.define(
      'broken',
      async () => {
        attempts++;
        throw new Error('still broken');
      },
      { backoff: constant({ delay: 30, maxRetries: 2 }) },
    );
    await agenda.start();
    const job = await agenda.now('broken');

    await pollUntil(() => exhausted, { timeoutMs: 4000, intervalMs: 10, what: 'retry exhausted' });
    await sleep(250);
    expect(attempts).toBe(3);
    const stored = await agenda.db.getJobById(String(job.attrs._id));
    expect(stored?.failCount).toBe(3);
    expect(stored?.failReason).toBe('still broken');
    const { jobs } = await agenda.queryJobs({ name: 'broken', state: 'failed' });
    expect(jobs.map((j) => j._id)).toEqual([job.attrs._id]);
  });

  it('when a crashed process left a job locked, then another instance runs it only after lockLifetime', async () => {
    const crashed = newBackend();
    await crashed.connect();
    await crashed.repository.saveJob(jobParams('orphan'), undefined);
    const locked = await crashed.repository.getNextJobToRun(
      'orphan',
      new Date(Date.now() + 1000),
      new Date(0),
      undefined,
      { lastModifiedBy: 'crashed' },
    );
    expect(locked?.lockedAt).toBeInstanceOf(Date);
    const lockedAt = locked?.lockedAt?.getTime() ?? 0;
    await crashed.disconnect(); // dies without unlocking

    const agenda = newAgenda({ name: 'survivor' });
    const runs: number[] = [];
    agenda.define(
      'orphan',
      async () => {
        runs.push(Date.now());
      },
      { lockLifetime: 600 },
    );
    await agenda.start();

    // When it ran is what counts (a slow machine may reach any fixed checkpoint after the lifetime has passed).
    await pollUntil(() => runs.length > 0, { timeoutMs: 3000, intervalMs: 10, what: 'the orphan to run' });
    expect((runs[0] ?? 0) - lockedAt).toBeGreaterThanOrEqual(600);
    await sleep(200);
    expect(runs).toHaveLength(1);
    const stored = await agenda.db.getJobById(String(locked?._id));
    expect(stored?.lastModifiedBy).toBe('survivor');
  });

  it('when a unique job is saved 5 times, then one row holds the last data, or the first with insertOnly', async () => {
    const agenda = newAgenda();
    const later = new Date(Date.now() + 60_000);
    for (let n = 0; n < 5; n++) {
      await agenda
        .create('notify', { chatId: 'abc', n })
        .unique({ 'data.chatId': 'abc' })
        .schedule(later)
        .save();
      await agenda
        .create('notify-once', { chatId: 'abc', n })
        .unique({ 'data.chatId': 'abc' }, { insertOnly: true })
        .schedule(later)
        .save();
    }
    await agenda
      .create('notify', { chatId: 'xyz', n: 9 })
      .unique({ 'data.chatId': 'xyz' })
      .schedule(later)
      .save();

    const notify = await agenda.queryJobs({ name: 'notify', sort: { data: 'asc' } });
    expect(notify.total).toBe(2);
    expect(notify.jobs.map((job) => job.data)).toEqual([
      { chatId: 'abc', n: 4 },
      { chatId: 'xyz', n: 9 },
    ]);
    const once = await agenda.queryJobs({ name: 'notify-once' });
    expect(once.jobs.map((job) => job.data)).toEqual([{ chatId: 'abc', n: 0 }]);
    expect(once.jobs[0]?.unique).toEqual({ 'data.chatId': 'abc' });
  });

  it('when two instances save the same unique key concurrently, then there is still one row', async () => {
    const a = newAgenda();
    const b = newAgenda();
    await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        (n % 2 ? a : b)
          .create('race', { chatId: 42, n })
          .unique({ 'data.chatId': 42 })
          .schedule(new Date(Date.now() + 60_000))
          .save(),
      ),
    );
    expect((await a.queryJobs({ name: 'race' })).total).toBe(1);
    // A number key does not match a string key.
    await a.create('race', { chatId: '42' }).unique({ 'data.chatId': '42' }).save();
    expect((await a.queryJobs({ name: 'race' })).total).toBe(2);
  });

  it('when debounced saves come quickly, then the job runs once with the last data after the quiet period', async () => {
    const agenda = newAgenda();
    const runs: { at: number; data: unknown }[] = [];
    agenda.define('respond', async (job) => {
      runs.push({ at: Date.now(), data: job.attrs.data });
    });
    await agenda.start();

    let lastSave = 0;
    for (let n = 0; n < 5; n++) {
      await agenda.nowDebounced('respond', { chatId: 'c1', n }, { 'data.chatId': 'c1' }, 300);
      lastSave = Date.now();
      await sleep(40);
    }
    expect(runs).toHaveLength(0);
    await pollUntil(() => runs.length > 0, { timeoutMs: 3000, intervalMs: 10, what: 'the debounced run' });
    await sleep(400);
    expect(runs).toHaveLength(1);
    expect(runs[0]?.data).toEqual({ chatId: 'c1', n: 4 });
    expect((runs[0]?.at ?? 0) - lastSave).toBeGreaterThanOrEqual(250);
    expect((await agenda.queryJobs({ name: 'respond' })).total).toBe(1);
  });

  it('when a debounced save arrives while the job runs, then the job runs again afterwards with the new data', async () => {
    const agenda = newAgenda();
    const seen: unknown[] = [];
    agenda.define('respond', async (job) => {
      seen.push(job.attrs.data);
      if (seen.length === 1) await sleep(300);
    });
    await agenda.start();
    await agenda.nowDebounced('respond', { chatId: 'c1', n: 1 }, { 'data.chatId': 'c1' }, 50);
    await pollUntil(() => seen.length === 1, { timeoutMs: 3000, intervalMs: 10, what: 'the first run' });
    await agenda.nowDebounced('respond', { chatId: 'c1', n: 2 }, { 'data.chatId': 'c1' }, 50);

    await pollUntil(() => seen.length === 2, { timeoutMs: 3000, intervalMs: 10, what: 'the second run' });
    expect(seen).toEqual([
      { chatId: 'c1', n: 1 },
      { chatId: 'c1', n: 2 },
    ]);
  });

  it('when Agenda restarts on the same file, then a job scheduled before the restart runs', async () => {
    const first = newAgenda();
    first.define('later', async () => {});
    await first.start();
    await first.schedule(new Date(Date.now() + 300), 'later', { keep: true });
    await first.stop();

    const second = newAgenda();
    const seen: unknown[] = [];
    second.define('later', async (job) => {
      seen.push(job.attrs.data);
    });
    await second.start();
    await pollUntil(() => seen.length > 0, {
      timeoutMs: 3000,
      intervalMs: 10,
      what: 'the job after restart',
    });
    expect(seen).toEqual([{ keep: true }]);
  });

  it('when two instances share the file, then each of 50 jobs executes exactly once', async () => {
    const counts = new Map<string, number>();
    const byInstance = new Map<string, number>();
    const work = (instance: string) => async (job: { attrs: JobParameters }) => {
      const id = String(job.attrs._id);
      counts.set(id, (counts.get(id) ?? 0) + 1);
      byInstance.set(instance, (byInstance.get(instance) ?? 0) + 1);
      await sleep(5);
    };
    const a = newAgenda({ name: 'a' });
    const b = newAgenda({ name: 'b' });
    a.define('work', work('a'));
    b.define('work', work('b'));
    const ids = await Promise.all(
      Array.from({ length: 50 }, async (_, n) => String((await a.now('work', { n })).attrs._id)),
    );
    await Promise.all([a.start(), b.start()]);

    await pollUntil(() => counts.size === 50, { timeoutMs: 8000, intervalMs: 10, what: 'all 50 jobs' });
    await sleep(300);
    expect([...counts.keys()].sort()).toEqual([...ids].sort());
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
    expect(byInstance.get('a')).toBeGreaterThan(0);
    expect(byInstance.get('b')).toBeGreaterThan(0);
  });

  it('when logging is on, then job events are stored and queryable', async () => {
    const agenda = newAgenda({ logging: true }, newBackend({ logging: true }));
    let done = false;
    agenda.define('logged', async () => {
      done = true;
    });
    await agenda.start();
    const job = await agenda.now('logged');
    await pollUntil(() => done, { timeoutMs: 3000, intervalMs: 10, what: 'the run' });
    await sleep(100);
    const { entries, total } = await agenda.getLogs({ jobId: String(job.attrs._id), sort: 'asc' });
    expect(entries.map((entry) => entry.event)).toEqual(
      expect.arrayContaining(['start', 'success', 'complete']),
    );
    expect(total).toBe(entries.length);
    expect(await agenda.clearLogs({ jobName: 'logged' })).toBe(total);
  });
});

/**
 * Runs in worker threads: each opens its own connection (as a separate process would), waits at a
 * shared gate, then all save the same unique key and claim 'race' jobs as fast as they can.
 * Plain JS because eval workers are not transformed; tsx loads the TypeScript backend.
 */
const RACE_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const { register } = await import(workerData.tsxApi);
  register();
  const { SqliteBackend } = await import(workerData.backendModule);
  const backend = new SqliteBackend({ path: workerData.path, busyTimeoutMs: 10000 });
  await backend.connect();
  const gate = new Int32Array(workerData.gate);
  Atomics.add(gate, 1, 1);
  Atomics.wait(gate, 0, 0);
  const repo = backend.repository;
  const far = new Date(Date.now() + 3600000);
  for (let n = 0; n < 25; n++) {
    await repo.saveJob({ name: 'coalesce', type: 'normal', priority: 0, nextRunAt: far,
      data: { key: 'k', from: workerData.name, n }, unique: { 'data.key': 'k' } }, undefined);
  }
  const claimed = [];
  for (;;) {
    const job = await repo.getNextJobToRun('race', new Date(Date.now() + 60000), new Date(0), undefined,
      { lastModifiedBy: workerData.name });
    if (!job) break;
    claimed.push(String(job._id));
    if (claimed.length % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await backend.disconnect();
  parentPort.postMessage({ claimed });
})().catch((error) => parentPort.postMessage({ error: String((error && error.stack) || error) }));
`;

function runRaceWorker(name: string, gate: SharedArrayBuffer, failures: Error[]): Promise<string[]> {
  const worker = new Worker(RACE_WORKER, {
    eval: true,
    workerData: {
      name,
      path,
      gate,
      tsxApi: import.meta.resolve('tsx/esm/api'),
      backendModule: pathToFileURL(
        join(fileURLToPath(new URL('.', import.meta.url)), '../../src/jobs/sqlite-backend/index.ts'),
      ).href,
    },
  });
  const result = new Promise<string[]>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (message: { claimed?: string[]; error?: string }) => {
      void worker.terminate();
      if (message.error || !message.claimed) reject(new Error(message.error ?? 'no result'));
      else resolve(message.claimed);
    });
  });
  result.catch((error: Error) => failures.push(error));
  return result;
}

describe('SqliteJobRepository across threads', () => {
  it('when 4 threads with their own connections race, then no job is claimed twice and unique saves make one row', async () => {
    const seeder = newBackend();
    await seeder.connect();
    const ids = new Set<string>();
    for (let n = 0; n < 200; n++) {
      ids.add(String((await seeder.repository.saveJob(jobParams('race', { data: { n } }), undefined))._id));
    }
    const gate = new SharedArrayBuffer(8);
    const flags = new Int32Array(gate);
    const failures: Error[] = [];
    const results = ['w1', 'w2', 'w3', 'w4'].map((name) => runRaceWorker(name, gate, failures));
    await pollUntil(() => Atomics.load(flags, 1) === 4 || failures.length > 0, {
      timeoutMs: 10_000,
      intervalMs: 10,
      what: 'the workers to connect',
    });
    if (failures[0]) throw failures[0];
    Atomics.store(flags, 0, 1);
    Atomics.notify(flags, 0);
    const claims = await Promise.all(results);

    const all = claims.flat();
    expect(all).toHaveLength(200);
    expect(new Set(all)).toEqual(ids);
    expect(claims.filter((claimed) => claimed.length > 0).length).toBeGreaterThanOrEqual(2);
    expect((await seeder.repository.queryJobs({ name: 'coalesce' })).total).toBe(1);
  });
});

describe('SqliteJobRepository unique saves', () => {
  it('when a unique constraint names a data field, then a new key is looked up by an index on that field, and a row saved without the constraint is still the one it designates', async () => {
    const backend = newBackend();
    await backend.connect();
    const repo = backend.repository;
    // Finished jobs of other chats, as after weeks of answers, and one job saved without any constraint.
    for (let n = 0; n < 200; n += 1)
      await repo.saveJob(jobParams('respond', { nextRunAt: null, data: { chatId: `c${n}` } }), undefined);
    const bare = await repo.saveJob(jobParams('respond', { data: { chatId: 'old', n: 1 } }), undefined);

    const saved = await repo.saveJob(
      jobParams('respond', {
        data: { chatId: 'old', n: 2 },
        unique: { 'data.chatId': 'old', lockedAt: null },
      }),
      undefined,
    );
    expect(String(saved._id)).toBe(String(bare._id));
    expect(saved.data).toEqual({ chatId: 'old', n: 2 });
    await repo.saveJob(
      jobParams('respond', { data: { chatId: 'new' }, unique: { 'data.chatId': 'new', lockedAt: null } }),
      undefined,
    );
    expect((await repo.queryJobs({ name: 'respond' })).total).toBe(202);

    // The lookup among all rows of the name (no row has the new key yet) searches the index, not the rows.
    const raw = new DatabaseSync(path);
    try {
      const plan = raw
        .prepare(
          `EXPLAIN QUERY PLAN SELECT * FROM "agenda_jobs" WHERE name = +? AND ((${dataPathExpression(['chatId'])} = json(?)) AND (locked_at IS NULL)) ORDER BY rowid LIMIT 1`,
        )
        .all('respond', '"new"') as Array<{ detail: string }>;
      expect(plan.map((step) => step.detail).join('; ')).toMatch(
        /SEARCH agenda_jobs USING INDEX agenda_jobs_data_\w+ \(name=\? AND <expr>=\?\)/,
      );
    } finally {
      raw.close();
    }
  });
});

/** A job saved as due is the one the next claim of its name takes. */
async function expectDueJobClaimed(backend: SqliteBackend, name: string): Promise<void> {
  const job = await backend.repository.saveJob(
    jobParams(name, { nextRunAt: new Date(Date.now() - 1000) }),
    undefined,
  );
  const claimed = await backend.repository.getNextJobToRun(
    name,
    new Date(),
    new Date(0),
    undefined,
    undefined,
  );
  expect(String(claimed?._id)).toBe(String(job._id));
}

describe('SqliteJobRepository claims', () => {
  it('when finished, future, held and due jobs share a name, then claims hand out the due ones in order, then an expired lock, never a finished, future or live-held one', async () => {
    const mine = newBackend();
    const other = newBackend();
    await mine.connect();
    await other.connect();
    const repo = mine.repository;
    const at = (offsetMs: number) => new Date(Date.now() + offsetMs);
    // Finished one-off jobs keep their rows with no next run: many of them, as after weeks of answers.
    for (let n = 0; n < 300; n += 1) await repo.saveJob(jobParams('mixed', { nextRunAt: null }), undefined);
    await repo.saveJob(jobParams('mixed', { nextRunAt: at(3_600_000) }), undefined);
    const held = await repo.saveJob(jobParams('mixed', { nextRunAt: at(-3000) }), undefined);
    const first = await repo.saveJob(jobParams('mixed', { nextRunAt: at(-2000) }), undefined);
    const second = await repo.saveJob(jobParams('mixed', { nextRunAt: at(-1000), priority: 5 }), undefined);
    const claim = (from: typeof repo, lockDeadline: Date) =>
      from.getNextJobToRun('mixed', at(0), lockDeadline, undefined, undefined);

    expect(String((await claim(other.repository, new Date(0)))?._id)).toBe(String(held._id));
    const claimed = [
      await claim(repo, new Date(0)),
      await claim(repo, new Date(0)),
      await claim(repo, new Date(0)),
    ];
    expect(claimed.map((j) => (j ? String(j._id) : null))).toEqual([
      String(first._id),
      String(second._id),
      null,
    ]);
    // Every lock counts as expired now: the oldest held one comes first.
    expect(String((await claim(repo, at(60_000)))?._id)).toBe(String(held._id));
  });

  it('when a burst of due jobs is held by this process, then a claim takes the free one by the free-rows index, never walking the held ones', async () => {
    const backend = newBackend();
    await backend.connect();
    const repo = backend.repository;
    const at = (offsetMs: number) => new Date(Date.now() + offsetMs);
    for (let n = 0; n < 200; n += 1) await repo.saveJob(jobParams('burst', { nextRunAt: null }), undefined);
    // Agenda claims a burst's due jobs into its queue before running them: locked, but still due.
    for (let n = 0; n < 60; n += 1)
      await repo.saveJob(jobParams('burst', { nextRunAt: at(-60_000 + n) }), undefined);
    const claim = () => repo.getNextJobToRun('burst', at(0), new Date(0), undefined, undefined);
    for (let n = 0; n < 60; n += 1) expect(await claim()).toBeDefined();
    const free = await repo.saveJob(jobParams('burst', { nextRunAt: at(-1000) }), undefined);

    expect(String((await claim())?._id)).toBe(String(free._id));
    expect(await claim()).toBeUndefined();

    const raw = new DatabaseSync(path);
    try {
      const params = claimParams({
        name: 'burst',
        now: Date.now(),
        dueBy: Date.now(),
        lockDeadline: 0,
        owner: 'someone',
        leaseMs: 10_000,
        lastModifiedBy: null,
      });
      const plan = raw.prepare(`EXPLAIN QUERY PLAN ${claimSql('agenda_jobs')}`).all(...params) as Array<{
        detail: string;
      }>;
      const steps = plan.map((step) => step.detail);
      expect(steps).toContain(
        'SEARCH agenda_jobs USING INDEX agenda_jobs_free (name=? AND disabled=? AND next_run_at<?)',
      );
      expect(steps.join('; ')).not.toMatch(/agenda_jobs_find_next|SCAN agenda_jobs/);
    } finally {
      raw.close();
    }
  });

  it('when the jobs table predates the free-rows index, then connecting makes it and claims work', async () => {
    const first = newBackend();
    await first.connect();
    await first.disconnect();
    const raw = new DatabaseSync(path);
    const hasFreeIndex = () =>
      raw.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = 'agenda_jobs_free'`).get() !==
      undefined;
    try {
      raw.exec('DROP INDEX "agenda_jobs_free"');
      expect(hasFreeIndex()).toBe(false);

      const backend = newBackend();
      await backend.connect();
      expect(hasFreeIndex()).toBe(true);
      await expectDueJobClaimed(backend, 'old-index');
    } finally {
      raw.close();
    }
  });

  it('when the jobs table predates lock owners, then connecting adds the column and the index claims use', async () => {
    const first = newBackend();
    await first.connect();
    await first.disconnect();
    const raw = new DatabaseSync(path);
    raw.exec('DROP INDEX IF EXISTS "agenda_jobs_locked_by"');
    raw.exec('ALTER TABLE "agenda_jobs" DROP COLUMN locked_by');
    raw.close();

    const backend = newBackend();
    await backend.connect();
    await expectDueJobClaimed(backend, 'old-table');
  });
});

describe('SqliteJobRepository statements', () => {
  it('when chats schedule, claim and finish jobs again and again, then SQLite prepares each job statement once, never again per call', async () => {
    const connection = new SqliteConnection(path, 2000);
    const repo = new SqliteJobRepository(connection);
    await repo.connect();
    try {
      const ahead = () => new Date(Date.now() + 60_000);
      // What a chat costs the jobs table: its debounced respond job (a new key, then the same key again), a plain
      // job, the claim, the run's start and end, and a claim that finds nothing.
      const chat = async (n: number) => {
        const unique = { 'data.chatId': `chat-${n}`, lockedAt: null };
        await repo.saveJob(jobParams('respond', { data: { chatId: `chat-${n}` }, unique }), undefined);
        await repo.saveJob(
          jobParams('respond', {
            data: { chatId: `chat-${n}` },
            unique,
            uniqueOpts: { debounce: { delay: 10 } },
          }),
          undefined,
        );
        await repo.saveJob(jobParams(`plain-${n}`), undefined);
        const claimed = await repo.getNextJobToRun(`respond`, ahead(), new Date(0), undefined, undefined);
        if (!claimed) throw new Error(`chat ${n}: nothing claimed`);
        await repo.saveJobState(
          { ...claimed, lockedAt: new Date(), lastRunAt: new Date(), nextRunAt: null },
          undefined,
        );
        await repo.saveJobState(
          { ...claimed, lockedAt: undefined, lastFinishedAt: new Date(), nextRunAt: null },
          undefined,
        );
        expect(
          await repo.getNextJobToRun(`none-${n}`, ahead(), new Date(0), undefined, undefined),
        ).toBeUndefined();
      };
      const chats = async () => {
        for (let n = 1; n <= 5; n += 1) await chat(n);
      };
      expect(await preparationsDuring(connection.db, () => chat(0), chats)).toBe(0);
    } finally {
      await repo.disconnect();
    }
  });
});

/** Runs in a worker thread (a process of its own, as far as SQLite can tell): claims the job, then holds it. */
const HOLDER_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const { register } = await import(workerData.tsxApi);
  register();
  const { SqliteBackend } = await import(workerData.backendModule);
  const backend = new SqliteBackend({ path: workerData.path, busyTimeoutMs: 2000, leaseMs: workerData.leaseMs });
  await backend.connect();
  const job = await backend.repository.getNextJobToRun('held', new Date(Date.now() + 1000),
    new Date(Date.now() - 600000), undefined, { lastModifiedBy: 'holder' });
  parentPort.postMessage({ claimed: job ? String(job._id) : null });
  setInterval(() => {}, 1000); // lives on (the lease's heartbeat alone does not keep a thread alive)
})().catch((error) => parentPort.postMessage({ error: String((error && error.stack) || error) }));
`;

describe('SqliteJobRepository locks after a crash', () => {
  it('when the process holding a job lives on, then nobody else takes it; when it is killed, then another takes it over once its lease lapses, long before the lock lifetime', async () => {
    const leaseMs = 400;
    const survivor = new SqliteBackend({ path, busyTimeoutMs: 2000, leaseMs });
    backends.push(survivor);
    await survivor.connect();
    const saved = await survivor.repository.saveJob(jobParams('held'), undefined);
    const holder = new Worker(HOLDER_WORKER, {
      eval: true,
      workerData: {
        path,
        leaseMs,
        tsxApi: import.meta.resolve('tsx/esm/api'),
        backendModule: pathToFileURL(
          join(fileURLToPath(new URL('.', import.meta.url)), '../../src/jobs/sqlite-backend/index.ts'),
        ).href,
      },
    });
    try {
      const message = await new Promise<{ claimed?: string | null; error?: string }>((resolve, reject) => {
        holder.once('error', reject);
        holder.once('message', resolve);
      });
      expect(message).toEqual({ claimed: String(saved._id) });

      // The lock lifetime is ten minutes: only the lease can free the job early.
      const claim = () =>
        survivor.repository.getNextJobToRun(
          'held',
          new Date(Date.now() + 1000),
          new Date(Date.now() - 600_000),
          undefined,
          { lastModifiedBy: 'survivor' },
        );
      for (const until = Date.now() + 4 * leaseMs; Date.now() < until;) {
        expect(await claim()).toBeUndefined();
        await sleep(50);
      }

      await holder.terminate(); // kill -9: no unlock, no last words
      const taken = await pollUntil(async () => (await claim()) ?? false, {
        timeoutMs: 20 * leaseMs,
        intervalMs: 50,
        what: 'the survivor to take the job over',
      });
      expect(String(taken._id)).toBe(String(saved._id));
      expect(await claim()).toBeUndefined();
    } finally {
      await holder.terminate();
    }
  });
});

describe('SqliteJobRepository leases on an idle process', () => {
  const leaseRow = (owner?: string) => {
    const db = new DatabaseSync(path);
    try {
      const rows = db.prepare('SELECT owner, renewed_at FROM "agenda_jobs_leases"').all() as Array<{
        owner: string;
        renewed_at: number;
      }>;
      return owner === undefined ? rows : rows.filter((r) => r.owner === owner);
    } finally {
      db.close();
    }
  };
  const dataVersion = (db: DatabaseSync) => Number(db.prepare('PRAGMA data_version').get()?.data_version);

  it('when a repository holds no lock, then its heartbeat writes nothing; when it claims on a stale lease, then the lease is renewed with the claim and nobody else takes the job', async () => {
    const leaseMs = 200;
    const idle = new SqliteBackend({ path, busyTimeoutMs: 2000, leaseMs });
    backends.push(idle);
    await idle.connect();
    // data_version moves when another connection commits to the file.
    const watcher = new DatabaseSync(path);
    try {
      const before = dataVersion(watcher);
      await sleep(4 * leaseMs);
      expect(dataVersion(watcher)).toBe(before);

      const other = new SqliteBackend({ path, busyTimeoutMs: 2000, leaseMs });
      backends.push(other);
      await other.connect();
      await other.repository.saveJob(jobParams('stale'), undefined);
      const claimedAt = Date.now();
      const claimed = await idle.repository.getNextJobToRun(
        'stale',
        new Date(Date.now() + 1000),
        new Date(Date.now() - 600_000),
        undefined,
        { lastModifiedBy: 'idle' },
      );
      expect(claimed).toBeDefined();
      const [{ renewed_at: renewed } = { renewed_at: 0 }] = leaseRow().filter(
        (r) => r.renewed_at >= claimedAt,
      );
      expect(renewed).toBeGreaterThanOrEqual(claimedAt);
      // Held: the heartbeat keeps the lease alive, so the other process keeps off it well past the lease.
      for (const until = Date.now() + 4 * leaseMs; Date.now() < until;) {
        expect(
          await other.repository.getNextJobToRun(
            'stale',
            new Date(Date.now() + 1000),
            new Date(Date.now() - 600_000),
            undefined,
            { lastModifiedBy: 'other' },
          ),
        ).toBeUndefined();
        await sleep(50);
      }
    } finally {
      watcher.close();
    }
  });
});

describe('SqliteJobRepository on a failing disk (a process whose writes fail)', () => {
  const child = fileURLToPath(new URL('./failing-disk-child.ts', import.meta.url));

  /** Starts the child, breaks its disk once it has saved a job, and returns what it reports. */
  async function runOnFailingDisk(mode: 'claims' | 'agenda'): Promise<unknown> {
    const proc = spawn(
      process.execPath,
      ['--import', 'tsx', '--disable-warning=ExperimentalWarning', child, path, mode],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    const lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
    let timer: NodeJS.Timeout | undefined;
    const nextLine = async () => {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('the child did not answer (event loop starved?)')), 15_000);
      });
      try {
        return String((await Promise.race([lines.next(), timeout])).value);
      } finally {
        clearTimeout(timer);
      }
    };
    try {
      expect(await nextLine()).toBe('ready');
      // Every write of the child now fails (its WAL cannot take a frame), reads still work.
      await limitFileSize(proc.pid!, 1);
      proc.stdin.write('go\n');
      return JSON.parse(await nextLine());
    } finally {
      proc.kill('SIGKILL');
    }
  }

  it.skipIf(!canLimitFileSize)(
    'when the commit of a claim fails, then the claim throws instead of handing out a job that stays free, so the job is never claimed twice',
    async () => {
      const result = (await runOnFailingDisk('claims')) as {
        claims: Array<{ id: string | null; error: string | null }>;
      };
      const ids = result.claims.map((c) => c.id).filter((id) => id !== null);
      expect(new Set(ids).size).toBe(ids.length);
      expect(result.claims[0]).toEqual({ id: null, error: expect.stringMatching(/disk I\/O error/) });
      // The claims after a storage failure wait out a backoff instead of hammering the disk.
      expect(result.claims.filter((c) => c.error !== null)).toHaveLength(1);

      // The disk works again (the child is gone): the job is free and runs exactly once.
      const agenda = newAgenda();
      let runs = 0;
      agenda.define('x', async () => {
        runs += 1;
      });
      await agenda.start();
      await pollUntil(() => runs > 0, { timeoutMs: 5000, intervalMs: 20, what: 'the job to run' });
      await sleep(300);
      expect(runs).toBe(1);
    },
  );

  it.skipIf(!canLimitFileSize)(
    'when Agenda runs on a disk whose commits fail, then the event loop keeps turning, the job does not run, and the failure is reported a few times, not in a loop',
    async () => {
      const result = (await runOnFailingDisk('agenda')) as { runs: number; errors: string[] };
      expect(result.runs).toBe(0);
      expect(result.errors.length).toBeGreaterThanOrEqual(1);
      expect(result.errors.length).toBeLessThanOrEqual(5);
      expect(result.errors.every((e) => /disk I\/O error/.test(e))).toBe(true);
    },
  );
});

describe('SqliteJobRepository queries (agendash)', () => {
  async function seed() {
    const backend = newBackend();
    await backend.connect();
    const repo = backend.repository;
    const now = Date.now();
    const at = (offset: number) => new Date(now + offset);
    await repo.saveJob(
      jobParams('report', { nextRunAt: at(3_600_000), data: { kind: 'weekly', to: 'a' } }),
      undefined,
    );
    await repo.saveJob(jobParams('report', { nextRunAt: at(-60_000), data: { kind: 'daily' } }), undefined);
    await repo.saveJob(
      jobParams('report', {
        nextRunAt: null,
        lastRunAt: at(-5000),
        lastFinishedAt: at(-4000),
        data: { kind: 'x' },
      }),
      undefined,
    );
    await repo.saveJob(
      jobParams('report', {
        nextRunAt: null,
        lastRunAt: at(-5000),
        lastFinishedAt: at(-4000),
        failedAt: at(-4000),
        failCount: 1,
        failReason: 'boom',
        data: { kind: 'weekly', to: 'b' },
      }),
      undefined,
    );
    await repo.saveJob(
      jobParams('report', { nextRunAt: null, lockedAt: at(-100), lastRunAt: at(-100) }),
      undefined,
    );
    await repo.saveJob(jobParams('report', { nextRunAt: at(3_600_000), disabled: true }), undefined);
    await repo.saveJob(
      jobParams('cleanup', { type: 'single', repeatInterval: '1 hour', nextRunAt: at(3_600_000) }),
      {
        lastModifiedBy: 'seed',
      },
    );
    return repo;
  }

  it('when jobs are in every state, then getJobsOverview counts each state per name', async () => {
    const repo = await seed();
    expect(await repo.getJobsOverview()).toEqual([
      {
        name: 'cleanup',
        total: 1,
        running: 0,
        scheduled: 0,
        queued: 0,
        completed: 0,
        failed: 0,
        repeating: 1,
        paused: 0,
      },
      {
        name: 'report',
        total: 6,
        running: 1,
        scheduled: 2,
        queued: 1,
        completed: 1,
        failed: 1,
        repeating: 0,
        paused: 1,
      },
    ]);
    expect(await repo.getDistinctJobNames()).toEqual(['cleanup', 'report']);
    expect(await repo.getQueueSize()).toBe(1);
  });

  it('when queryJobs filters by state, name, search, data and pages, then totals and states are right', async () => {
    const repo = await seed();
    const failed = await repo.queryJobs({ state: 'failed' });
    expect(failed.total).toBe(1);
    expect(failed.jobs[0]).toMatchObject({
      name: 'report',
      state: 'failed',
      failReason: 'boom',
      failCount: 1,
    });

    expect((await repo.queryJobs({ state: 'paused' })).total).toBe(1);
    expect((await repo.queryJobs({ state: 'running' })).jobs[0]?.lockedAt).toBeInstanceOf(Date);
    expect((await repo.queryJobs({ search: 'REP' })).total).toBe(6);
    expect((await repo.queryJobs({ names: ['report', 'cleanup'] })).total).toBe(7);
    expect((await repo.queryJobs({ name: 'report', includeDisabled: false })).total).toBe(5);
    expect((await repo.queryJobs({ data: { kind: 'weekly' } })).total).toBe(2);
    expect((await repo.queryJobs({ data: { kind: 'weekly', to: 'b' } })).jobs[0]?.failReason).toBe('boom');

    const page = await repo.queryJobs({ name: 'report', sort: { nextRunAt: 'asc' }, skip: 1, limit: 2 });
    expect(page.total).toBe(6);
    expect(page.jobs).toHaveLength(2);
    expect(page.jobs[0]?.nextRunAt?.getTime()).toBeGreaterThan(Date.now()); // past one is first
    const statePage = await repo.queryJobs({ name: 'report', state: 'scheduled', limit: 1 });
    expect(statePage).toMatchObject({ total: 2 });
    expect(statePage.jobs).toHaveLength(1);

    const [cleanup] = (await repo.queryJobs({ name: 'cleanup' })).jobs;
    expect(cleanup).toMatchObject({ state: 'repeating', repeatInterval: '1 hour', lastModifiedBy: 'seed' });
    expect(await repo.getJobById(String(cleanup?._id))).toMatchObject({ name: 'cleanup', type: 'single' });
    expect(await repo.getJobById('no-such-id')).toBeNull();
  });

  it('when jobs are disabled, enabled and removed by options, then the counts are the rows changed', async () => {
    const repo = await seed();
    expect(await repo.disableJobs({})).toBe(0);
    expect(await repo.disableJobs({ name: 'report', data: { kind: 'weekly' } })).toBe(2);
    expect(await repo.disableJobs({ names: ['report'] })).toBe(3); // one was already disabled
    expect(await repo.enableJobs({ notNames: ['cleanup'] })).toBe(6);
    const [first] = (await repo.queryJobs({ data: { kind: 'daily' } })).jobs;
    expect(await repo.disableJobs({ id: String(first?._id) })).toBe(1);

    expect(await repo.removeJobs({})).toBe(0);
    expect(await repo.removeJobs({ data: { kind: 'weekly' } })).toBe(2);
    expect(await repo.removeJobs({ ids: [String(first?._id), 'missing'] })).toBe(1);
    expect(await repo.removeJobs({ notNames: ['report'] })).toBe(1);
    expect(await repo.purgeAllJobs()).toBe(3);
  });
});

describe('debounceSchedule', () => {
  const t0 = 1_000_000;
  it('when a trailing debounce has no row yet, then the run is delay after now', () => {
    expect(debounceSchedule({ delay: 100 }, t0, t0, undefined)).toEqual({
      nextRunAt: t0 + 100,
      debounceStartedAt: t0,
    });
  });

  it('when trailing saves keep coming, then maxWait caps the run at cycle start + maxWait', () => {
    const existing = { nextRunAt: t0 + 390, debounceStartedAt: t0, lastRunAt: null };
    expect(debounceSchedule({ delay: 100, maxWait: 400 }, t0 + 350, t0, existing)).toEqual({
      nextRunAt: t0 + 400,
      debounceStartedAt: t0,
    });
  });

  it('when the row already ran in this cycle, then a trailing save starts a new cycle', () => {
    const existing = { nextRunAt: null, debounceStartedAt: t0, lastRunAt: t0 + 150 };
    expect(debounceSchedule({ delay: 100, maxWait: 400 }, t0 + 5000, t0 + 5000, existing)).toEqual({
      nextRunAt: t0 + 5100,
      debounceStartedAt: t0 + 5000,
    });
  });

  it('when leading saves come within the window, then the schedule is kept; after it, a new cycle runs now', () => {
    const existing = { nextRunAt: null, debounceStartedAt: t0, lastRunAt: t0 };
    const leading = { delay: 100, strategy: 'leading' as const };
    expect(debounceSchedule(leading, t0 + 50, t0 + 50, existing)).toEqual({
      nextRunAt: null,
      debounceStartedAt: t0,
    });
    expect(debounceSchedule(leading, t0 + 150, t0 + 150, existing)).toEqual({
      nextRunAt: t0 + 150,
      debounceStartedAt: t0 + 150,
    });
  });
});
