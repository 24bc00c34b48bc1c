import { describe, expect, it } from 'vitest';
import { amoCrmSecrets, parseAmoCrmConfig } from '../../../src/integrations/amocrm/config.js';
import { ConfigError } from '../../../src/lib/env.js';

function problems(env: Record<string, string>): string[] {
  try {
    parseAmoCrmConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('amoCRM config', () => {
  it('when nothing (or only blanks) is set, then amoCRM is off', () => {
    expect(parseAmoCrmConfig({})).toEqual({ enabled: false });
    expect(parseAmoCrmConfig({ AMOCRM_BASE_URL: ' ', AMOCRM_ACCESS_TOKEN: '' })).toEqual({ enabled: false });
  });

  it('when a base URL and a long-lived token are set, then it is on with that token', () => {
    const config = parseAmoCrmConfig({
      AMOCRM_BASE_URL: 'https://shop.amocrm.ru/',
      AMOCRM_ACCESS_TOKEN: 'eyJ0eXAi.long.lived',
      AMOCRM_PIPELINE_ID: '7000001',
    });
    expect(config).toEqual({
      enabled: true,
      baseUrl: 'https://shop.amocrm.ru',
      auth: { kind: 'long-lived', token: 'eyJ0eXAi.long.lived' },
      pipelineId: 7_000_001,
      leadIdFieldId: undefined,
      webhookSecret: undefined,
    });
    expect(amoCrmSecrets(config)).toEqual(['eyJ0eXAi.long.lived']);
  });

  it('when the OAuth trio is set, then it is on with OAuth', () => {
    const config = parseAmoCrmConfig({
      AMOCRM_BASE_URL: 'http://127.0.0.1:8084',
      AMOCRM_CLIENT_ID: 'client',
      AMOCRM_CLIENT_SECRET: 'secret-value',
      AMOCRM_REDIRECT_URI: 'https://bot.example.com/amocrm/oauth',
    });
    expect(config).toMatchObject({
      enabled: true,
      auth: { kind: 'oauth', clientId: 'client', redirectUri: 'https://bot.example.com/amocrm/oauth' },
    });
  });

  it('when values are malformed, then each bad variable gets one line and secrets are not echoed', () => {
    const lines = problems({
      AMOCRM_BASE_URL: 'http://shop.amocrm.ru',
      AMOCRM_ACCESS_TOKEN: 'x',
      AMOCRM_PIPELINE_ID: 'main',
      AMOCRM_LEAD_ID_FIELD_ID: '-5',
    });
    expect(lines).toEqual([
      'AMOCRM_BASE_URL: expected an https URL, e.g. https://example.amocrm.ru (http only for localhost), got "http://shop.amocrm.ru"',
      'AMOCRM_PIPELINE_ID: expected the numeric id of the amoCRM pipeline new deals go to, got "main"',
      'AMOCRM_LEAD_ID_FIELD_ID: expected the numeric id of the lead text field that holds our lead id, got "-5"',
    ]);
  });

  it('when the settings do not add up, then the problem names the variables to fix', () => {
    expect(problems({ AMOCRM_BASE_URL: 'https://shop.amocrm.ru' })).toEqual([
      'AMOCRM_ACCESS_TOKEN: expected a long-lived token (or the OAuth trio) when AMOCRM_BASE_URL is set',
    ]);
    expect(problems({ AMOCRM_ACCESS_TOKEN: 'token' })).toEqual([
      "AMOCRM_BASE_URL: expected the account's https://<subdomain>.amocrm.ru when amoCRM credentials are set",
    ]);
    expect(problems({ AMOCRM_BASE_URL: 'https://shop.amocrm.ru', AMOCRM_CLIENT_ID: 'c' })).toEqual([
      'AMOCRM_CLIENT_ID / AMOCRM_CLIENT_SECRET / AMOCRM_REDIRECT_URI: set all three for OAuth, or none',
    ]);
    const both = problems({
      AMOCRM_BASE_URL: 'https://shop.amocrm.ru',
      AMOCRM_ACCESS_TOKEN: 't',
      AMOCRM_CLIENT_ID: 'c',
      AMOCRM_CLIENT_SECRET: 's',
      AMOCRM_REDIRECT_URI: 'https://bot.example.com/r',
    });
    expect(both).toEqual([
      'AMOCRM_ACCESS_TOKEN: set either the long-lived token or the OAuth trio, not both',
    ]);
  });
});
