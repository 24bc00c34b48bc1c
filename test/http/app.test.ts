import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { type Service, startService } from '../../src/service.js';

describe('HTTP app (component: the real service on port 0)', () => {
  let dir: string;
  let service: Service;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'svc-'));
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dir,
      ADMIN_TOKEN: 'admin-token-123456',
    });
    service = await startService(config, createLogger({ level: 'silent' }), { processEvery: 100 });
  });
  afterAll(async () => {
    await service.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('when /health is asked, then the process answers ok', async () => {
    const res = await fetch(`${service.http.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
  });

  it('when /ready is asked, then each check reports and unconfigured integrations are disabled, not failing', async () => {
    const res = await fetch(`${service.http.url}/ready`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; checks: Record<string, { status: string }> };
    expect(body.status).toBe('ok');
    expect(body.checks.store?.status).toBe('ok');
    expect(body.checks.avito?.status).toBe('disabled');
    expect(body.checks.gemini?.status).toBe('disabled');
  });

  it('when a readiness check fails, then /ready answers 503 naming it, with its error for the admin token only', async () => {
    service.readiness.add('broken', async () => {
      throw new Error('cannot reach it at 10.0.0.7');
    });
    service.readiness.add('avito', async () => ({
      status: 'ok',
      token: 'ok',
      expiresAt: '2026-12-07T08:42:58.916Z',
      webhook: 'configured',
    }));
    const res = await fetch(`${service.http.url}/ready`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { checks: Record<string, object> };
    expect(body.checks.broken).toEqual({ status: 'fail' });
    expect(body.checks.avito).toEqual({ status: 'ok' });
    expect(JSON.stringify(body)).not.toMatch(/10\.0\.0\.7|expiresAt|2026-12-07/);

    const admin = await fetch(`${service.http.url}/ready`, {
      headers: { authorization: 'Bearer admin-token-123456' },
    });
    expect(admin.status).toBe(503);
    const detailed = (await admin.json()) as { checks: Record<string, object> };
    expect(detailed.checks.broken).toMatchObject({ status: 'fail', detail: 'cannot reach it at 10.0.0.7' });
    expect(detailed.checks.avito).toMatchObject({ expiresAt: '2026-12-07T08:42:58.916Z' });
    service.readiness.add('broken', async () => ({ status: 'ok' }));
    service.readiness.add('avito', async () => ({ status: 'disabled', detail: 'not configured' }));
  });

  it('when /metrics is asked without or with the admin token, then only the token gets Prometheus text', async () => {
    expect((await fetch(`${service.http.url}/metrics`)).status).toBe(401);
    const res = await fetch(`${service.http.url}/metrics`, {
      headers: { authorization: 'Bearer admin-token-123456' },
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('http_requests_total');
  });

  it('when a route is unknown, then a JSON 404 comes back with a request id header', async () => {
    const res = await fetch(`${service.http.url}/nope`, { headers: { 'x-request-id': 'abc-123' } });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-request-id')).toBe('abc-123');
    expect(await res.json()).toEqual({ error: 'not_found' });
  });
});

describe('HTTP hardening', () => {
  it('when any route answers, then helmet-style headers are set and HSTS only for https', async () => {
    const { createHttpApp } = await import('../../src/http/app.js');
    const { createMetrics } = await import('../../src/http/metrics.js');
    const { Readiness } = await import('../../src/http/readiness.js');
    const { startHttpServer } = await import('../../src/http/server.js');
    for (const https of [false, true]) {
      const app = createHttpApp({
        logger: createLogger({ level: 'silent' }),
        readiness: new Readiness(),
        metrics: createMetrics(),
        https,
      });
      const http = await startHttpServer(app, 0, '127.0.0.1');
      const res = await fetch(`${http.url}/nope`);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(res.headers.get('x-powered-by')).toBeNull();
      expect(res.headers.get('strict-transport-security') !== null).toBe(https);
      await http.close();
    }
  });

  it('when there is no ADMIN_TOKEN, then /metrics and the details of /ready are for loopback clients only', async () => {
    const { createHttpApp } = await import('../../src/http/app.js');
    const { createMetrics } = await import('../../src/http/metrics.js');
    const { Readiness } = await import('../../src/http/readiness.js');
    const { startHttpServer } = await import('../../src/http/server.js');
    const readiness = new Readiness();
    readiness.add('gemini', async () => ({
      status: 'degraded',
      store: 'fileSearchStores/shop-1',
      detail: 'quota',
    }));
    const app = createHttpApp({
      logger: createLogger({ level: 'silent' }),
      readiness,
      metrics: createMetrics(),
    });
    const http = await startHttpServer(app, 0, '127.0.0.1');
    // A request from the internet through a reverse proxy on this host carries the client's address.
    const remote = { 'x-forwarded-for': '203.0.113.9' };

    const refused = await fetch(`${http.url}/metrics`, { headers: remote });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({
      error: 'forbidden',
      reason: expect.stringContaining('ADMIN_TOKEN'),
    });
    const local = await fetch(`${http.url}/metrics`);
    expect(local.status).toBe(200);
    expect(await local.text()).toContain('process_cpu_user_seconds_total');

    expect(await (await fetch(`${http.url}/ready`, { headers: remote })).json()).toEqual({
      status: 'ok',
      checks: { gemini: { status: 'degraded' } },
    });
    expect(await (await fetch(`${http.url}/ready`)).json()).toMatchObject({
      checks: { gemini: { status: 'degraded', store: 'fileSearchStores/shop-1', detail: 'quota' } },
    });
    await http.close();
  });

  it('when one client IP exceeds the per-minute budget, then it gets 429 while loopback and /health are exempt', async () => {
    const { createHttpApp } = await import('../../src/http/app.js');
    const { createMetrics } = await import('../../src/http/metrics.js');
    const { Readiness } = await import('../../src/http/readiness.js');
    const { startHttpServer } = await import('../../src/http/server.js');
    const app = createHttpApp({
      logger: createLogger({ level: 'silent' }),
      readiness: new Readiness(),
      metrics: createMetrics(),
      rateLimitPerMinute: 3,
    });
    const http = await startHttpServer(app, 0, '127.0.0.1');
    // A reverse proxy on this host reports the client's address; that address is what counts.
    const asClient = (path: string, ip: string) =>
      fetch(`${http.url}${path}`, { headers: { 'x-forwarded-for': ip } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await asClient('/ready', '203.0.113.7')).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect((await asClient('/ready', '203.0.113.8')).status).toBe(200);
    expect((await asClient('/health', '203.0.113.7')).status).toBe(200);
    for (let i = 0; i < 5; i += 1) expect((await fetch(`${http.url}/ready`)).status).toBe(200);
    await http.close();
  });
});
