import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AmoCrmSim, startAmoCrmSim } from '../../../sim/amocrm/index.js';
import {
  AMOCRM_TOKENS_KV_KEY,
  AmoCrmClient,
  type AmoTokenStore,
  kvTokenStore,
  OAuthAuth,
} from '../../../src/integrations/amocrm/index.js';
import type { Store } from '../../../src/store/port.js';
import { openSqliteStore } from '../../../src/store/sqlite/index.js';

describe('amoCRM OAuth (against the amoCRM simulator, tokens in the SQLite kv)', () => {
  let sim: AmoCrmSim;
  let store: Store;
  let dir: string;
  let tokens: AmoTokenStore;

  const auth = (over: Partial<ConstructorParameters<typeof OAuthAuth>[0]> = {}) => {
    const integration = sim.integrations[0]!;
    return new OAuthAuth({
      baseUrl: sim.url,
      clientId: integration.clientId,
      clientSecret: integration.clientSecret,
      redirectUri: integration.redirectUri,
      store: tokens,
      ...over,
    });
  };

  beforeEach(async () => {
    sim = await startAmoCrmSim();
    dir = mkdtempSync(join(tmpdir(), 'amo-auth-'));
    store = openSqliteStore({ path: join(dir, 's.sqlite') });
    tokens = kvTokenStore(store.kv);
  });
  afterEach(async () => {
    await store.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when nothing is connected yet, then calls fail with `auth` and say how to connect', async () => {
    const client = new AmoCrmClient({ baseUrl: sim.url, auth: auth() });
    await expect(client.account()).rejects.toMatchObject({
      kind: 'auth',
      message: expect.stringContaining('npm run amocrm -- connect'),
    });
    expect(sim.calls.records).toHaveLength(0);
  });

  it('when the code is exchanged, then the pair is stored and calls carry its access token', async () => {
    const saved = await auth().exchangeCode(sim.authorize().code);
    expect(await store.kv.get(AMOCRM_TOKENS_KV_KEY)).toEqual(saved);
    // A fresh instance (a restart) reads the pair from the store.
    const client = new AmoCrmClient({ baseUrl: sim.url, auth: auth() });
    await client.account();
    expect(sim.calls.find('/api/v4/account')[0]!.headers.authorization).toBe(`Bearer ${saved.accessToken}`);
  });

  it('when the access token nears expiry, then it is refreshed once for concurrent callers and the new pair is stored', async () => {
    const first = await auth().exchangeCode(sim.authorize().code);
    const later = Date.now() + 86_400_000 - 60_000;
    const a = auth({ now: () => later });
    const got = await Promise.all(Array.from({ length: 5 }, () => a.token()));
    expect(new Set(got).size).toBe(1);
    expect(got[0]).not.toBe(first.accessToken);
    expect(sim.grants().refresh_token).toBe(1);
    const stored = await tokens.load();
    expect(stored?.accessToken).toBe(got[0]);
    expect(stored?.refreshToken).not.toBe(first.refreshToken);
  });

  it('when amoCRM answers 401 mid-way, then the client refreshes once and the call succeeds', async () => {
    await auth().exchangeCode(sim.authorize().code);
    const client = new AmoCrmClient({ baseUrl: sim.url, auth: auth() });
    await client.account();
    sim.expireAccessTokens();
    await expect(client.account()).resolves.toMatchObject({ subdomain: 'example' });
    expect(sim.calls.find('/api/v4/account').map((c) => c.status)).toEqual([200, 401, 200]);
    expect(sim.grants().refresh_token).toBe(1);
  });

  it('when another process already rotated the pair, then this one adopts it instead of spending a dead token', async () => {
    const original = await auth().exchangeCode(sim.authorize().code);
    const mine = auth();
    await mine.token();
    const theirs = await auth().refresh();
    expect(theirs.refreshToken).not.toBe(original.refreshToken);
    // `mine` still holds the old pair, whose refresh token is now dead; its own refresh must not use it.
    const adopted = await mine.refresh();
    expect(adopted).toEqual(theirs);
    expect(await mine.token()).toBe(theirs.accessToken);
    expect(sim.grants().refresh_token).toBe(1);
  });

  it('when amoCRM refuses the refresh token, then the error is `auth` and says to reconnect', async () => {
    await auth().exchangeCode(sim.authorize().code);
    const stored = (await tokens.load())!;
    await tokens.save({ ...stored, refreshToken: 'def50200-forged', expiresAt: 0 });
    await expect(auth().token()).rejects.toMatchObject({
      kind: 'auth',
      status: 400,
      message: expect.stringContaining('reconnect'),
    });
  });
});
