import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, secretsOf } from '../src/config.js';

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
};

describe('config', () => {
  it('when the environment is empty, then defaults give an embedded-store service with integrations off', () => {
    const config = loadConfig({});
    expect(config.http.port).toBe(3000);
    expect(config.storage.kind).toBe('sqlite');
    expect(config.storage.kind === 'sqlite' && config.storage.path).toMatch(/data\/avito-responder\.sqlite$/);
    expect(config.avito.enabled).toBe(false);
    expect(config.telegram.enabled).toBe(false);
    expect(config.gemini.enabled).toBe(false);
    expect(config.responder).toMatchObject({
      mode: 'review',
      contextMessages: 20,
      debounceSeconds: 8,
      humanPauseMinutes: 60,
    });
    expect(config.responder.fallbackText).toMatch(/[а-я]/);
    expect(config.locale).toBe('ru');
  });

  it('when optional integrations are set, then they switch modes instead of failing', () => {
    const config = loadConfig({
      MONGODB_URI: 'mongodb://localhost:27017/avito',
      GEMINI_API_KEY: 'AIzaSyTEST',
      PUBLIC_URL: 'https://bot.example.com/',
      TELEGRAM_BOT_TOKEN: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ',
      TELEGRAM_OWNER_IDS: '111, 222',
      GEMINI_FALLBACK_MODELS: 'a,b,,c',
    });
    expect(config.storage).toEqual({ kind: 'mongo', uri: 'mongodb://localhost:27017/avito' });
    expect(config.gemini.enabled).toBe(true);
    expect(config.http.publicUrl).toBe('https://bot.example.com');
    expect(config.telegram.ownerIds).toEqual(['111', '222']);
    expect(config.telegram.notifyChatId).toBe('111');
    expect(config.gemini.fallbackModels).toEqual(['a', 'b', 'c']);
  });

  it('when several variables are wrong, then each is named once with what it expects', () => {
    const problems = problemsOf({
      PORT: 'abc',
      MODE: 'sometimes',
      CONTEXT_MESSAGES: '-1',
      PUBLIC_URL: 'http://x.y',
    });
    expect(problems).toHaveLength(4);
    expect(problems).toContain('PORT: expected an integer from 0 to 65535, got "abc"');
    expect(problems.find((p) => p.startsWith('MODE:'))).toMatch(/"auto" or "review"/);
    expect(problems.find((p) => p.startsWith('CONTEXT_MESSAGES:'))).toMatch(/integer from 1 to 200/);
    expect(problems.find((p) => p.startsWith('PUBLIC_URL:'))).toMatch(/https/);
  });

  it('when a secret variable is malformed, then its value is not echoed', () => {
    const problems = problemsOf({ AVITO_WEBHOOK_SECRET: 'short secret!' });
    expect(problems[0]).toMatch(/^AVITO_WEBHOOK_SECRET:/);
    expect(problems.join()).not.toContain('short secret!');
  });

  it('when credentials come half or a bot has no owner, then the pairing is explained', () => {
    expect(problemsOf({ AVITO_CLIENT_ID: 'id' })).toEqual([
      'AVITO_CLIENT_ID / AVITO_CLIENT_SECRET: set both or neither',
    ]);
    expect(problemsOf({ TELEGRAM_BOT_TOKEN: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ' })[0]).toMatch(
      /^TELEGRAM_OWNER_IDS/,
    );
  });

  it('when blank values are given (a copied .env.example), then they count as unset', () => {
    const config = loadConfig({ PORT: '', MONGODB_URI: ' ', GEMINI_API_KEY: '' });
    expect(config.http.port).toBe(3000);
    expect(config.storage.kind).toBe('sqlite');
    expect(config.gemini.enabled).toBe(false);
  });

  it('when secrets are configured, then secretsOf lists every one of them', () => {
    const config = loadConfig({
      AVITO_CLIENT_ID: 'id',
      AVITO_CLIENT_SECRET: 'avito-client-secret',
      TELEGRAM_BOT_TOKEN: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ',
      TELEGRAM_OWNER_IDS: '1',
      TELEGRAM_BUYER_BOT_TOKEN: '654321:BUYERBOTTOKENBUYERBOTTOKEN',
      GEMINI_API_KEY: 'gemini-key-123',
      ADMIN_TOKEN: 'admin-token-123456',
      AVITO_WEBHOOK_SECRET: 'w'.repeat(32),
    });
    expect(secretsOf(config).sort()).toEqual(
      [
        'avito-client-secret',
        '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ',
        '654321:BUYERBOTTOKENBUYERBOTTOKEN',
        'gemini-key-123',
        'admin-token-123456',
        'w'.repeat(32),
      ].sort(),
    );
  });

  describe('buyers beyond Avito', () => {
    it('when nothing is set, then there is no buyer bot, the default consent text, 30 days of context and Avito kept', () => {
      const config = loadConfig({});
      expect(config.telegramBuyer).toEqual({ token: undefined, enabled: false });
      expect(config.consent).toEqual({ text: undefined, privacyPolicyUrl: undefined });
      expect(config.contextTtlDays).toBe(30);
      expect(config.avitoRetentionDays).toBeUndefined();
    });

    it('when the buyer bot, consent and retention are set, then they are read', () => {
      const config = loadConfig({
        TELEGRAM_BUYER_BOT_TOKEN: '654321:BUYERBOTTOKENBUYERBOTTOKEN',
        CONSENT_TEXT: '  Я согласен на обработку.  ',
        PRIVACY_POLICY_URL: 'https://shop.example/privacy/',
        CONTEXT_TTL_DAYS: '7',
        RETENTION_DAYS: '365',
      });
      expect(config.telegramBuyer).toEqual({ token: '654321:BUYERBOTTOKENBUYERBOTTOKEN', enabled: true });
      expect(config.consent).toEqual({
        text: 'Я согласен на обработку.',
        privacyPolicyUrl: 'https://shop.example/privacy',
      });
      expect(config.contextTtlDays).toBe(7);
      expect(config.avitoRetentionDays).toBe(365);
    });

    it('when the buyer bot token is the owner bot token, or the days are out of range, then each is named', () => {
      const token = '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ';
      expect(() =>
        loadConfig({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_OWNER_IDS: '1', TELEGRAM_BUYER_BOT_TOKEN: token }),
      ).toThrow(/TELEGRAM_BUYER_BOT_TOKEN: expected a second bot/);
      let error: unknown;
      try {
        loadConfig({ TELEGRAM_BUYER_BOT_TOKEN: 'nope', CONTEXT_TTL_DAYS: '0', RETENTION_DAYS: '1.5' });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toMatch(/TELEGRAM_BUYER_BOT_TOKEN: expected a bot token/);
      expect(problems).toMatch(/CONTEXT_TTL_DAYS: expected an integer from 1 to 3650/);
      expect(problems).toMatch(/RETENTION_DAYS: expected a whole number of days/);
    });
  });
});
