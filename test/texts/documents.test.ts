import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSalesSettings } from '../../src/integrations/index.js';
import { loadSalesConfig, type SalesConfig } from '../../src/sales/config.js';
import { issueDocument } from '../../src/sales/documents/issue.js';
import { calculateQuote } from '../../src/sales/pricing/calculate.js';
import { quoteText } from '../../src/sales/pricing/format.js';
import { type DocumentTexts, textsFor } from '../../src/texts/index.js';
import { pdfPages, shown } from '../sales/documents/pdf-text.js';
import { everyText } from './every-text.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/sales.yaml', import.meta.url));
const NOW = new Date('2026-12-06T10:00:00Z');
const CYRILLIC = /[а-яё]/i;

let config: SalesConfig;
beforeAll(async () => {
  config = await loadSalesConfig(EXAMPLE);
});

describe('the sales texts in Russian and English', () => {
  it('when the locale is en, then every text has an English form with no Russian in it; otherwise Russian', () => {
    const ru = everyText(textsFor('ru').documents);
    const en = everyText(textsFor('en').documents);
    expect(en.map(([p]) => p)).toEqual(ru.map(([p]) => p));
    expect(ru.length).toBeGreaterThan(60);
    for (const [path, text] of en)
      expect({ path, russian: CYRILLIC.test(text) }).toEqual({ path, russian: false });
    // A function of numbers only (a page footer, the ОГРН label) says it in Russian in ru.
    const ruText = (p: string) => ru.find(([path]) => path === p)![1];
    expect(CYRILLIC.test(ruText('document.page(numbers)'))).toBe(true);
    expect(CYRILLIC.test(ruText('delivery.message(strings)'))).toBe(true);
    expect(textsFor('de').documents).toBe(textsFor('ru').documents);
    expect(textsFor(undefined).documents).toBe(textsFor('ru').documents);
  });

  it('when the calculator names lines in en, then the coefficient and discounts are in English; ru by default', () => {
    const order = {
      items: [{ product: 'sofa-milan', qty: 1000 }],
      coefficients: { urgency: 'express' },
      discounts: [{ percent: 500 }],
    };
    const en = calculateQuote(config.priceList, order, { now: NOW, timeZone: 'Europe/Moscow', locale: 'en' });
    const ru = calculateQuote(config.priceList, order, { now: NOW, timeZone: 'Europe/Moscow' });
    expect(en.lines.at(-1)!.title).toBe('Срок изготовления: срочно, 10 рабочих дней (×1.3)');
    expect(ru.lines.at(-1)!.title).toBe('Срок изготовления: срочно, 10 рабочих дней (×1,3)');
    expect(en.discountTitles).toEqual(['Discount 5%']);
    expect(ru.discountTitles).toEqual(['Скидка 5%']);
    expect(en.total).toBe(ru.total);

    const table = quoteText(en, 'en');
    expect(table).toContain('Subtotal:');
    expect(table).toContain('Total due:');
    expect(table).toContain('Valid until ');
    expect(table).not.toContain('Итого');
    expect(quoteText(ru)).toContain('Всего к оплате:');
  });

  it('when an invoice is issued in en, then its title, headings and VAT line are English', async () => {
    const doc = await issueDocument({
      kind: 'invoice',
      config,
      order: { items: [{ product: 'sofa-milan', qty: 1000 }] },
      buyer: { name: 'Ivan Petrov' },
      now: NOW,
      numbering: { number: 'СЧ-2026-0007' },
      maxBytes: 10 * 1024 * 1024,
      locale: 'en',
    });
    expect(doc.title).toBe('Invoice No. СЧ-2026-0007');
    const text = shown((await pdfPages(doc.pdf)).join(' '));
    for (const words of ['Goods (works, services)', "Payee's bank", 'Total due:', 'Accountant'])
      expect(text).toContain(words);
    expect(text).not.toContain('Всего к оплате');
  });

  it('when there is no sales file, then the default brief is labelled in the configured locale', async () => {
    const labels = async (locale: 'ru' | 'en') =>
      (await loadSalesSettings('/nonexistent/sales.yaml', locale)).brief.fields.map((f) => f.label);
    const en: DocumentTexts['brief']['labels'] = textsFor('en').documents.brief.labels;
    expect(await labels('en')).toEqual(Object.values(en));
    expect(await labels('ru')).toEqual([
      'Что нужно',
      'Количество',
      'Срок',
      'Бюджет',
      'Адрес доставки',
      'Комментарии',
    ]);
  });
});
