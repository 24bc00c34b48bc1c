import { describe, expect, it } from 'vitest';
import { parseYooKassaConfig, yooKassaSecrets } from '../../../src/integrations/payments/config.js';
import { ConfigError } from '../../../src/lib/env.js';

function problems(env: Record<string, string>): string[] {
  try {
    parseYooKassaConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('YooKassa config', () => {
  it('when nothing is set, then payments are off', () => {
    expect(parseYooKassaConfig({})).toEqual({ enabled: false });
    expect(parseYooKassaConfig({ YOOKASSA_SHOP_ID: '', YOOKASSA_RECEIPTS: '' })).toEqual({ enabled: false });
  });

  it('when the shop is set, then defaults are YooKassa’s API, no receipts, its published ranges and loopback proxies', () => {
    const config = parseYooKassaConfig({ YOOKASSA_SHOP_ID: '123456', YOOKASSA_SECRET_KEY: 'live_secret' });
    if (!config.enabled) throw new Error('expected enabled');
    expect(config).toMatchObject({
      shopId: '123456',
      apiBase: 'https://api.yookassa.ru/v3',
      receipts: false,
      vatCode: 1,
    });
    expect(config.allowlist.has('185.71.76.10')).toBe(true);
    expect(config.allowlist.has('127.0.0.1')).toBe(false);
    expect(config.trustedProxies.has('127.0.0.1')).toBe(true);
    expect(yooKassaSecrets(config)).toEqual(['live_secret']);
  });

  it('when the allowlist and proxies are overridden, then only those are trusted', () => {
    const config = parseYooKassaConfig({
      YOOKASSA_SHOP_ID: '1',
      YOOKASSA_SECRET_KEY: 'test_x',
      YOOKASSA_API_BASE: 'http://127.0.0.1:8085/v3/',
      YOOKASSA_RECEIPTS: 'true',
      YOOKASSA_NOTIFICATION_ALLOWLIST: '127.0.0.2, ::1',
      YOOKASSA_TRUSTED_PROXIES: '10.0.0.0/8',
    });
    if (!config.enabled) throw new Error('expected enabled');
    expect(config.apiBase).toBe('http://127.0.0.1:8085/v3');
    expect(config.receipts).toBe(true);
    expect(config.allowlist.has('127.0.0.2')).toBe(true);
    expect(config.allowlist.has('185.71.76.10')).toBe(false);
    expect(config.trustedProxies.has('127.0.0.1')).toBe(false);
  });

  it('when values are malformed, then each variable gets one line and the secret is not echoed', () => {
    expect(
      problems({
        YOOKASSA_SHOP_ID: 'shop',
        YOOKASSA_SECRET_KEY: 'x',
        YOOKASSA_API_BASE: 'http://api.yookassa.ru/v3',
        YOOKASSA_RECEIPTS: 'maybe',
        YOOKASSA_NOTIFICATION_ALLOWLIST: '185.71.76.0/33',
      }),
    ).toEqual([
      'YOOKASSA_SHOP_ID: expected the numeric shopId from the YooKassa cabinet, got "shop"',
      'YOOKASSA_API_BASE: expected an https URL, e.g. https://api.yookassa.ru/v3 (http only for localhost), got "http://api.yookassa.ru/v3"',
      'YOOKASSA_RECEIPTS: expected true or false, got "maybe"',
      'YOOKASSA_NOTIFICATION_ALLOWLIST: expected IP addresses or CIDR ranges, comma-separated (e.g. 185.71.76.0/27,2a02:5180::/32), got "185.71.76.0/33"',
    ]);
    expect(problems({ YOOKASSA_SHOP_ID: '1' })).toEqual([
      'YOOKASSA_SHOP_ID / YOOKASSA_SECRET_KEY: set both or neither',
    ]);
  });
});
