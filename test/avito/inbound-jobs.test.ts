import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Agenda } from 'agenda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pollUntil } from '../../sim/common/wait.js';
import type { AvitoClient } from '../../src/avito/client.js';
import { defineAvitoJobs, InboundQueue, inboundEventIds, JOB } from '../../src/avito/jobs.js';
import type { TokenManager } from '../../src/avito/token.js';
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
    agenda = createAgenda({ kind: 'sqlite', path }, { processEvery: 50 });
    defineAvitoJobs(agenda, {
      store,
      // Chat details are optional for processing: a failing lookup only logs.
      client: {
        getChat: async () => {
          throw new Error('not in this test');
        },
      } as unknown as AvitoClient,
      tokens: {} as TokenManager,
      hooks: {
        async buyerMessage(chat) {
          if (chat.id === 'u2i-broken') throw new Error('respond queue unavailable');
          answered.push(chat.id);
        },
        async sellerWroteFromApp() {},
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
    await agenda.now(JOB.inbound, { eventIds: ['ok-1', 'bad', 'ok-2'] });
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

  it('when a job queued by an older version carries one eventId, then that event is processed', async () => {
    await storeEvent('legacy', 'u2i-c');
    await agenda.now(JOB.inbound, { eventId: 'legacy' });
    await agenda.start();
    await pollUntil(async () => (await store.events.get('legacy'))?.status === 'processed', {
      timeoutMs: 5000,
      what: 'the legacy job to run',
    });
    expect(answered).toEqual(['u2i-c']);
  });
});
