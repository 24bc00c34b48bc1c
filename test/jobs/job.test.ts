import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Agenda } from 'agenda';
import { exponential } from 'agenda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { pollUntil } from '../../sim/common/wait.js';
import { createAgenda } from '../../src/jobs/index.js';
import { defineJob, jobKind, scheduleEvery } from '../../src/jobs/job.js';

describe('job kinds (on the embedded SQLite job backend)', () => {
  let dir: string;
  let agenda: Agenda;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'job-kinds-'));
    agenda = await createAgenda({ kind: 'sqlite', path: join(dir, 'store.sqlite') }, { processEvery: 50 });
  });
  afterEach(async () => {
    await agenda.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const renamed = jobKind('report-sync', z.object({ chatId: z.number().int() }), ['old-report-sync']);

  it('when a job was queued under its former name before an upgrade, then it runs with the new definition', async () => {
    const ran: number[] = [];
    await agenda.now('old-report-sync', { chatId: 7 });
    defineJob(agenda, renamed, async ({ chatId }) => void ran.push(chatId));
    await agenda.start();
    await pollUntil(() => ran.length > 0, { timeoutMs: 5000, what: 'the old job to run' });
    expect(ran).toEqual([7]);
  });

  it('when a recurring job is scheduled under its new name, then the schedule under its former name is removed', async () => {
    const recurring = jobKind('tidy-up', z.unknown(), ['tidy']);
    defineJob(agenda, recurring, async () => {});
    await agenda.start();
    await agenda.every(3600_000, 'tidy');
    await scheduleEvery(agenda, recurring, 3600_000);
    await scheduleEvery(agenda, recurring, 3600_000);
    expect((await agenda.queryJobs({ name: 'tidy' })).total).toBe(0);
    expect((await agenda.queryJobs({ name: 'tidy-up' })).total).toBe(1);
  });

  it('when a job’s data has the wrong shape, then it fails with the reason and is not retried, whatever its backoff', async () => {
    const ran: unknown[] = [];
    defineJob(agenda, renamed, async (data) => void ran.push(data), {
      backoff: exponential({ delay: 10, maxRetries: 5 }),
    });
    await agenda.now('report-sync', { chatId: 'not a number' });
    await agenda.start();
    const job = await pollUntil(
      async () => (await agenda.queryJobs({ name: 'report-sync' })).jobs.find((j) => j.failReason),
      { timeoutMs: 5000, what: 'the job to fail' },
    );
    expect(job.failReason).toMatch(/report-sync has data of the wrong shape \(chatId: /);
    expect(job.failCount).toBe(1);
    expect(job.nextRunAt ?? null).toBeNull();
    expect(ran).toEqual([]);
  });
});
