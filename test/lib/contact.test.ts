import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contactOf, normalizeEmail, phoneToE164 } from '../../src/lib/contact.js';

describe('a buyer contact as typed', () => {
  it('when a Russian phone is typed in any common form, then it becomes E.164', () => {
    for (const typed of [
      '+7 912 345-67-89',
      '8 (912) 345-67-89',
      '89123456789',
      '79123456789',
      '9123456789',
      '+7(912)3456789',
      ' 8-912-345-67-89 ',
      '8.912.345.67.89',
    ]) {
      expect(phoneToE164(typed), typed).toBe('+79123456789');
    }
    expect(phoneToE164('(495) 123-45-67')).toBe('+74951234567');
    expect(phoneToE164('8 800 555-35-35')).toBe('+78005553535');
  });

  it('when a number is not a phone, then it is refused rather than guessed', () => {
    for (const typed of [
      '12345',
      '+7 912 345-67',
      '8 (112) 345-67-89',
      '+7 123 456 78 90',
      '912-345-67-89-00',
      'звоните',
      '+7 912 345-67-89 доб. 5',
      '',
    ]) {
      expect(phoneToE164(typed), typed).toBeUndefined();
    }
  });

  it('when a foreign number is written with its country code, then it is kept; without the plus it is refused', () => {
    expect(phoneToE164('+375 29 123-45-67')).toBe('+375291234567');
    expect(phoneToE164('375 29 123-45-67')).toBeUndefined();
  });

  it('when any ten digits of a Russian mobile are typed with the usual prefixes, then all agree', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^9\d{9}$/), (national) => {
        const expected = `+7${national}`;
        const spaced = `${national.slice(0, 3)} ${national.slice(3, 6)}-${national.slice(6, 8)}-${national.slice(8)}`;
        return [
          national,
          `8${national}`,
          `+7${national}`,
          `+7 ${spaced}`,
          `8 (${national.slice(0, 3)}) ${national.slice(3)}`,
        ]
          .map(phoneToE164)
          .every((p) => p === expected);
      }),
    );
  });

  it('when an e-mail is typed, then it is kept in lower case, Cyrillic domains included; broken ones are refused', () => {
    expect(normalizeEmail(' Anna.Petrova+shop@Example.COM ')).toBe('anna.petrova+shop@example.com');
    expect(normalizeEmail('почта@магазин.рф')).toBe('почта@магазин.рф');
    for (const bad of ['anna@', '@example.com', 'anna@example', 'anna example@x.ru', 'a@b.c', '<a@b.ru>']) {
      expect(normalizeEmail(bad), bad).toBeUndefined();
    }
  });

  it('when the contact field holds a phone or an e-mail, then it is read as that one', () => {
    expect(contactOf('anna@example.com')).toEqual({ email: 'anna@example.com' });
    expect(contactOf('+7 912 345 67 89')).toEqual({ phone: '+79123456789' });
    expect(contactOf('анна')).toBeUndefined();
  });
});
