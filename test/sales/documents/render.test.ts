import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSalesConfig, type SalesConfig } from '../../../src/sales/config.js';
import { amountInWords } from '../../../src/sales/documents/amount-in-words.js';
import { type IssueRequest, issueDocument } from '../../../src/sales/documents/issue.js';
import { MissingRequisitesError, PdfTooLargeError } from '../../../src/sales/documents/errors.js';
import { formatRubles } from '../../../src/sales/money.js';
import { calculateQuote, type QuoteRequest } from '../../../src/sales/pricing/calculate.js';
import { pdfPages, shown } from './pdf-text.js';

const EXAMPLE = fileURLToPath(new URL('../../../examples/sales.yaml', import.meta.url));
const NOW = new Date('2026-12-07T09:00:00Z');
const MB = 1024 * 1024;

let config: SalesConfig;
beforeAll(async () => {
  config = await loadSalesConfig(EXAMPLE);
});

const ORDER: QuoteRequest = {
  items: [
    {
      product: 'sofa-milan',
      qty: 1000,
      options: { fabric: 'chenille', delivery: 'moscow', assembly: 'yes', lift: '4' },
    },
    { product: 'chair-vienna', qty: 6000, options: { finish: 'walnut', seat: 'yes' } },
  ],
  discounts: [{ rule: 'winter' }],
};
const BUYER = {
  name: 'Смирнова Анна Сергеевна',
  phone: '+7 916 123-45-67',
  address: 'г. Москва, ул. Героев Панфиловцев, д. 7, кв. 41',
};

const issue = (over: Partial<IssueRequest> = {}) =>
  issueDocument({
    kind: 'invoice',
    config,
    order: ORDER,
    buyer: BUYER,
    now: NOW,
    numbering: { number: 'СЧ-2026-0007' },
    maxBytes: 10 * MB,
    ...over,
  });

const money = (k: number) => shown(formatRubles(k));

