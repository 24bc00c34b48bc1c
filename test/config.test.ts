import { resolve } from 'node:path';
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
    // The seller's own folder, not the project's documentation (docs/).
    expect(config.docsDir).toBe(resolve('knowledge'));
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

  it('when SUPPORT_THRESHOLD is unset, set or out of range, then it defaults to 0.7, is read, or is refused with what it expects', () => {
    expect(loadConfig({}).responder.supportThreshold).toBe(0.7);
    expect(loadConfig({ SUPPORT_THRESHOLD: '0.5' }).responder.supportThreshold).toBe(0.5);
    expect(problemsOf({ SUPPORT_THRESHOLD: '70' })).toEqual([
      'SUPPORT_THRESHOLD: expected a share from 0 to 1, like 0.7, got "70"',
    ]);
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
      OPENAI_API_KEY: 'sk-openai-key-123',
      ANTHROPIC_API_KEY: 'sk-ant-key-123',
      ADMIN_TOKEN: 'admin-token-123456',
      AVITO_WEBHOOK_SECRET: 'w'.repeat(32),
    });
    expect(secretsOf(config).sort()).toEqual(
      [
        'avito-client-secret',
        '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ',
        '654321:BUYERBOTTOKENBUYERBOTTOKEN',
        'gemini-key-123',
        'sk-openai-key-123',
        'sk-ant-key-123',
        'admin-token-123456',
        'w'.repeat(32),
      ].sort(),
    );
  });

  describe('buyers beyond Avito', () => {
    it('when nothing is set, then there is no buyer bot and Avito conversations are kept', () => {
      const config = loadConfig({});
      expect(config.telegramBuyer).toEqual({ token: undefined, enabled: false });
      expect(config.avitoRetentionDays).toBeUndefined();
    });

    it('when the buyer bot and Avito retention are set, then they are read', () => {
      const config = loadConfig({
        TELEGRAM_BUYER_BOT_TOKEN: '654321:BUYERBOTTOKENBUYERBOTTOKEN',
        RETENTION_DAYS: '365',
      });
      expect(config.telegramBuyer).toEqual({ token: '654321:BUYERBOTTOKENBUYERBOTTOKEN', enabled: true });
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

  describe('model providers', () => {
    it('when LLM_PROVIDERS is unset, then Gemini answers when its key is set, else no model does', () => {
      expect(loadConfig({}).llm).toEqual({ providers: [], timeoutMs: 30_000, embeddings: null });
      const gemini = loadConfig({ GEMINI_API_KEY: 'AIzaSyTEST' });
      expect(gemini.llm.providers).toEqual(['gemini']);
      expect(gemini.gemini.enabled).toBe(true);
      const none = loadConfig({ GEMINI_API_KEY: 'AIzaSyTEST', LLM_PROVIDERS: 'none' });
      expect(none.llm.providers).toEqual([]);
      expect(none.gemini.enabled).toBe(false);
    });

    it('when providers are listed with their keys, then order, models, fallbacks and base URLs are kept', () => {
      const config = loadConfig({
        LLM_PROVIDERS: ' OpenAI, anthropic ,gemini',
        OPENAI_API_KEY: 'sk-1',
        OPENAI_BASE_URL: 'https://openrouter.ai/api/v1/',
        OPENAI_MODEL: 'deepseek/deepseek-chat',
        OPENAI_FALLBACK_MODELS: 'openai/gpt-4o-mini, ',
        ANTHROPIC_API_KEY: 'sk-ant-1',
        GEMINI_API_KEY: 'AIza',
        LLM_TIMEOUT_SECONDS: '90',
      });
      expect(config.llm).toEqual({
        providers: ['openai', 'anthropic', 'gemini'],
        timeoutMs: 90_000,
        embeddings: 'openai',
      });
      expect(config.openai).toMatchObject({
        enabled: true,
        baseUrl: 'https://openrouter.ai/api/v1',
        model: 'deepseek/deepseek-chat',
        fallbackModels: ['openai/gpt-4o-mini'],
        embeddingModel: 'text-embedding-3-small',
      });
      expect(config.anthropic).toMatchObject({
        enabled: true,
        model: 'claude-haiku-4-5',
        baseUrl: undefined,
      });
    });

    it('when a provider is listed without its key, then start-up fails naming the key', () => {
      expect(problemsOf({ LLM_PROVIDERS: 'openai' })).toEqual([
        'OPENAI_API_KEY: required when LLM_PROVIDERS includes openai',
      ]);
      expect(problemsOf({ LLM_PROVIDERS: 'gemini,anthropic', GEMINI_API_KEY: 'AIza' })).toEqual([
        'ANTHROPIC_API_KEY: required when LLM_PROVIDERS includes anthropic',
      ]);
    });

    it('when the list names an unknown or repeated provider, then each problem is one line', () => {
      const problems = problemsOf({ LLM_PROVIDERS: 'openai,mistral,openai', OPENAI_API_KEY: 'sk-1' });
      expect(problems).toEqual([
        'LLM_PROVIDERS: unknown provider "mistral", expected a comma-separated list of gemini, openai, anthropic (or none)',
        'LLM_PROVIDERS: openai is listed twice',
      ]);
    });

    it('when EMBEDDINGS names a provider without its key or a bad URL is given, then that is said', () => {
      expect(problemsOf({ EMBEDDINGS: 'gemini' })).toEqual([
        'GEMINI_API_KEY: required when EMBEDDINGS is gemini',
      ]);
      const problems = problemsOf({ OPENAI_BASE_URL: 'localhost:11434', EMBEDDINGS: 'sometimes' });
      expect(problems).toHaveLength(2);
      expect(problems.find((p) => p.startsWith('OPENAI_BASE_URL:'))).toMatch(/OpenAI-compatible/);
      expect(problems.find((p) => p.startsWith('EMBEDDINGS:'))).toMatch(/"off"/);
    });

    it('when EMBEDDINGS is auto, then the first listed provider that embeds is used, and only for providers that need it', () => {
      const keys = { OPENAI_API_KEY: 'sk', ANTHROPIC_API_KEY: 'sk-ant', GEMINI_API_KEY: 'AIza' };
      const embeddings = (providers: string) =>
        loadConfig({ ...keys, LLM_PROVIDERS: providers }).llm.embeddings;
      expect(embeddings('anthropic,openai')).toBe('openai');
      expect(embeddings('gemini,anthropic')).toBe('gemini');
      expect(embeddings('anthropic')).toBeNull();
      // Gemini retrieves with File Search itself: no vectors needed.
      expect(embeddings('gemini')).toBeNull();
      expect(loadConfig({ ...keys, LLM_PROVIDERS: 'openai', EMBEDDINGS: 'off' }).llm.embeddings).toBeNull();
    });
  });

  it('when nothing about the widget is set, then it is off, conversations last 30 days and the colour has a default', () => {
    const config = loadConfig({});
    expect(config.widget).toEqual({
      origins: [],
      color: '#2f6fed',
      title: undefined,
      locale: 'ru',
      enabled: false,
    });
    expect(config.contextTtlDays).toBe(30);
    expect(config.consent).toEqual({ text: undefined, privacyPolicyUrl: undefined });
  });

  it('when WIDGET_ORIGINS lists sites, then the widget is on for exactly those origins', () => {
    const config = loadConfig({
      WIDGET_ORIGINS: 'https://Shop.Example.com/, http://localhost:8080,https://shop.example.com',
      WIDGET_COLOR: '#ff6600',
      WIDGET_TITLE: 'Мебель на заказ',
      WIDGET_LOCALE: 'en',
      CONTEXT_TTL_DAYS: '7',
      CONSENT_TEXT: 'Согласие ИП Иванова',
      PRIVACY_POLICY_URL: 'https://shop.example.com/privacy',
    });
    expect(config.widget).toEqual({
      origins: ['https://shop.example.com', 'http://localhost:8080'],
      color: '#ff6600',
      title: 'Мебель на заказ',
      locale: 'en',
      enabled: true,
    });
    expect(config.contextTtlDays).toBe(7);
    expect(config.consent).toEqual({
      text: 'Согласие ИП Иванова',
      privacyPolicyUrl: 'https://shop.example.com/privacy',
    });
  });

  it('when a widget variable is wrong, then each is named once with what it expects', () => {
    const problems = problemsOf({
      WIDGET_ORIGINS: 'https://shop.example.com/catalog',
      WIDGET_COLOR: 'red',
      WIDGET_LOCALE: 'de',
      CONTEXT_TTL_DAYS: '0',
      PRIVACY_POLICY_URL: 'http://shop.example.com/privacy',
    });
    expect(problems).toHaveLength(5);
    expect(problems.find((p) => p.startsWith('WIDGET_ORIGINS:'))).toMatch(/no path/);
    expect(problems.find((p) => p.startsWith('WIDGET_COLOR:'))).toMatch(/hex colour/);
    expect(problems.find((p) => p.startsWith('WIDGET_LOCALE:'))).toMatch(/"ru" or "en"/);
    expect(problems.find((p) => p.startsWith('CONTEXT_TTL_DAYS:'))).toMatch(/integer from 1 to 3650/);
    expect(problems.find((p) => p.startsWith('PRIVACY_POLICY_URL:'))).toMatch(/https/);
    for (const origin of [
      '*',
      'https://*.example.com',
      'shop.example.com',
      'ftp://shop.example.com',
      'https://shop.example.com?x=1',
    ]) {
      expect(problemsOf({ WIDGET_ORIGINS: origin }), origin).toHaveLength(1);
    }
  });
});
