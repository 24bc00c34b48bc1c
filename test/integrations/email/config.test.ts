import { describe, expect, it } from 'vitest';
import { emailEnvConfig, parseMailbox } from '../../../src/integrations/email/config.js';

describe('e-mail environment', () => {
  it('when SMTP_URL or EMAIL_FROM is missing, then e-mail is off and says which', () => {
    expect(emailEnvConfig({})).toEqual({
      enabled: false,
      missing: ['SMTP_URL', 'EMAIL_FROM'],
      ownerEmail: undefined,
    });
    expect(
      emailEnvConfig({ SMTP_URL: 'smtps://u:p@smtp.yandex.ru:465', OWNER_EMAIL: 'me@example.ru' }),
    ).toEqual({
      enabled: false,
      missing: ['EMAIL_FROM'],
      ownerEmail: 'me@example.ru',
    });
  });

  it('when all three are set, then the sender is parsed with its display name', () => {
    expect(
      emailEnvConfig({
        SMTP_URL: 'smtps://shop%40yandex.ru:app-pass@smtp.yandex.ru:465',
        EMAIL_FROM: '"Мебель на заказ" <shop@yandex.ru>',
        OWNER_EMAIL: 'owner@example.ru',
      }),
    ).toEqual({
      enabled: true,
      smtpUrl: 'smtps://shop%40yandex.ru:app-pass@smtp.yandex.ru:465',
      from: { name: 'Мебель на заказ', address: 'shop@yandex.ru' },
      ownerEmail: 'owner@example.ru',
    });
  });

  it('when SMTP_URL is not smtp(s) or EMAIL_FROM is not a mailbox, then it is refused without echoing the password', () => {
    let message = '';
    try {
      emailEnvConfig({ SMTP_URL: 'https://user:s3cret-pass@mail.example.ru', EMAIL_FROM: 'shop' });
    } catch (error) {
      message = String(error);
    }
    expect(message).toMatch(/smtps:\/\//);
    expect(message).toMatch(/sender/);
    expect(message).not.toContain('s3cret-pass');
    expect(parseMailbox('Shop <shop@example.ru>')).toEqual({ name: 'Shop', address: 'shop@example.ru' });
    expect(parseMailbox('shop@example.ru')).toEqual({ name: undefined, address: 'shop@example.ru' });
    expect(parseMailbox('Shop <not an address>')).toBeUndefined();
  });
});
