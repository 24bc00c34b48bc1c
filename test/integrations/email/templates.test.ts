import { describe, expect, it } from 'vitest';
import { emailTemplates, formatRubles, formatWhen } from '../../../src/integrations/email/templates.js';

const booking = {
  sellerName: 'Shop',
  start: new Date('2027-06-07T07:00:00Z'),
  end: new Date('2027-06-07T08:00:00Z'),
  timeZone: 'Europe/Moscow',
  topic: 'Консультация',
};

describe('e-mail templates', () => {
  it('when money is shown, then whole kopecks become roubles in the locale’s format; fractions of a kopeck are refused', () => {
    expect(formatRubles(1_234_567, 'ru').replace(/\s/g, ' ')).toBe('12 345,67 ₽');
    expect(formatRubles(50, 'en')).toMatch(/0\.50/);
    expect(() => formatRubles(10.5, 'ru')).toThrow(/kopecks/);
  });

  it('when a time is shown, then it is in the seller’s zone and names it', () => {
    expect(formatWhen(booking.start, 'Europe/Moscow', 'ru')).toMatch(/7 июня 2027.*10:00 \(Europe\/Moscow\)/);
    expect(formatWhen(booking.start, 'Asia/Yekaterinburg', 'en')).toMatch(/12:00 \(Asia\/Yekaterinburg\)/);
  });

  it('when the buyer’s name holds HTML, then the HTML part escapes it and the text part keeps it', () => {
    const mail = emailTemplates('ru').bookingConfirmation({
      ...booking,
      buyerName: '<script>alert(1)</script>',
    });
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('&#60;script&#62;');
    expect(mail.text).toContain('<script>alert(1)</script>');
  });

  it('when the locale is English, then every template is in English; Russian is the default wording', () => {
    const en = emailTemplates('en');
    const ru = emailTemplates('ru');
    const invoice = {
      sellerName: 'Shop',
      invoiceNumber: '7',
      amountKopecks: 100,
      paymentUrl: 'https://pay.example/x',
      timeZone: 'UTC',
    };
    expect(en.invoice(invoice).subject).toMatch(/^Invoice No\. 7/);
    expect(ru.invoice(invoice).subject).toMatch(/^Счёт № 7/);
    expect(en.paymentReceived({ ...invoice, paidAt: booking.start }).text).toMatch(/Thank you/);
    expect(
      en.offer({ sellerName: 'Shop', offerNumber: '1', totalKopecks: 100, timeZone: 'UTC' }).text,
    ).toMatch(/quotation/);
    expect(en.bookingConfirmation(booking).subject).toMatch(/^Booking confirmed/);
  });
});