describe('invoice PDF', () => {
  it('when an invoice is rendered, then its text is Cyrillic and its totals are the calculator’s', async () => {
    const quote = calculateQuote(config.priceList, ORDER, { now: NOW, timeZone: config.timeZone });
    const doc = await issue();
    expect(doc.pages).toBe(1);
    const [text, ...more] = await pdfPages(doc.pdf);
    expect(more).toEqual([]);
    expect(text).toContain('Счёт на оплату № СЧ-2026-0007 от 7 декабря 2026 г.');
    expect(text).toContain('ООО «Мастерская «Дубрава»», ИНН 7728054318, КПП 772801001');
    expect(text).toContain('Банк получателя');
    expect(text).toContain('044525225');
    expect(text).toContain('40702810538000123456');
    expect(text).toContain('Смирнова Анна Сергеевна');
    expect(text).toContain('Диван угловой «Милан»');
    expect(text).toContain(`Итого: ${money(quote.subtotal)}`);
    expect(text).toContain(`Скидка (Зимняя акция −10%): ${money(-quote.discount)}`);
    expect(text).toContain(`Всего к оплате: ${money(quote.total)}`);
    expect(text).toContain(`В том числе НДС 22%: ${money(quote.vat)}`);
    expect(text).toContain(`Всего наименований ${quote.lines.length}, на сумму ${money(quote.total)} руб.`);
    expect(text).toContain(amountInWords(quote.total));
    expect(amountInWords(quote.total)).toBe('Семьдесят шесть тысяч четыреста десять рублей 00 копеек');
    expect(text).toContain('Генеральный директор / Орлов С. В. /');
    expect(text).toContain('Бухгалтер / Белова Н. А. /');
    // The line of a contract reference only shows when there is one.
    expect(text).not.toContain('Основание');
    expect(doc.quote).toEqual(quote);
  });

  it('when an invoice has many lines, then they spill onto further pages with the header repeated', async () => {
    const items = Array.from({ length: 60 }, (_, i) => ({
      product: i % 2 ? 'chair-vienna' : 'armchair-milan',
      qty: 1000 + (i % 5) * 1000,
    }));
    const doc = await issue({ order: { items } });
    const pages = await pdfPages(doc.pdf);
    expect(doc.pages).toBeGreaterThanOrEqual(2);
    expect(pages).toHaveLength(doc.pages);
    pages.forEach((page, i) => {
      expect(page).toContain('Товары (работы, услуги) Кол-во Ед. Цена Сумма');
      expect(page).toContain(`Счёт на оплату № СЧ-2026-0007 — стр. ${i + 1} из ${doc.pages}`);
    });
    const last = pages.at(-1)!;
    expect(last).toContain(`Всего к оплате: ${money(doc.quote.total)}`);
    expect(last).toContain(amountInWords(doc.quote.total));
    expect(pages.slice(0, -1).join(' ')).not.toContain('Всего к оплате');
    // Every row is there once, in order, with nothing lost between pages.
    const all = pages.join(' ');
    let from = 0;
    for (let n = 1; n <= 60; n++) {
      const title = n % 2 ? 'Кресло «Милан»' : 'Стул «Венский», массив бука';
      const at = all.indexOf(`${n} ${title}`, from);
      expect(at, `row ${n}`).toBeGreaterThan(from - 1);
      from = at;
    }
  });

  it('when the seller charges no VAT or adds it, then the invoice says «Без НДС» or adds the VAT line', async () => {
    const none = await issue({
      config: { ...config, priceList: { ...config.priceList, vat: { mode: 'none', rate: 0 } } },
    });
    const [noneText] = await pdfPages(none.pdf);
    expect(noneText).toContain('Без НДС: —');
    expect(noneText).not.toContain('НДС 22%');
    const added = await issue({
      config: { ...config, priceList: { ...config.priceList, vat: { mode: 'added', rate: 2200 } } },
    });
    const [addedText] = await pdfPages(added.pdf);
    const q = added.quote;
    expect(q.total).toBe(q.subtotal - q.discount + q.vat);
    expect(addedText).toContain(`НДС 22%: ${money(q.vat)} Всего к оплате: ${money(q.total)}`);
  });

  it('when the PDF would exceed the size limit, then it is an error and no bytes come back', async () => {
    const size = (await issue()).pdf.byteLength;
    await expect(issue({ maxBytes: size })).resolves.toMatchObject({ number: 'СЧ-2026-0007' });
    const err = await issue({ maxBytes: size - 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PdfTooLargeError);
    expect((err as PdfTooLargeError).sizeBytes).toBe(size);
    expect((err as Error).message).toContain('MAX_PDF_SIZE_MB');
  });

  it('when the same document is rendered twice, then the bytes are the same', async () => {
    expect(Buffer.from((await issue()).pdf).equals(Buffer.from((await issue()).pdf))).toBe(true);
  });

  it('when requisites the template needs are missing, then the error lists all of them', async () => {
    const seller = { ...config.seller, bank: undefined, signatory: undefined };
    const err = await issue({ config: { ...config, seller } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingRequisitesError);
    expect((err as MissingRequisitesError).missing).toEqual([
      'seller.bank.account (расчётный счёт)',
      'seller.bank.bik (БИК)',
      'seller.bank.corr_account (корр. счёт)',
      'seller.bank.name (банк)',
      'seller.signatory.name (подписант)',
    ]);
  });
});

describe('offer and contract PDFs', () => {
  it('when an offer is rendered for a package, then it lists what the package includes and the validity', async () => {
    const doc = await issue({
      kind: 'offer',
      numbering: { number: 'КП-2026-0003' },
      order: { items: [{ product: 'kitchen-turnkey', qty: 3_500, options: { countertop: 'quartz' } }] },
    });
    const [text] = await pdfPages(doc.pdf);
    expect(text).toContain('Коммерческое предложение № КП-2026-0003');
    expect(text).toContain('• замер и дизайн-проект в 3D');
    expect(text).toContain('Предложение действительно до 21 декабря 2026 г. включительно');
    expect(text).toContain(`Итого: ${money(doc.quote.total)} руб. (${amountInWords(doc.quote.total)})`);
    expect(text).toContain('Срок изготовления: 21 рабочий день с момента предоплаты.');
  });

  it('when a contract is rendered, then both parties, the price in words and the specification are in it', async () => {
    const doc = await issue({ kind: 'contract', numbering: { number: 'Д-2026-0001' } });
    const all = (await pdfPages(doc.pdf)).join(' ');
    expect(all).toContain('Договор № Д-2026-0001');
    expect(all).toContain('в лице генерального директора Орлова Сергея Викторовича');
    expect(all).toContain(
      `Цена договора составляет ${money(doc.quote.total)} руб. (${amountInWords(doc.quote.total)})`,
    );
    expect(all).toContain('8. Спецификация');
    expect(all).toContain('Исполнитель ООО «Мастерская «Дубрава»» ИНН 7728054318');
    expect(all).toContain('Заказчик Смирнова Анна Сергеевна');
    expect(all).toContain('/ Смирнова А. С. /');
  });
});
