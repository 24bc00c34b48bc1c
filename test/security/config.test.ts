import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, secretsOf } from '../../src/config.js';
import { base64Key, hexKey } from './helpers.js';

const load = (env: Record<string, string>) => loadConfig({ DATA_DIR: '/tmp/cfg', ...env });

describe('DATA_ENCRYPTION_KEY configuration', () => {
  it('when keys are given as hex and base64, then both are accepted and are secrets for log scrubbing', () => {
    const key = base64Key();
    const previous = hexKey();
    const config = load({ DATA_ENCRYPTION_KEY: key, DATA_ENCRYPTION_KEY_PREVIOUS: previous });
    expect(config.storage.encryption).toEqual({ key, previousKey: previous });
    expect(secretsOf(config)).toEqual(expect.arrayContaining([key, previous]));
  });

  it('when no key is set (or blank), then encryption is off', () => {
    expect(load({}).storage.encryption).toBeUndefined();
    expect(load({ DATA_ENCRYPTION_KEY: ' ' }).storage.encryption).toBeUndefined();
  });

  it('when a key is not 32 bytes, then the error says what is expected and never echoes the value', () => {
    const short = Buffer.alloc(16, 7).toString('base64');
    const error = (() => {
      try {
        load({ DATA_ENCRYPTION_KEY: short, DATA_ENCRYPTION_KEY_PREVIOUS: 'abc' });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain(
      'DATA_ENCRYPTION_KEY: expected exactly 32 bytes as 64 hex characters or base64',
    );
    expect(message).toContain('DATA_ENCRYPTION_KEY_PREVIOUS: expected exactly 32 bytes');
    expect(message).not.toContain(short);
  });
});
