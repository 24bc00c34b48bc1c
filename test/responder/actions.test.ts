import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { responderHarness } from '../support/responder-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'actions-'));
const store = openSqliteStore({ path: join(dir, 'store.sqlite') });
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('owner actions (responder functions on a real SQLite store)', () => {
  it('when a failed draft’s messages were answered by a newer draft, then retrying it is refused; otherwise it is delivered again', async () => {
    const h = responderHarness(store, { mode: 'review', dataDir: dir });
    const chatId = 'u2i-retry';
    await h.inbound({ id: 'retry-in-1', chatId, text: 'Есть гарантия?' });
    const failed = await store.drafts.create({
      chatId,
      kind: 'answer',
      text: 'Гарантия 18 месяцев.',
      status: 'failed',
      coversMessageIds: ['retry-in-1'],
    });
    const alone = await store.drafts.create({
      chatId: 'u2i-retry-other',
      kind: 'answer',
      text: 'Да.',
      status: 'failed',
      coversMessageIds: ['retry-other-in-1'],
    });
    await store.drafts.create({
      chatId,
      kind: 'answer',
      text: 'Гарантия 18 месяцев, доставка в Казань есть.',
      status: 'sent',
      coversMessageIds: ['retry-in-1', 'retry-in-2'],
    });

    expect(await h.actions.retry(failed.id, 'tg:1')).toMatchObject({ ok: false, reason: 'stale' });
    expect((await store.drafts.get(failed.id))?.status).toBe('failed');
    expect(h.jobs.deliver.has(failed.id)).toBe(false);
    expect(await h.actions.retry(alone.id, 'tg:1')).toMatchObject({ ok: true });
    expect(h.jobs.deliver.has(alone.id)).toBe(true);
  });

  it('when the owner replies without a card, then pending drafts for the same messages are retired and cannot be sent too', async () => {
    const h = responderHarness(store, { mode: 'review', dataDir: dir });
    const chatId = 'u2i-reply';
    await h.inbound({ id: 'reply-in-1', chatId, text: 'Можно вживую?' });
    const pending = await store.drafts.create({
      chatId,
      kind: 'answer',
      text: 'Да, приезжайте.',
      coversMessageIds: ['reply-in-1'],
    });
    const result = await h.actions.replyToBuyer(chatId, 'Да, завтра после 12.', 'tg:1');
    expect(result.ok && result.draft.coversMessageIds).toEqual(['reply-in-1']);
    expect((await store.drafts.get(pending.id))?.status).toBe('superseded');
    expect(await h.actions.approve(pending.id, 'tg:1')).toMatchObject({ ok: false, reason: 'stale' });
  });
});
