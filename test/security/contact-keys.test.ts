import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { contactKey, contactKeysOf, normaliseContact } from '../../src/security/contact-keys.js';
import { dataKey } from '../../src/security/keys.js';

const key = dataKey(randomBytes(32).toString('hex'));
const other = dataKey(randomBytes(32).toString('hex'));

describe('contact lookup keys', () => {
  it('when an e-mail is written in another case or with its domain in punycode, then it has the same key', () => {
    expect(normaliseContact('email', ' Ivan@Mail.RU ')).toBe('ivan@mail.ru');
    expect(contactKey('email', 'Иван@Почта.рф', key)).toBe(
      contactKey('email', 'иван@xn--80a1acny.xn--p1ai', key),
    );
    expect(contactKey('phone', '+7 916 123-45-67', key)).toBe(contactKey('phone', '+79161234567', key));
  });

  it('when keys are computed, then they depend on the data key and never contain the value', () => {
    const keyed = contactKey('phone', '+79161234567', key)!;
    expect(keyed).toMatch(/^phone:[0-9a-f]{64}$/);
    expect(keyed).not.toContain('9161234567');
    expect(contactKey('phone', '+79161234567', other)).not.toBe(keyed);
    expect(contactKey('phone', '+79161234567', undefined)).not.toBe(keyed);
    expect(contactKey('email', '+79161234567', key)).toBeNull();
  });

  it('when a contact is keyed under several keys, then each key gives its own and sealed values are skipped', () => {
    const keys = contactKeysOf({ phone: '+79161234567', email: 'a@b.ru' }, [key, undefined]);
    expect(keys).toHaveLength(4);
    expect(contactKeysOf({ phone: 'enc:v1:abcd1234:x:y:z', email: null }, [key])).toEqual([]);
  });
});
