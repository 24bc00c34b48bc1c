import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Channel, ChannelCapabilities, InboundEvent } from '../../src/responder/channel.js';
import type { ResponderDeps } from '../../src/responder/deps.js';
import { receiveInbound } from '../../src/responder/inbound.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { responderHarness } from '../support/responder-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'inbound-'));
const store = openSqliteStore({ path: join(dir, 'store.sqlite') });
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A channel like the website widget: no echoes of our sends, no seller writing outside the service. */
const WEB: ChannelCapabilities = {
  maxTextLength: 4000,
  attachments: false,
  typing: true,
  echoesOwnMessages: false,
  sellerWritesOutside: false,
};

function webChannel(): Channel {
  return {
    id: 'web',
    capabilities: WEB,
    send: async () => ({ kind: 'sent', messageIds: [] }),
    markRead: async () => {},
    recentOutgoing: async () => [],
  };
}

/** The responder's dependencies with the web channel registered beside the harness's Avito channel. */
function withWeb(deps: ResponderDeps): ResponderDeps {
  return { ...deps, channels: new Map([...(deps.channels as Map<string, Channel>), ['web', webChannel()]]) };
}

let n = 0;
function webEvent(overrides: Partial<InboundEvent> = {}): InboundEvent {
  n += 1;
  return {
    channel: 'web',
    chatId: 'web:visitor-1',
    messageId: `web-msg-${n}`,
    direction: 'in',
    type: 'text',
    text: `Вопрос ${n}`,
    content: null,
    at: new Date('2026-03-01T10:00:00Z'),
    ...overrides,
  };
}

describe('inbound messages (receiveInbound on a real SQLite store, any channel)', () => {
  it('when a buyer writes on the website, then the message is stored as the buyer’s, the chat learns what the widget told, and an answer is scheduled', async () => {
    const h = responderHarness(store, { mode: 'review', dataDir: dir });
    const deps = withWeb(h.deps);
    const event = webEvent({
      chatId: 'web:visitor-a',
      context: {
        buyer: { id: 'visitor-a', name: 'Ольга' },
        listing: { itemId: '4242', title: 'Кресло', price: '8 000 ₽', url: null },
      },
    });

    expect(await receiveInbound(deps, event)).toBe('buyer');
    expect(await receiveInbound(deps, event)).toBe('buyer');

    expect(await store.messages.get(event.messageId)).toMatchObject({ author: 'buyer', direction: 'in' });
    expect(await store.chats.get('web:visitor-a')).toMatchObject({
      buyerName: 'Ольга',
      itemId: '4242',
      listing: { title: 'Кресло', price: '8 000 ₽', url: null },
      lastInboundAt: event.at,
    });
    expect([...h.jobs.respond]).toEqual(['web:visitor-a']);
    expect(await store.messages.lastN('web:visitor-a', 10)).toHaveLength(1);
  });

  it('when a channel without echoes or an outside seller reports an outgoing message, then it is kept as context and the AI does not pause', async () => {
    const h = responderHarness(store, { mode: 'review', dataDir: dir });
    const deps = withWeb(h.deps);
    const chatId = 'web:visitor-b';
    await receiveInbound(deps, webEvent({ chatId }));
    const out = webEvent({ chatId, direction: 'out', text: 'Здравствуйте!' });

    expect(await receiveInbound(deps, out)).toBe('system');
    expect(await store.messages.get(out.messageId)).toMatchObject({ author: 'system', direction: 'out' });
    expect((await store.chats.get(chatId))?.state).toBe('ai');
    expect(await store.audit.query({ chatId, action: 'chat.paused' })).toEqual([]);
  });

  it('when the seller writes in Avito outside the service, then the AI pauses once and a repeat of the event changes nothing more', async () => {
    const h = responderHarness(store, { mode: 'review', dataDir: dir });
    const chatId = 'u2i-outside';
    await h.inbound({ id: 'outside-in-1', chatId, text: 'Есть доставка?' });
    const seller: InboundEvent = {
      channel: 'avito',
      chatId,
      messageId: 'outside-out-1',
      direction: 'out',
      type: 'text',
      text: 'Отвечу сам',
      content: null,
      at: new Date('2026-03-01T10:01:00Z'),
    };

    expect(await receiveInbound(h.deps, seller)).toBe('seller-outside');
    expect(await receiveInbound(h.deps, seller)).toBe('seller-outside');

    expect(await store.messages.get('outside-out-1')).toMatchObject({ author: 'owner', draftId: null });
    expect((await store.chats.get(chatId))?.state).toBe('human');
    expect((await store.audit.query({ chatId, action: 'chat.paused' })).map((a) => a.actor)).toEqual([
      'avito-app',
    ]);
    expect(h.notifier.noticesOf('chat-paused')).toHaveLength(1);
  });

  it('when an event comes from a channel the responder was not built with, then it fails with a message naming the fix', async () => {
    const h = responderHarness(store, { mode: 'review', dataDir: dir });
    const event = webEvent({ chatId: 'web:unregistered' });
    await expect(receiveInbound(h.deps, event)).rejects.toThrow(
      /web channel, which the responder was not built with: register the channel/,
    );
    expect(await store.messages.get(event.messageId)).toBeNull();
  });
});
