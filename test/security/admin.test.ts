import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_CSP, SESSION_COOKIE, sessionValue } from '../../src/http/admin.js';
import { startTestService, type TestService } from '../support/service.js';

const TOKEN = 'admin-token-0123456789';

describe('admin routes with ADMIN_TOKEN', () => {
  let svc: TestService;
  beforeAll(async () => {
    svc = await startTestService({ ADMIN_TOKEN: TOKEN });
  });
  afterAll(() => svc.dispose());

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${svc.http.url}${path}`, { headers, redirect: 'manual' });
  const bearer = { authorization: `Bearer ${TOKEN}` };

  it('when no or a wrong credential is sent, then every admin path answers 401 and no dashboard', async () => {
    for (const path of ['/admin/jobs/', '/admin/jobs/api/stats', '/admin/anything']) {
      expect((await get(path)).status).toBe(401);
      expect((await get(path, { authorization: `Bearer ${TOKEN}x` })).status).toBe(401);
      expect((await get(path, { cookie: `${SESSION_COOKIE}=${TOKEN}` })).status).toBe(401);
      expect((await get(`${path}?token=${TOKEN.slice(0, -1)}`)).status).toBe(401);
    }
  });

  it('when the Bearer token is sent, then the agendash page and its API answer, with the relaxed CSP only there', async () => {
    const page = await get('/admin/jobs/', bearer);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toBe(DASHBOARD_CSP);
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    const html = await page.text();
    const asset = html.match(/src="\.\/(assets\/[^"]+\.js)"/)?.[1];
    expect(asset).toBeDefined();
    const script = await get(`/admin/jobs/${asset}`, bearer);
    expect(script.status).toBe(200);

    const stats = await get('/admin/jobs/api/stats', bearer);
    expect(stats.status).toBe(200);
    expect(stats.headers.get('content-security-policy')).toBe(DASHBOARD_CSP);
    const jobs = (await (await get('/admin/jobs/api?limit=50', bearer)).json()) as { overview: unknown[] };
    expect(Array.isArray(jobs.overview)).toBe(true);

    // Everywhere else the API's strict policy stays.
    expect((await get('/health')).headers.get('content-security-policy')).toBe(
      "default-src 'none'; frame-ancestors 'none'",
    );
  });

  it('when /admin/jobs has no trailing slash, then it redirects so the page assets resolve', async () => {
    const res = await get('/admin/jobs', bearer);
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/admin/jobs/');
  });

  it('when the browser opens ?token= once, then it gets an HttpOnly SameSite=Strict cookie and a URL without the token', async () => {
    const res = await get(`/admin/jobs/?token=${TOKEN}&state=failed`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/jobs/?state=failed');
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(new RegExp(`^${SESSION_COOKIE}=${sessionValue(TOKEN)};`));
    expect(setCookie).toContain('Path=/admin');
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');
    expect(setCookie).not.toContain(TOKEN);

    const cookie = `${SESSION_COOKIE}=${sessionValue(TOKEN)}`;
    expect((await get('/admin/jobs/', { cookie })).status).toBe(200);
    // The session is for the dashboard only; /metrics wants the token itself.
    expect((await get('/metrics', { cookie })).status).toBe(401);
  });
});

describe('admin routes without ADMIN_TOKEN', () => {
  it('when ADMIN_TOKEN is not set, then /admin paths are the plain JSON 404 even with a token', async () => {
    const svc = await startTestService();
    try {
      for (const path of ['/admin/jobs/', `/admin/jobs/?token=${TOKEN}`, '/admin/jobs/api/stats']) {
        const res = await fetch(`${svc.http.url}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
        expect(res.status).toBe(404);
        expect(await res.json()).toEqual({ error: 'not_found' });
      }
    } finally {
      await svc.dispose();
    }
  });
});
