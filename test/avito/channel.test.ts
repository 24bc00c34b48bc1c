import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AvitoSim, startAvitoSim } from '../../sim/avito/index.js';
import { AVITO_TEXT_LIMIT, createAvitoChannel } from '../../src/avito/channel.js';
import { AvitoClient } from '../../src/avito/client.js';
import { TokenManager } from '../../src/avito/token.js';
import { splitText } from '../../src/lib/split-text.js';
import type { Channel } from '../../src/responder/channel.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';

describe('Avito as a responder channel (against the Avito simulator)', () => {
  let sim: AvitoSim;
  let channel: Channel;
  let chatId: string;
  const store = openSqliteStore({ path: ':memory:' });
  afterAll(() => store.close());

  beforeEach(async () => {
    sim = await startAvitoSim();
    const tokens = new TokenManager({
      baseUrl: sim.url,
      clientId: sim.env.AVITO_CLIENT_ID ?? '',
      clientSecret: sim.env.AVITO_CLIENT_SECRET ?? '',
      kv: store.kv,
    });
    channel = createAvitoChannel(
      new AvitoClient({ baseUrl: sim.url, tokens, backoff: { baseMs: 5, maxMs: 10 } }),
    );
    const listing = sim.seedListing({ title: 'Диван', price: 30000 });
    ({ chatId } = await sim.buyerWrites({ itemId: listing.id, buyer: { name: 'Ян' }, text: 'Размеры?' }));
  });
  afterEach(async () => {
    await sim.close();
  });

  const longAnswer = 'Диван раскладной, 260 × 160 см. '.repeat(50).trim();

  it('when a long answer is sent, then it goes out in parts within 1000 characters and the chat shows them as ours, oldest first', async () => {
    const parts = splitText(longAnswer, AVITO_TEXT_LIMIT);
    expect(parts.length).toBeGreaterThan(1);

    const outcome = await channel.send(chatId, longAnswer);
    expect(outcome.kind).toBe('sent');
    const ids = outcome.kind === 'sent' ? outcome.messageIds : [];
    expect(
      sim
        .sentByApi()
        .filter((s) => s.chatId === chatId)
        .map((s) => s.text),
    ).toEqual(parts);

    const recent = await channel.recentOutgoing(chatId, 50);
    expect(recent.map((m) => [m.id, m.text])).toEqual(ids.map((id, i) => [id, parts[i]]));
  });

  it('when Avito refuses a later part, then the outcome is partial with the ids that went out and the total', async () => {
    let posts = 0;
    sim.faults.add({
      match: (req, path) => req.method === 'POST' && /\/messages$/.test(path) && ++posts >= 2,
      fault: { kind: 'status', status: 400 },
    });
    const outcome = await channel.send(chatId, longAnswer);
    expect(outcome).toMatchObject({
      kind: 'partial',
      totalParts: splitText(longAnswer, AVITO_TEXT_LIMIT).length,
      error: { transient: false, kind: 'invalid_request' },
    });
    expect(outcome.kind === 'partial' && outcome.messageIds).toHaveLength(1);
  });

  it('when the connection drops after Avito stored a send, then the outcome is unknown, never a failure to retry', async () => {
    sim.failAfterSend({ kind: 'drop' });
    const outcome = await channel.send(chatId, 'Да, в наличии.');
    expect(outcome).toMatchObject({ kind: 'unknown', messageIds: [] });
    expect(sim.sentByApi().filter((s) => s.chatId === chatId)).toHaveLength(1);
  });

  it('when Avito keeps answering 503, then the send failed transiently and nothing went out', async () => {
    sim.faults.add({ match: /\/messages$/, fault: { kind: 'status', status: 503 } });
    const outcome = await channel.send(chatId, 'Да.');
    expect(outcome).toMatchObject({ kind: 'failed', error: { transient: true, kind: 'server' } });
  });
});
