import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Agenda } from 'agenda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { pollUntil } from '../../sim/common/wait.js';
import { IntegrationHealth } from '../../src/integrations/health.js';
import {
  defineOutboxJob,
  type OutboxDeps,
  outboxQueue,
  PermanentFailure,
} from '../../src/integrations/outbox.js';
import { createAgenda } from '../../src/jobs/index.js';
import { jobKind } from '../../src/jobs/job.js';
import { createLogger } from '../../src/logger.js';
import { RecordingNotifier } from '../support/recording-notifier.js';

const KIND = jobKind('test-outbox', z.object({ key: z.string(), value: z.number() }));

class Flaky extends Error {
  readonly retryable = true;
}

let dir: string;
let agendas: Agenda[];
let alerts: RecordingNotifier;
let health: IntegrationHealth;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'outbox-'));
  agendas = [];
  alerts = new RecordingNotifier();
  health = new IntegrationHealth();
});
afterEach(async () => {
  for (const agenda of agendas) await agenda.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** An Agenda on the SQLite file of this test (a second call is a restarted process on the same file). */
async function openAgenda(): Promise<Agenda> {
  const agenda = await createAgenda(
    { kind: 'sqlite', path: join(dir, 'store.sqlite') },
    { processEvery: 30 },
  );
  agendas.push(agenda);
  return agenda;
}

function deps(agenda: Agenda, maxAttempts = 50): OutboxDeps {
  return {
    agenda,
    alerts,
    health,
    logger: createLogger({ level: 'silent' }),
    retry: { baseMs: 20, maxMs: 60, maxAttempts },
  };
}

describe('the integrations outbox', () => {
  it('when a call fails transiently, then it is retried with backoff until it succeeds, and the integration shows degraded meanwhile', async () => {
    const agenda = await openAgenda();
    const runs: number[] = [];
    let healthWhileFailing: string | undefined;
    defineOutboxJob(deps(agenda), {
      kind: KIND,
      integration: 'amocrm',
      operation: 'sync-deal',
      async run({ value }) {
        runs.push(value);
        if (runs.length === 3) healthWhileFailing = health.check('amocrm', true).status;
        if (runs.length < 4) throw new Flaky('503 from amoCRM');
      },
    });
    await agenda.start();
    await outboxQueue(agenda, KIND).enqueue({ key: 'k1', value: 7 });
    await pollUntil(() => runs.length === 4, { timeoutMs: 5000 });
    expect(healthWhileFailing).toBe('degraded');
    expect(health.check('amocrm', true).status).toBe('ok');
    expect(alerts.alerts).toEqual([]);
  });

  it('when a call is refused for good, then it stops at once and the owner is told with the lead it was for', async () => {
    const agenda = await openAgenda();
    let runs = 0;
    defineOutboxJob(deps(agenda), {
      kind: KIND,
      integration: 'yookassa',
      operation: 'create-payment',
      leadOf: () => 'lead-1',
      async run() {
        runs += 1;
        throw new PermanentFailure('invalid_credentials');
      },
    });
    await agenda.start();
    await outboxQueue(agenda, KIND).enqueue({ key: 'k2', value: 1 });
    await pollUntil(() => alerts.alerts.length > 0, { timeoutMs: 5000 });
    await new Promise((r) => setTimeout(r, 300));
    expect(runs).toBe(1);
    expect(alerts.alerts).toEqual([
      {
        key: 'outbox:test-outbox:k2',
        alert: {
          kind: 'integration-failed',
          integration: 'yookassa',
          operation: 'create-payment',
          leadId: 'lead-1',
          reason: 'invalid_credentials',
        },
      },
    ]);
    const [job] = (await agenda.queryJobs({ name: KIND.name })).jobs;
    expect(job?.failReason).toContain('invalid_credentials');
  });

  it('when transient failures outlast every attempt, then the owner is told once and the job is kept as failed', async () => {
    const agenda = await openAgenda();
    let runs = 0;
    defineOutboxJob(deps(agenda, 3), {
      kind: KIND,
      integration: 'email',
      operation: 'send-email',
      async run() {
        runs += 1;
        throw new Flaky('421 try again later');
      },
    });
    await agenda.start();
    await outboxQueue(agenda, KIND).enqueue({ key: 'k3', value: 1 });
    await pollUntil(() => alerts.alerts.length > 0, { timeoutMs: 5000 });
    await new Promise((r) => setTimeout(r, 300));
    expect(runs).toBe(3);
    expect(alerts.alerts).toHaveLength(1);
  });

  it('when the same key is queued twice, then it runs once; a coalescing job runs again with the latest data', async () => {
    const agenda = await openAgenda();
    const once: number[] = [];
    const coalesced: number[] = [];
    const COALESCE = jobKind('test-coalesce', KIND.data);
    defineOutboxJob(deps(agenda), {
      kind: KIND,
      integration: 'amocrm',
      operation: 'add-note',
      run: async ({ value }) => void once.push(value),
    });
    defineOutboxJob(deps(agenda), {
      kind: COALESCE,
      integration: 'amocrm',
      operation: 'sync-deal',
      run: async ({ value }) => void coalesced.push(value),
    });
    await agenda.start();
    const queue = outboxQueue(agenda, KIND);
    await queue.enqueue({ key: 'note', value: 1 });
    await queue.enqueue({ key: 'note', value: 2 });
    await pollUntil(() => once.length === 1, { timeoutMs: 5000 });
    await queue.enqueue({ key: 'note', value: 3 });
    const sync = outboxQueue(agenda, COALESCE, 'coalesce');
    await sync.enqueue({ key: 'deal', value: 1 });
    await pollUntil(() => coalesced.length === 1, { timeoutMs: 5000 });
    await sync.enqueue({ key: 'deal', value: 2 });
    await pollUntil(() => coalesced.length === 2, { timeoutMs: 5000 });
    await new Promise((r) => setTimeout(r, 200));
    expect(once).toEqual([1]);
    expect(coalesced).toEqual([1, 2]);
  });

  it('when the process stops before a queued call runs, then a restarted one runs it', async () => {
    const first = await openAgenda();
    await outboxQueue(first, KIND).enqueue({ key: 'after-restart', value: 42 });
    await first.stop();

    const second = await openAgenda();
    const runs: number[] = [];
    defineOutboxJob(deps(second), {
      kind: KIND,
      integration: 'calendar',
      operation: 'book',
      run: async ({ value }) => void runs.push(value),
    });
    await second.start();
    await pollUntil(() => runs.length === 1, { timeoutMs: 5000 });
    expect(runs).toEqual([42]);
  });

  it('when queued data has the wrong shape, then it is refused before anything is stored', async () => {
    const agenda = await openAgenda();
    await expect(
      outboxQueue(agenda, KIND).enqueue({ key: 'bad', value: 'x' as unknown as number }),
    ).rejects.toThrow();
    expect((await agenda.queryJobs({ name: KIND.name })).total).toBe(0);
  });
});
