import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AvitoSim, startAvitoSim } from '../../sim/avito/index.js';
import { AvitoClient } from '../../src/avito/client.js';
import { syncListings } from '../../src/avito/listings.js';
import { TokenManager } from '../../src/avito/token.js';
import { createLogger } from '../../src/logger.js';
import type { Listing } from '../../src/models/records.js';
import type { Store } from '../../src/store/port.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';

describe('listings sync (against the Avito simulator)', () => {
  let sim: AvitoSim;
  let store: Store;
  let dir: string;
  let client: AvitoClient;
  const logger = createLogger({ level: 'silent' });

  beforeEach(async () => {
    sim = await startAvitoSim();
    dir = mkdtempSync(join(tmpdir(), 'listings-'));
    store = openSqliteStore({ path: join(dir, 's.sqlite') });
    const tokens = new TokenManager({
      baseUrl: sim.url,
      clientId: sim.env.AVITO_CLIENT_ID ?? '',
      clientSecret: sim.env.AVITO_CLIENT_SECRET ?? '',
      kv: store.kv,
    });
    client = new AvitoClient({ baseUrl: sim.url, tokens, userId: sim.env.AVITO_USER_ID });
  });
  afterEach(async () => {
    await store.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when the seller has 150 active listings, then two pages are read, spaced within 25 requests a minute', async () => {
    for (let i = 0; i < 150; i += 1)
      sim.seedListing({ id: 5_000_000_000 + i, title: `Товар ${i}`, price: 1000 + i });
    sim.seedListing({ id: 6_000_000_000, title: 'Снятое', price: 1, status: 'old' });
    const waits: number[] = [];
    const upserted: string[] = [];
    const summary = await syncListings({
      client,
      store,
      logger,
      wait: async (ms) => void waits.push(ms),
      knowledge: { upsertListing: async (l) => void upserted.push(l.id), removeListing: async () => {} },
    });
    expect(summary).toMatchObject({ fetched: 150, added: 150, pages: 2, removed: 0 });
    expect(waits).toEqual([2400]);
    expect(upserted).toHaveLength(150);
    expect(sim.calls.find('/core/v1/items').map((c) => c.query.page)).toEqual(['1', '2']);
    expect((await store.listings.get('5000000149'))?.price).toBe(1149);
    expect(await store.listings.get('6000000000')).toBeNull();
  });

  it('when a listing is unchanged, updated or gone, then only changes reach the knowledge base', async () => {
    sim.seedListing({ id: 4341979279, title: 'Диван', price: 54900 });
    sim.seedListing({ id: 4341979280, title: 'Кресло', price: 8000 });
    const gone: Listing = {
      id: '1111',
      title: 'Продано',
      price: 10,
      url: null,
      status: 'active',
      category: null,
      address: null,
      syncedAt: new Date(0),
    };
    await store.listings.upsert(gone);
    const calls: string[] = [];
    const knowledge = {
      upsertListing: async (l: Listing) => void calls.push(`up:${l.id}`),
      removeListing: async (id: string) => void calls.push(`rm:${id}`),
    };
    const first = await syncListings({ client, store, logger, knowledge });
    expect(first).toMatchObject({ added: 2, removed: 1, unchanged: 0 });
    expect(calls.sort()).toEqual(['rm:1111', 'up:4341979279', 'up:4341979280']);
    calls.length = 0;
    const second = await syncListings({ client, store, logger, knowledge });
    expect(second).toMatchObject({ added: 0, updated: 0, unchanged: 2, removed: 0 });
    expect(calls).toEqual([]);
    expect((await store.listings.list()).map((l) => l.title)).toEqual(['Диван', 'Кресло']);
  });
});
