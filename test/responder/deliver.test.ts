import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AVITO_CAPABILITIES } from '../../src/avito/channel.js';
import type { Channel, OutgoingMessage, SendOutcome } from '../../src/responder/channel.js';
import { decodeDeliveryProblem } from '../../src/responder/delivery-problem.js';
import { deliverDraft, reconcileDraft } from '../../src/responder/deliver.js';
import type { ResponderDeps } from '../../src/responder/deps.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { responderHarness } from '../support/responder-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'deliver-outcomes-'));
const store = openSqliteStore({ path: join(dir, 'store.sqlite') });
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** An Avito-like channel whose every send has `outcome`, and whose chat shows `recent`. */
function scriptedChannel(outcome: SendOutcome, recent: OutgoingMessage[] = []) {
  const sends: string[] = [];
  const channel: Channel = {
    id: 'avito',
    capabilities: { ...AVITO_CAPABILITIES, maxTextLength: 20 },
    send: async (_chatId, text) => {
      sends.push(text);
      return outcome;
    },
    markRead: async () => {},
    recentOutgoing: async () => recent,
  };
  return { channel, sends };
}

let n = 0;
async function approvedDraft(text: string) {
  n += 1;
  const chatId = `u2i-outcome-${n}`;
  await store.chats.upsert({ id: chatId });
  return store.drafts.create({ chatId, kind: 'answer', text, status: 'approved', approvedBy: 'tg:1' });
}

const rateLimited = { transient: true, kind: 'rate_limited', message: 'Avito answered 429' };

describe('delivery outcomes (deliverDraft through the channel port)', () => {
  it('when the chat’s channel is not configured, then the draft fails at once with a reason the owner sees', async () => {
    const h = responderHarness(store, { mode: 'review', dataDir: dir });
    const deps: ResponderDeps = { ...h.deps, channels: new Map() };
    const draft = await approvedDraft('Да, в наличии.');

    expect(await deliverDraft(deps, draft.id)).toBe('failed');
    const failed = (await store.drafts.get(draft.id))!;
    expect(failed.status).toBe('failed');
    expect(decodeDeliveryProblem(failed.error)).toEqual({
      code: 'send-failed',
      reason: expect.stringMatching(/no avito channel in this deployment/),
    });
  });

  it('when a send fails transiently before anything went out, then the draft goes back to approved for a later try', async () => {
    const h = responderHarness(store, { mode: 'review', dataDir: dir });
    const { channel } = scriptedChannel({ kind: 'failed', error: rateLimited });
    const draft = await approvedDraft('Да, в наличии.');

    expect(await deliverDraft({ ...h.deps, channels: new Map([['avito', channel]]) }, draft.id)).toBe(
      'retry-scheduled',
    );
    expect((await store.drafts.get(draft.id))?.status).toBe('approved');
    expect([...h.jobs.deliver]).toEqual([draft.id]);
  });

  it('when only the first parts of a split answer went out, then it fails as partly sent and is never sent whole again', async () => {
    const h = responderHarness(store, { mode: 'review', dataDir: dir });
    const { channel } = scriptedChannel({
      kind: 'partial',
      messageIds: ['p-1'],
      totalParts: 3,
      error: rateLimited,
    });
    const draft = await approvedDraft('Первая часть. Вторая часть. Третья часть.');

    expect(await deliverDraft({ ...h.deps, channels: new Map([['avito', channel]]) }, draft.id)).toBe(
      'failed',
    );
    const failed = (await store.drafts.get(draft.id))!;
    expect(failed.sentMessageIds).toEqual(['p-1']);
    expect(decodeDeliveryProblem(failed.error)).toMatchObject({ code: 'partly-sent', sent: 1, total: 3 });
    expect(h.jobs.deliver.size).toBe(0);
  });

  it('when a send’s outcome is unknown and the chat shows every part, then reconciling marks it sent without sending again', async () => {
    const h = responderHarness(store, { mode: 'review', dataDir: dir });
    const text = 'Первая часть. Вторая часть.';
    const draft = await approvedDraft(text);
    const at = new Date();
    const { channel, sends } = scriptedChannel(
      { kind: 'unknown', messageIds: [], error: { ...rateLimited, kind: 'timeout', message: 'timed out' } },
      [
        { id: 'r-1', text: 'Первая часть.', at },
        { id: 'r-2', text: 'Вторая часть.', at },
      ],
    );
    const deps = { ...h.deps, channels: new Map([['avito', channel]]) };

    expect(await deliverDraft(deps, draft.id)).toBe('unknown-outcome');
    expect((await store.drafts.get(draft.id))?.status).toBe('sending');
    expect(await reconcileDraft(deps, draft.id)).toBe('sent');

    expect(sends).toEqual([text]);
    const sent = (await store.drafts.get(draft.id))!;
    expect(sent).toMatchObject({ status: 'sent', sentMessageIds: ['r-1', 'r-2'] });
    expect((await store.messages.get('r-2'))?.text).toBe('Вторая часть.');
  });
});
