import { describe, expect, it } from 'vitest';
import type { LeadDocumentRef } from '../../src/models/records.js';
import { formatKopecks, formatSlot, textsFor } from '../../src/texts/index.js';
import { everyText } from './every-text.js';

const CYRILLIC = /[а-яё]/i;
const ru = textsFor('ru');
const en = textsFor('en');
const invoice: LeadDocumentRef = {
  kind: 'invoice',
  number: 'СЧ-2026-0007',
  total: 1234567,
  issuedAt: new Date(),
};

describe('one texts module for every reader', () => {
  it('when a locale is not en, then the texts are Russian; en gives the English ones', () => {
    expect(textsFor('de')).toBe(ru);
    expect(textsFor(undefined)).toBe(ru);
    expect(en.locale).toBe('en');
    expect(ru.locale).toBe('ru');
  });

  for (const section of ['widget', 'buyer', 'email', 'crm', 'calendar'] as const) {
    it(`when the ${section} section is read in en, then it has every Russian key and no Russian in it`, () => {
      const ruTexts = everyText(ru[section]);
      const enTexts = everyText(en[section]);
      expect(enTexts.map(([p]) => p)).toEqual(ruTexts.map(([p]) => p));
      expect(ruTexts.some(([, text]) => CYRILLIC.test(text))).toBe(true);
      for (const [path, text] of enTexts)
        expect({ path, russian: CYRILLIC.test(text) }).toEqual({ path, russian: false });
    });
  }

  it('when the integrations word a slot offer, a payment and a deal note, then the words are those they had before the move', () => {
    const slot = formatSlot(new Date('2027-06-02T08:00:00Z'), 'Europe/Moscow', 'ru');
    expect(slot).toBe('ср, 2 июня, 11:00');
    expect(ru.buyer.slotsOffered([slot], 'Europe/Moscow')).toBe(
      'Могу предложить время для консультации (по московскому времени):\n1) ср, 2 июня, 11:00\n' +
        'Ответьте номером варианта (например, «1») или напишите день и время.',
    );
    expect(en.buyer.slotTaken(['Wed 2 June, 11:00'], 'Asia/Yekaterinburg')).toBe(
      'Sorry, that time has just been taken. Free (Asia/Yekaterinburg):\n1) Wed 2 June, 11:00\n' +
        'Reply with the number of an option.',
    );
    const amount = formatKopecks(1234567, 'ru');
    expect(amount.replace(/\s/g, ' ')).toBe('12 345,67 ₽');
    expect(ru.crm.document(invoice, amount)).toBe(`Счёт № СЧ-2026-0007 на ${amount} выставлен покупателю.`);
    expect(en.crm.document(invoice, null)).toBe('Invoice No. СЧ-2026-0007 issued to the buyer.');
  });

  it('when the buyer bot and the integrations share the buyer section, then both kinds of message are there', () => {
    expect(ru.buyer.greeting).toMatch(/^Здравствуйте!/);
    expect(ru.buyer.returned).toBe(
      'Спасибо! Оплата обрабатывается — подтверждение придёт в чат с продавцом.',
    );
    expect(en.buyer.paid('7', '100 ₽')).toBe('Payment of 100 ₽ for invoice No. 7 received. Thank you!');
  });
});
