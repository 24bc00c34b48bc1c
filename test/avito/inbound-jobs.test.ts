import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Agenda } from 'agenda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pollUntil } from '../../sim/common/wait.js';
import { InboundQueue } from '../../src/avito/inbound-queue.js';
import {
  defineInboundJobs,
  INBOUND_JOB,
  INBOX_SWEEP_JOB,
  inboundEventIds,
} from '../../src/avito/jobs/inbound.js';
import { createAgenda } from '../../src/jobs/index.js';
import { createLogger } from '../../src/logger.js';
import type { Store } from '../../src/store/port.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { messageEnvelope } from '../support/avito-envelope.js';

describe('InboundQueue', () => {
  it('when events are acknowledged in one turn of the event loop, then one job carries them all', async () => {
    const saved: unknown[] = [];
    const queue = new InboundQueue({ now: async (_name, data) => void saved.push(data) });
    await Promise.all([queue.enqueue('e1'), queue.enqueue('e2'), queue.enqueue('e3')]);
    await queue.enqueue('e4');
    expect(saved).toEqual([{ eventIds: ['e1', 'e2', 'e3'] }, { eventIds: ['e4'] }]);
  });

  it('when the job cannot be saved, then every event of the batch hears it (the webhook answers 503)', async () => {
    const queue = new InboundQueue({
      now: async () => {
        throw new Error('database is locked');
      },
    });
    const results = await Promise.allSettled([queue.enqueue('e1'), queue.enqueue('e2')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });

  describe('during a delivery storm', () => {
    const storm = { on: true, storm: () => storm.on };
    beforeEach(() => {
      storm.on = true;
      vi.useFakeTimers();
    });
    afterEach(() => vi.useRealTimers());

    /** An Agenda stand-in that records each saved job's events, or fails while `failing` is set. */
    function recording() {
      const saved: string[][] = [];
      const state = { failing: false };
      const agenda = {
        now: async (_name: string, data: unknown) => {
          if (state.failing) throw new Error('database is locked');
          saved.push(inboundEventIds(data));
        },
      };
      return { saved, agenda, state };
    }

    it('when deliveries come in a storm, then they are held and queued 100 per job once it passes', async () => {
      const { saved, agenda } = recording();
      const queue = new InboundQueue(agenda, { pressure: storm });
      const ids = Array.from({ length: 150 }, (_, i) => `e${i}`);
      await Promise.all(ids.map((id) => queue.enqueue(id)));
      await vi.advanceTimersByTimeAsync(1000);
      expect(saved).toEqual([]);
      expect(queue.held).toBe(150);

      storm.on = false;
      await vi.advanceTimersByTimeAsync(250);
      expect(saved).toEqual([ids.slice(0, 100), ids.slice(100)]);
      expect(queue.held).toBe(0);
    });

    it('when the storm does not end, then what it held is queued after 5 s anyway', async () => {
      const { saved, agenda } = recording();
      const queue = new InboundQueue(agenda, { pressure: storm });
      await queue.enqueue('e1');
      await vi.advanceTimersByTimeAsync(4500);
      expect(saved).toEqual([]);
      await vi.advanceTimersByTimeAsync(750);
      expect(saved).toEqual([['e1']]);
    });

    it('when the first delivery after a storm arrives, then the held events are queued before it', async () => {
      const { saved, agenda } = recording();
      const queue = new InboundQueue(agenda, { pressure: storm });
      await queue.enqueue('held');
      storm.on = false;
      const after = queue.enqueue('after');
      await vi.advanceTimersByTimeAsync(0);
      await after;
      expect(saved).toEqual([['held'], ['after']]);
    });

    it('when the held events cannot be saved, then they are kept and tried again', async () => {
      const { saved, agenda, state } = recording();
      state.failing = true;
      const queue = new InboundQueue(agenda, { pressure: storm });
      await queue.enqueue('e1');
      await queue.flush();
      expect(queue.held).toBe(1);
      state.failing = false;
      storm.on = false;
      await vi.advanceTimersByTimeAsync(5250);
      expect(saved).toEqual([['e1']]);
      expect(queue.held).toBe(0);
    });
  });

  it('when a job was queued by a version before batching, then its one event is still read', () => {
    expect(inboundEventIds({ eventId: 'old' })).toEqual(['old']);
    expect(inboundEventIds({ eventIds: ['a', 'b'] })).toEqual(['a', 'b']);
    expect(inboundEventIds({})).toEqual([]);
  });
});

describe('inbound job with several events', () => {
  let dir: string;
  let store: Store;
  let agenda: Agenda;
  const answered: string[] = [];
  const alerts: string[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'inbound-jobs-'));
    answered.length = 0;
    alerts.length = 0;
    const path = join(dir, 'store.sqlite');
    store = openSqliteStore({ path });
    agenda = await createAgenda({ kind: 'sqlite', path }, { processEvery: 50 });
    defineInboundJobs(agenda, {
      store,
      // Chat details are optional for processing: a failing lookup only logs.
      avito: {
        getChat: async () => {
          throw new Error('not in this test');
        },
      },
      // The responder as the inbound job sees it: a port that schedules an answer per buyer message.
      inbound: {
        async receive(event) {
          if (event.chatId === 'u2i-broken') throw new Error('respond queue unavailable');
          answered.push(event.chatId);
          return 'buyer';
        },
      },
      alerts: { alert: async (key) => void alerts.push(key), resolve: async () => {} },
      logger: createLogger({ level: 'silent' }),
    });
  });
  afterEach(async () => {
    await agenda.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function storeEvent(id: string, chatId: string): Promise<void> {
    const payload = messageEnvelope(id, { id: `msg-${id}`, chat_id: chatId });
    await store.events.insertOnce({ id, messageId: `msg-${id}`, payload });
  }

  it('when one event of a batch fails, then the others are processed and only it is tried again', async () => {
    await storeEvent('ok-1', 'u2i-a');
    await storeEvent('bad', 'u2i-broken');
    await storeEvent('ok-2', 'u2i-b');
    await agenda.now(INBOUND_JOB.name, { eventIds: ['ok-1', 'bad', 'ok-2'] });
    await agenda.start();

    await pollUntil(async () => (await store.events.get('bad'))!.attempts >= 2, {
      timeoutMs: 10_000,
      what: 'the failed event to be tried again',
    });
    expect((await store.events.get('ok-1'))?.status).toBe('processed');
    expect((await store.events.get('ok-2'))?.status).toBe('processed');
    expect((await store.events.get('bad'))?.status).toBe('pending');
    // The retry skipped the processed events: each answer was scheduled once.
    expect(answered.sort()).toEqual(['u2i-a', 'u2i-b']);
    expect(alerts).toEqual([]);
  });

  it('when pending events have no job, then the inbox sweep queues them, but not those a job still holds', async () => {
    const twoMinutesAgo = new Date(Date.now() - 120_000);
    for (const [id, chatId] of [
      ['orphan-1', 'u2i-d'],
      ['orphan-2', 'u2i-e'],
      ['waiting', 'u2i-f'],
    ] as const) {
      const payload = messageEnvelope(id, { id: `msg-${id}`, chat_id: chatId });
      await store.events.insertOnce({ id, messageId: `msg-${id}`, payload, receivedAt: twoMinutesAgo });
    }
    await storeEvent('fresh', 'u2i-g'); // just acknowledged: its job is on the way
    await agenda.schedule(new Date(Date.now() + 3600_000), INBOUND_JOB.name, { eventIds: ['waiting'] });
    await agenda.now(INBOX_SWEEP_JOB.name);
    await agenda.start();

    await pollUntil(async () => answered.length >= 2, {
      timeoutMs: 5000,
      what: 'the orphans to be processed',
    });
    await pollUntil(
      async () => (await agenda.queryJobs({ name: INBOX_SWEEP_JOB.name })).jobs[0]?.lastFinishedAt,
      {
        timeoutMs: 5000,
        what: 'the sweep to finish',
      },
    );
    expect(answered.sort()).toEqual(['u2i-d', 'u2i-e']);
    // The orphans' job is removed once it completes, a moment after its last event was handed over.
    const jobs = await pollUntil(
      async () => {
        const { jobs } = await agenda.queryJobs({ name: INBOUND_JOB.name });
        return jobs.length === 1 && jobs;
      },
      { timeoutMs: 5000, what: 'the orphans’ job to be removed' },
    );
    expect(jobs.map((job) => inboundEventIds(job.data))).toEqual([['waiting']]);
    expect((await store.events.get('fresh'))?.status).toBe('pending');
  });

  it('when a job queued by an older version carries one eventId, then that event is processed', async () => {
    await storeEvent('legacy', 'u2i-c');
    await agenda.now(INBOUND_JOB.name, { eventId: 'legacy' });
    await agenda.start();
    await pollUntil(async () => (await store.events.get('legacy'))?.status === 'processed', {
      timeoutMs: 5000,
      what: 'the legacy job to run',
    });
    expect(answered).toEqual(['u2i-c']);
  });
});
