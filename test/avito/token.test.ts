import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AvitoSim, startAvitoSim } from '../../sim/avito/index.js';
import { AvitoClient } from '../../src/avito/client.js';
import { AvitoApiError } from '../../src/avito/errors.js';
import { TOKEN_KV_KEY, TokenManager } from '../../src/avito/token.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import type { Store } from '../../src/store/port.js';

describe('Avito token manager (against the Avito simulator)', () => {
  let sim: AvitoSim;
  let store: Store;
  let dir: string;

  const manager = (over: Partial<ConstructorParameters<typeof TokenManager>[0]> = {}) =>
    new TokenManager({
      baseUrl: sim.url,
      clientId: sim.env.AVITO_CLIENT_ID ?? '',
      clientSecret: sim.env.AVITO_CLIENT_SECRET ?? '',
      kv: store.kv,
      backoff: { baseMs: 200, maxMs: 200 },
      ...over,
    });

  beforeEach(async () => {
    sim = await startAvitoSim();
    dir = mkdtempSync(join(tmpdir(), 'token-'));
    store = openSqliteStore({ path: join(dir, 's.sqlite') });
  });
  afterEach(async () => {
    await store.close();
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when a token is asked for many times, then it is fetched once and cached in memory and in kv', async () => {
    const tokens = manager();
    const first = await tokens.getToken();
    expect(await tokens.getToken()).toBe(first);
    expect(sim.tokenIssues()).toBe(1);
    expect(await store.kv.get(TOKEN_KV_KEY)).toMatchObject({ accessToken: first });
    expect(tokens.status()).toMatchObject({ status: 'ok' });
  });

  it('when a second instance starts, then it reuses the token kept in the store', async () => {
    const token = await manager().getToken();
    expect(await manager().getToken()).toBe(token);
    expect(sim.tokenIssues()).toBe(1);
  });

  it('when 20 callers need a token at once, then they share one refresh', async () => {
    const tokens = manager();
    const all = await Promise.all(Array.from({ length: 20 }, () => tokens.getToken()));
    expect(new Set(all).size).toBe(1);
    expect(sim.tokenIssues()).toBe(1);
  });

  it('when the token is close to expiry, then it is refreshed before use', async () => {
    sim = await (async () => {
      await sim.close();
      return startAvitoSim({ tokenTtlSeconds: 60 });
    })();
    const tokens = manager({ refreshMarginMs: 120_000 });
    const first = await tokens.getToken();
    const second = await tokens.getToken();
    expect(second).not.toBe(first);
    expect(sim.tokenIssues()).toBe(2);
    expect(await tokens.refreshIfExpiring(3600_000)).toBe(true);
    expect(sim.tokenIssues()).toBe(3);
  });

  for (const status of [401, 403] as const) {
    it(`when Avito answers ${status} for an expired token, then the client refreshes once and the call succeeds`, async () => {
      sim.setExpiredTokenStatus(status);
      const tokens = manager();
      const client = new AvitoClient({ baseUrl: sim.url, tokens, userId: sim.env.AVITO_USER_ID });
      await client.self();
      sim.expireTokens();
      const self = await client.self();
      expect(self.id).toBe(String(sim.userId));
      expect(sim.tokenIssues()).toBe(2);
      expect(sim.calls.find('/core/v1/accounts/self').map((c) => c.status)).toEqual([200, status, 200]);
    });
  }

  it('when a fresh token is refused too, then the call fails as a permission problem after one refresh', async () => {
    const tokens = manager();
    const client = new AvitoClient({
      baseUrl: sim.url,
      tokens,
      userId: sim.env.AVITO_USER_ID,
      maxAttempts: 1,
    });
    sim.faults.add({ match: '/core/v1/accounts/self', fault: { kind: 'status', status: 403 } });
    const err = await client.self().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AvitoApiError);
    expect((err as AvitoApiError).kind).toBe('permission');
    expect(sim.tokenIssues()).toBe(2);
  });

  it('when the credentials are wrong, then it fails as auth, backs off without calling again, and reports it', async () => {
    const problems: AvitoApiError[] = [];
    const tokens = manager({ clientSecret: 'wrong', onProblem: (e) => problems.push(e) });
    await expect(tokens.getToken()).rejects.toMatchObject({ kind: 'auth' });
    await expect(tokens.getToken()).rejects.toMatchObject({ kind: 'auth' });
    expect(sim.calls.find('/token').length).toBe(1);
    expect(tokens.status()).toMatchObject({ status: 'fail', consecutiveFailures: 1 });
    expect(problems).toHaveLength(1); // the call inside the backoff did not reach Avito: nothing new to report
    await new Promise((r) => setTimeout(r, 250));
    await expect(tokens.getToken()).rejects.toMatchObject({ kind: 'auth' });
    expect(sim.calls.find('/token').length).toBe(2);
    expect(problems).toHaveLength(2); // reported again, so an alert that failed to send gets another chance
  });

  it('when the token endpoint fails with 503, then the failure is reported and a call after the backoff recovers', async () => {
    sim.faults.add({ match: '/token', fault: { kind: 'status', status: 503 }, times: 1 });
    let recovered = 0;
    const tokens = manager({ onRecovered: () => (recovered += 1) });
    await expect(tokens.getToken()).rejects.toMatchObject({ kind: 'server' });
    expect(recovered).toBe(0);
    await new Promise((r) => setTimeout(r, 250));
    await expect(tokens.getToken()).resolves.toEqual(expect.any(String));
    expect(tokens.status().status).toBe('ok');
    expect(recovered).toBe(1);
  });
});

