import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/port.js';
import { SESSION_SECRET_KEY, WidgetSessions } from '../../src/web/sessions.js';

describe('widget sessions (real embedded store)', () => {
  let dir: string;
  let store: Store;
  let now = new Date('2026-12-01T10:00:00Z');
  const sessions = (ttlDays = 30) => new WidgetSessions({ kv: store.kv, ttlDays, now: () => now });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'widget-sessions-'));
    store = await openStore({ kind: 'sqlite', path: join(dir, 'store.sqlite') });
    now = new Date('2026-12-01T10:00:00Z');
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when no token is given, then a new session with a token naming it starts', async () => {
    const opened = await sessions().open(undefined);
    expect(opened).toMatchObject({ fresh: true, sessionId: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(opened.rejected).toBeUndefined();
    expect(await sessions().verify(opened.token)).toBe(opened.sessionId);
  });

  it('when a token is used within its TTL, then the same session goes on with a renewed token', async () => {
    const first = await sessions().open(undefined);
    now = new Date(now.getTime() + 20 * 86_400_000);
    const again = await sessions().open(first.token);
    expect(again).toMatchObject({ fresh: false, sessionId: first.sessionId });
    now = new Date(now.getTime() + 20 * 86_400_000);
    // 40 days after the first token: the first has expired, the renewed one has not.
    expect(await sessions().verify(first.token)).toEqual({ rejected: 'expired' });
    expect(await sessions().verify(again.token)).toBe(first.sessionId);
  });

  it('when the token is expired or not ours, then a new session starts and the reason is given', async () => {
    const first = await sessions(1).open(undefined);
    now = new Date(now.getTime() + 86_400_000 + 1000);
    const expired = await sessions(1).open(first.token);
    expect(expired).toMatchObject({ fresh: true, rejected: 'expired' });
    expect(expired.sessionId).not.toBe(first.sessionId);
    const forged = await sessions().open(`${first.token.slice(0, -4)}AAAA`);
    expect(forged).toMatchObject({ fresh: true, rejected: 'invalid' });
    const none = await sessions().open('eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.');
    expect(none).toMatchObject({ fresh: true, rejected: 'invalid' });
  });

  it('when the service restarts, then the stored secret still verifies old tokens; a new secret would not', async () => {
    const opened = await sessions().open(undefined);
    const secret = await store.kv.get<string>(SESSION_SECRET_KEY);
    expect(Buffer.from(secret!, 'base64url')).toHaveLength(32);
    expect(await sessions().verify(opened.token)).toBe(opened.sessionId);
    await store.kv.delete(SESSION_SECRET_KEY);
    expect(await sessions().verify(opened.token)).toEqual({ rejected: 'invalid' });
  });

  it('when two processes create the secret at once, then both sign with the one stored', async () => {
    const [a, b] = [sessions(), sessions()];
    const [ta, tb] = await Promise.all([a.issue('session-aaaaaaaaaaaa'), b.issue('session-bbbbbbbbbbbb')]);
    expect(await b.verify(ta)).toBe('session-aaaaaaaaaaaa');
    expect(await a.verify(tb)).toBe('session-bbbbbbbbbbbb');
  });
});
