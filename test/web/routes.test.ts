import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WidgetSettings } from '../../src/web/protocol.js';
import { standInResponder, startWidgetHarness, type WidgetHarness } from '../support/widget.js';

const SITE = 'https://shop.example.com';

describe('widget HTTP routes (component: the real HTTP app)', () => {
  let harness: WidgetHarness;

  beforeAll(async () => {
    harness = await startWidgetHarness({
      origins: [SITE],
      consentText: 'Согласие ИП Иванова',
      privacyPolicyUrl: `${SITE}/privacy`,
      inbound: (web, store) => standInResponder(store, web.channel),
    });
  });
  afterAll(() => harness.close());

  it('when a site loads widget.js, then any page may load it (cross-origin), gzipped, revalidated by its tag', async () => {
    const res = await fetch(`${harness.url}/widget.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/javascript/);
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(res.headers.get('content-encoding')).toBe('gzip');
    const body = await res.text(); // fetch decompresses
    expect(body).toContain('/widget/settings');
    expect(harness.web.scriptSize.gzipBytes).toBeLessThan(25 * 1024);
    const plain = await fetch(`${harness.url}/widget.js`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toBe(body);
    const again = await fetch(`${harness.url}/widget.js`, {
      headers: { 'if-none-match': res.headers.get('etag')! },
    });
    expect(again.status).toBe(304);
  });

  it('when an allowed site asks for the settings, then CORS lets it read them; another site gets 403', async () => {
    const ok = await fetch(`${harness.url}/widget/settings`, { headers: { origin: SITE } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(SITE);
    expect(ok.headers.get('vary')).toMatch(/Origin/);
    const settings = (await ok.json()) as WidgetSettings;
    expect(settings).toMatchObject({
      locale: 'ru',
      title: 'Чат с продавцом',
      color: '#2f6fed',
      consentText: 'Согласие ИП Иванова',
      privacyPolicyUrl: `${SITE}/privacy`,
      maxLength: 2000,
    });
    expect(settings.texts.greeting).toMatch(/[а-я]/);

    const refused = await fetch(`${harness.url}/widget/settings`, {
      headers: { origin: 'https://evil.example.net' },
    });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    expect(await refused.json()).toMatchObject({ error: 'origin_not_allowed' });
    const preflight = await fetch(`${harness.url}/widget/settings`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example.net', 'access-control-request-method': 'GET' },
    });
    expect(preflight.status).toBe(403);
  });

  it('when the settings are asked in English, then the English texts come; an unknown locale is a 400', async () => {
    const en = (await (await fetch(`${harness.url}/widget/settings?locale=en`)).json()) as WidgetSettings;
    expect(en.locale).toBe('en');
    expect(en.texts.send).toBe('Send');
    expect((await fetch(`${harness.url}/widget/settings?locale=de`)).status).toBe(400);
  });

  it('when the demo page is opened at an allowed address, then it embeds the script; elsewhere it is a 404 that says why', async () => {
    const res = await fetch(`${harness.url}/widget/demo?locale=en&listing=123456`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    const html = await res.text();
    expect(html).toContain(
      '<script src="../widget.js" data-locale="en" data-listing="123456" async></script>',
    );

    // The same server reached under another name is another origin, not in WIDGET_ORIGINS.
    const other = await fetch(`${harness.url.replace('127.0.0.1', 'localhost')}/widget/demo`);
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ reason: expect.stringMatching(/WIDGET_ORIGINS/) });
    expect((await fetch(`${harness.url}/widget/demo?listing=<script>`)).status).toBe(400);
  });
});