describe('Avito token manager: caching as a property (against the Avito simulator)', () => {
  const TTL_S = 3600;
  const MARGIN_MS = 10 * 60_000;

  /** One step of a run: callers asking at once, time passing, a restart, or Avito refusing the token. */
  type Step =
    | { kind: 'get'; callers: number }
    | { kind: 'advance'; minutes: number }
    | { kind: 'restart' }
    | { kind: 'refused' };
  const step: fc.Arbitrary<Step> = fc.oneof(
    {
      arbitrary: fc.record({ kind: fc.constant('get' as const), callers: fc.integer({ min: 1, max: 5 }) }),
      weight: 4,
    },
    {
      arbitrary: fc.record({
        kind: fc.constant('advance' as const),
        minutes: fc.integer({ min: 0, max: 90 }),
      }),
      weight: 3,
    },
    { arbitrary: fc.constant({ kind: 'restart' as const }), weight: 1 },
    { arbitrary: fc.constant({ kind: 'refused' as const }), weight: 1 },
  );

  it('when any sequence of calls, restarts, expiries and refusals happens, then a token is requested only when none is fresh (once for all callers at a time), and no caller ever gets one Avito would refuse', async () => {
    const sim = await startAvitoSim({ tokenTtlSeconds: TTL_S });
    const dir = mkdtempSync(join(tmpdir(), 'token-prop-'));
    const store = openSqliteStore({ path: join(dir, 's.sqlite') });
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 14 }), async (steps) => {
          await store.kv.delete(TOKEN_KV_KEY);
          // Frozen within a step: the manager's clock moves only as the steps say (the simulator's too).
          let virtual = Date.now();
          const manager = () =>
            new TokenManager({
              baseUrl: sim.url,
              clientId: sim.env.AVITO_CLIENT_ID ?? '',
              clientSecret: sim.env.AVITO_CLIENT_SECRET ?? '',
              kv: store.kv,
              refreshMarginMs: MARGIN_MS,
              now: () => virtual,
            });
          let tokens = manager();
          // The model: when the token the service holds expires (manager's clock), and whether Avito refused it.
          let held: { token: string; expiresAt: number } | null = null;
          for (const s of steps) {
            if (s.kind === 'advance') {
              virtual += s.minutes * 60_000;
              sim.advanceTime(s.minutes * 60_000);
            } else if (s.kind === 'restart') {
              tokens = manager();
            } else if (s.kind === 'refused') {
              sim.expireTokens();
              if (held) await tokens.invalidate(held.token);
              held = null;
            } else {
              const before = sim.tokenIssues();
              const needed = held === null || held.expiresAt - virtual <= MARGIN_MS;
              const got = await Promise.all(Array.from({ length: s.callers }, () => tokens.getToken()));
              expect(new Set(got).size).toBe(1);
              expect(sim.tokenIssues() - before).toBe(needed ? 1 : 0);
              if (needed) held = { token: got[0]!, expiresAt: virtual + TTL_S * 1000 };
              expect(got[0]).toBe(held!.token);
              // Avito's own verdict on the token handed out.
              const res = await fetch(`${sim.url}/core/v1/accounts/self`, {
                headers: { authorization: `Bearer ${got[0]!}` },
              });
              await res.arrayBuffer();
              expect(res.status).toBe(200);
            }
          }
        }),
        { numRuns: 60 },
      );
    } finally {
      await store.close();
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
