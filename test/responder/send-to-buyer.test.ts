import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AVITO_CAPABILITIES } from '../../src/avito/channel.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createDraftActions } from '../../src/responder/actions.js';
import type { Channel, ChannelCapabilities, ChannelId } from '../../src/responder/channel.js';
import { deliverDraft } from '../../src/responder/deliver.js';
import type { ResponderDeps } from '../../src/responder/deps.js';
import type { Store } from '../../src/store/port.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { WEB_CAPABILITIES } from '../../src/web/live.js';
import { RecordingNotifier } from '../support/recording-notifier.js';
import { JobBook } from '../support/responder-harness.js';

/** A channel that records what it is asked to send. */
function recordingChannel(id: ChannelId, capabilities: ChannelCapabilities) {
  const sent: Array<{ chatId: string; text: string }> = [];
  const channel: Channel = {
    id,
    capabilities,
    async send(chatId, text) {
      sent.push({ chatId, text });
      return { kind: 'sent', messageIds: [`${id}-out-${sent.length}`] };
    },
    markRead: async () => {},
    recentOutgoing: async () => [],
  };
  return { channel, sent };
}

let dir: string;
let store: Store;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'send-to-buyer-'));
  store = openSqliteStore({ path: join(dir, 'store.sqlite') });
});
afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The responder's dependencies with these channels; delivery jobs are kept in `jobs` for the test to run. */
function depsWith(jobs: JobBook, channels: Channel[]): ResponderDeps {
  return {
    config: loadConfig({ DATA_DIR: dir, MODE: 'review', DEBOUNCE_SECONDS: '0' }),
    store,
    agenda: jobs.agenda,
    channels: new Map(channels.map((c) => [c.id, c])),
    knowledge: { answer: () => Promise.reject(new Error('no answers here')) },
    notifier: new RecordingNotifier(),
    logger: createLogger({ level: 'silent' }),
  };
}

describe('the owner’s message to a buyer (a document link)', () => {
  it('when the owner sends a link into a website chat, then it goes out through the web channel, not Avito', async () => {
    const avito = recordingChannel('avito', AVITO_CAPABILITIES);
    const web = recordingChannel('web', WEB_CAPABILITIES);
    const jobs = new JobBook();
    const deps = depsWith(jobs, [avito.channel, web.channel]);
    await store.chats.upsert({ id: 'web:visitor-1' });
    const text = 'Счёт на оплату № СЧ-2026-0001: https://shop.example/d/abc\nСсылка действует до 20.12.2026.';
    const result = await createDraftActions(deps).sendToBuyer('web:visitor-1', text, 'tg:1', {
      title: 'Счёт на оплату № СЧ-2026-0001',
    });
    expect(result.ok).toBe(true);
    const [draftId] = jobs.deliver;
    expect(draftId).toBeDefined();
    await deliverDraft(deps, draftId!);
    expect(web.sent).toEqual([{ chatId: 'web:visitor-1', text }]);
    expect(avito.sent).toEqual([]);
    expect((await store.drafts.get(draftId!))?.status).toBe('sent');
  });

  it('when the chat does not exist, then nothing is sent and the owner hears not_found', async () => {
    const web = recordingChannel('web', WEB_CAPABILITIES);
    const jobs = new JobBook();
    const deps = depsWith(jobs, [web.channel]);
    const result = await createDraftActions(deps).sendToBuyer(
      'web:nobody',
      'https://shop.example/d/abc',
      'tg:1',
      {
        title: 'КП',
      },
    );
    expect(result).toEqual({ ok: false, reason: 'not_found' });
    expect(jobs.deliver.size).toBe(0);
  });
});
