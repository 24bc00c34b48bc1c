import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agenda, type JobNotification, toJobId } from 'agenda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pollUntil } from '../../sim/common/wait.js';
import { LocalWakeups } from '../../src/jobs/local-wakeups.js';
import { SqliteBackend } from '../../src/jobs/sqlite-backend/index.js';

const MINUTE = 60_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const note = (jobName: string, nextRunAt: Date | null): JobNotification => ({
  jobId: toJobId(`${jobName}-${nextRunAt?.getTime() ?? 'none'}`),
  jobName,
  nextRunAt,
  priority: 0,
  timestamp: new Date(),
});

describe('LocalWakeups', () => {
  it('when many saves are published within one window, then each job name is announced once, with its soonest run time', async () => {
    const channel = new LocalWakeups(20);
    await channel.connect();
    const seen: JobNotification[] = [];
    channel.subscribe((n) => void seen.push(n));
    const soon = new Date(Date.now() + 1000);
    for (let i = 0; i < 100; i += 1) await channel.publish(note('inbound', new Date(Date.now() + 5000 + i)));
    await channel.publish(note('inbound', soon));
    await channel.publish(note('respond', null));
    expect(seen).toEqual([]); // publish returned without running the handlers
    await pollUntil(() => seen.length >= 2, {
      timeoutMs: 2000,
      intervalMs: 10,
      what: 'the coalesced notifications',
    });
    await sleep(40);
    expect(seen.map((n) => n.jobName).sort()).toEqual(['inbound', 'respond']);
    expect(seen.find((n) => n.jobName === 'inbound')?.nextRunAt).toEqual(soon);
    await channel.disconnect();
  });

  it('when disconnected, then publishing announces nothing', async () => {
    const channel = new LocalWakeups(1);
    await channel.connect();
    const seen: JobNotification[] = [];
    channel.subscribe((n) => void seen.push(n));
    await channel.publish(note('inbound', null));
    await channel.disconnect();
    await channel.publish(note('inbound', null));
    await sleep(30);
    expect(seen).toEqual([]);
  });
});

describe('Agenda with LocalWakeups (poll interval one minute)', () => {
  let dir: string;
  let agenda: Agenda | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agenda-wakeups-'));
  });

  afterEach(async () => {
    await agenda?.stop();
    agenda = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('when 200 jobs are saved at once, then all run long before the next poll, each once', async () => {
    agenda = new Agenda({
      backend: new SqliteBackend({ path: join(dir, 'jobs.sqlite') }),
      notificationChannel: new LocalWakeups(),
      processEvery: MINUTE,
    });
    const runs = new Map<number, number>();
    agenda.define(
      'work',
      async (job) => {
        const n = (job.attrs.data as { n: number }).n;
        runs.set(n, (runs.get(n) ?? 0) + 1);
      },
      { concurrency: 20 },
    );
    await agenda.start();
    await sleep(50); // the start-up poll has passed; only a wake-up can start the jobs below
    await Promise.all(Array.from({ length: 200 }, (_, n) => agenda!.now('work', { n })));
    await pollUntil(() => runs.size === 200, {
      timeoutMs: 10_000,
      intervalMs: 10,
      what: 'all 200 jobs to run',
    });
    await sleep(100);
    expect([...runs.values()].every((count) => count === 1)).toBe(true);
  });

  it('when a job is scheduled for later, then the wake-up does not run it early', async () => {
    agenda = new Agenda({
      backend: new SqliteBackend({ path: join(dir, 'jobs.sqlite') }),
      notificationChannel: new LocalWakeups(),
      processEvery: 200,
    });
    const ranAt: number[] = [];
    agenda.define('later', async () => void ranAt.push(Date.now()));
    await agenda.start();
    const due = Date.now() + 600;
    await agenda.schedule(new Date(due), 'later', {});
    await pollUntil(() => ranAt.length === 1, { timeoutMs: 5000, intervalMs: 10, what: 'the scheduled job' });
    expect(ranAt[0]).toBeGreaterThanOrEqual(due);
  });
});
