import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Agenda } from 'agenda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pollUntil } from '../../sim/common/wait.js';
import { createAgenda } from '../../src/jobs/index.js';
import {
  defineRetentionJob,
  purgeIdleConversations,
  retentionRules,
  scheduleRetention,
} from '../../src/jobs/retention.js';
import { createLogger } from '../../src/logger.js';
import type { Store } from '../../src/store/port.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { visitorKey } from '../../src/web/index.js';
import { startTestService } from '../support/service.js';

const DAY = 24 * 3600_000;
const logger = createLogger({ level: 'silent' });

let dir: string;
let store: Store & { path: string };
let agenda: Agenda | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'retention-'));
  store = openSqliteStore({ path: join(dir, 'store.sqlite') });
});

afterEach(async () => {
  await agenda?.stop();
  agenda = undefined;
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

/** A conversation whose last message is `days` old. */
async function talk(chatId: string, days: number, into: Store = store): Promise<void> {
  const at = new Date(Date.now() - days * DAY);
  await into.chats.upsert({ id: chatId, lastInboundAt: at });
  await into.messages.insertOnce({
    id: `${chatId}/m`,
    chatId,
    direction: 'in',
    author: 'buyer',
    type: 'text',
    text: 'Здравствуйте',
    content: null,
    createdAt: at,
  });
}

const exists = async (chatId: string) => (await store.chats.get(chatId)) !== null;

describe('conversation retention', () => {
  it('when the defaults apply, then web and Telegram conversations go after 30 days and Avito ones stay', async () => {
    await talk('tg:1', 31);
    await talk('web:abc', 31);
    await talk('tg:2', 29);
    await talk('u2i-1', 3000);
    await store.kv.set('tgbuyer:profile:tg:9', { phone: '+79161234567' }, 1);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const forgotten: string[] = [];
    const purged = await purgeIdleConversations({
      store,
      logger,
      rules: retentionRules({ contextTtlDays: 30, avitoRetentionDays: undefined }),
      forget: [async (chatId) => void forgotten.push(chatId)],
    });
    expect(purged).toBe(2);
    expect(await exists('tg:1')).toBe(false);
    expect(await exists('web:abc')).toBe(false);
    expect(await exists('tg:2')).toBe(true);
    expect(await exists('u2i-1')).toBe(true);
    expect(forgotten.sort()).toEqual(['tg:1', 'web:abc']);
    // The expired contact step of a buyer who never asked anything went too.
    expect(await store.retention.purgeExpiredKv(new Date())).toBe(0);
  });

  it('when RETENTION_DAYS is set, then Avito conversations follow it and buyer context its own period', async () => {
    await talk('u2i-old', 91);
    await talk('u2i-new', 89);
    await talk('tg:7', 8);
    const rules = retentionRules({ contextTtlDays: 7, avitoRetentionDays: 90 });
    expect(rules.map((r) => [r.name, r.days])).toEqual([
      ['context', 7],
      ['avito', 90],
    ]);
    expect(await purgeIdleConversations({ store, logger, rules })).toBe(2);
    expect(await exists('u2i-old')).toBe(false);
    expect(await exists('u2i-new')).toBe(true);
    expect(await exists('tg:7')).toBe(false);
  });

  it('when forgetting fails for one chat, then the purge still goes on with the others', async () => {
    await talk('tg:a', 40);
    await talk('tg:b', 41);
    const purged = await purgeIdleConversations({
      store,
      logger,
      rules: retentionRules({ contextTtlDays: 30, avitoRetentionDays: undefined }),
      forget: [
        async (chatId) => {
          if (chatId === 'tg:b') throw new Error('kv unavailable');
        },
      ],
    });
    expect(purged).toBe(2);
    expect(await exists('tg:a')).toBe(false);
  });

  it('when the job is scheduled, then Agenda runs it and an idle conversation is purged', async () => {
    await talk('tg:job', 45);
    agenda = await Promise.resolve(createAgenda({ kind: 'sqlite', path: store.path }, { processEvery: 50 }));
    defineRetentionJob(agenda, {
      store,
      logger,
      rules: retentionRules({ contextTtlDays: 30, avitoRetentionDays: undefined }),
    });
    await agenda.start();
    await scheduleRetention(agenda);
    await pollUntil(async () => !(await exists('tg:job')), { timeoutMs: 5000, what: 'the purge' });
    const jobs = await agenda.queryJobs({ name: 'purge-idle-conversations' });
    expect(jobs.total).toBe(1);
    expect(jobs.jobs[0]?.repeatInterval).toBe(3600_000);
  });
});

describe('conversation retention in the service', () => {
  it('when the service starts with Telegram and website conversations idle past CONTEXT_TTL_DAYS, then they and the visitor’s brief are purged and fresh ones kept', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'retention-svc-'));
    const seed = openSqliteStore({ path: join(dataDir, 'avito-responder.sqlite') });
    await talk('tg:old', 8, seed);
    await talk('tg:new', 2, seed);
    await talk('u2i-kept', 400, seed);
    await talk('web:old', 9, seed);
    await talk('web:new', 1, seed);
    // The widget keeps the visitor's brief beside the conversation, renewed on each visit (longer than the chat).
    for (const chatId of ['web:old', 'web:new'])
      await seed.kv.set(
        visitorKey(chatId),
        { name: 'Вера', contact: { email: 'vera@example.com' } },
        30 * DAY,
      );
    await seed.close();
    const service = await startTestService(
      { CONTEXT_TTL_DAYS: '7', WIDGET_ORIGINS: 'https://shop.example.com' },
      dataDir,
    );
    try {
      await pollUntil(async () => (await service.store.chats.get('tg:old')) === null, {
        timeoutMs: 5000,
        what: 'the purge at start-up',
      });
      await pollUntil(async () => (await service.store.chats.get('web:old')) === null, {
        timeoutMs: 5000,
        what: 'the website conversation purged',
      });
      await pollUntil(async () => (await service.store.kv.get(visitorKey('web:old'))) === null, {
        timeoutMs: 5000,
        what: 'the visitor’s brief forgotten',
      });
      expect(await service.store.kv.get(visitorKey('web:new'))).not.toBeNull();
      expect(await service.store.chats.get('web:new')).not.toBeNull();
      expect(await service.store.chats.get('tg:new')).not.toBeNull();
      expect(await service.store.chats.get('u2i-kept')).not.toBeNull();
      expect((await service.agenda.queryJobs({ name: 'purge-idle-conversations' })).total).toBe(1);
    } finally {
      await service.dispose();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
