import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSalesConfig, parseSalesConfig, SalesConfigError } from '../../../src/sales/config.js';
import {
  isPriceQuestion,
  matchPriceQuestion,
  quoteForQuestion,
} from '../../../src/sales/pricing/price-question.js';
import type { PriceList } from '../../../src/sales/pricing/schema.js';
import { checkGrounding } from '../../../src/rag/guard.js';

const EXAMPLE = fileURLToPath(new URL('../../../examples/sales.yaml', import.meta.url));
let list: PriceList;
beforeAll(async () => {
  list = (await loadSalesConfig(EXAMPLE)).priceList;
});

const clock = { now: new Date('2026-12-07T09:00:00Z'), timeZone: 'Europe/Moscow' };
const SOFA_ITEM = '4341979279';

describe('price questions', () => {
  it.each([
    ['Сколько стоит?', true],
    ['Какая цена дивана?', true],
    ['почём кресло', true],
    ['Во сколько обойдётся шкаф?', true],
    ['How much is the sofa?', true],
    ['Есть в наличии?', false],
    ['Когда можно забрать?', false],
  ])('when a buyer writes «%s», then it is a price question: %s', (text, expected) => {
    expect(isPriceQuestion(text)).toBe(expected);
  });

  it('when the question names a product by its head noun or an alias, then that product is matched', () => {
    expect(
      matchPriceQuestion(list, { questions: ['Сколько стоит кресло?'], listing: null })?.product.id,
    ).toBe('armchair-milan');
    expect(
      matchPriceQuestion(list, { questions: ['А угловой диван почём?'], listing: null })?.product.id,
    ).toBe('sofa-milan');
  });

  it('when the question names nothing, then the product mapped to the listing item id is matched', () => {
    const match = matchPriceQuestion(list, {
      questions: ['Здравствуйте, сколько стоит?'],
      listing: { itemId: SOFA_ITEM, title: 'Диван серый' },
    });
    expect(match).toMatchObject({ by: 'item_id', product: { id: 'sofa-milan' } });
  });

  it('when the question asks the price of something else in the listing’s chat, then the listing’s product is not quoted', () => {
    for (const question of ['Сколько стоит доставка?', 'А сборка почём?', 'Какая цена подъёма на этаж?'])
      expect(
        matchPriceQuestion(list, { questions: [question], listing: { itemId: SOFA_ITEM, title: 'Диван' } }),
      ).toBeNull();
    expect(
      matchPriceQuestion(list, {
        questions: ['Добрый день! Подскажите, какая цена на этот диван?'],
        listing: { itemId: SOFA_ITEM, title: 'Диван' },
      })?.product.id,
    ).toBe('sofa-milan');
  });

  it('when the question names another product than the listing, then the named one wins', () => {
    const match = matchPriceQuestion(list, {
      questions: ['А кресло к нему сколько стоит?'],
      listing: { itemId: SOFA_ITEM, title: 'Диван угловой «Милан»' },
    });
    expect(match?.product.id).toBe('armchair-milan');
  });

  it('when the buyer asks for a quantity, then the quote prices that quantity with its tier', () => {
    const quote = quoteForQuestion(
      list,
      { questions: ['Сколько будут стоить 2 кресла?'], listing: null },
      clock,
    );
    // From two armchairs the tier price 13 900 ₽ applies to each.
    expect(quote?.total).toBe(2 * 13_900_00);
    expect(quote?.text).toContain('27\u00a0800\u00a0₽');
  });

  it('when nothing configured is asked about, then there is no quote', () => {
    expect(
      quoteForQuestion(
        list,
        { questions: ['Сколько стоит ноутбук?'], listing: { itemId: '1', title: 'Ноутбук' } },
        clock,
      ),
    ).toBeNull();
    expect(quoteForQuestion(list, { questions: ['Диван ещё есть?'], listing: null }, clock)).toBeNull();
  });

  it('when a quote passage is the source, then its figures ground an answer and another price does not', () => {
    const quote = quoteForQuestion(list, { questions: ['Сколько стоит диван?'], listing: null }, clock)!;
    expect(quote.total).toBe(32_900_00);
    expect(checkGrounding('Диван «Милан» стоит 32 900 ₽.', [quote.text]).grounded).toBe(true);
    const invented = checkGrounding('Диван «Милан» стоит 29 900 ₽.', [quote.text]);
    expect(invented).toEqual({ grounded: false, findings: ['29 900'] });
  });
});

describe('aliases and avito_item_ids in the price list', () => {
  const yaml = (extra: string) => `
products:
  - id: a
    title: Стол
    price: 1000
    avito_item_ids: ['100']
  - id: b
    title: Стул
    price: 500
${extra}`;

  it('when two products claim one listing, then the configuration is refused with the path', async () => {
    const err = await parseSalesConfig(yaml("    avito_item_ids: ['100']"), {
      source: 't.yaml',
      baseDir: '.',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SalesConfigError);
    expect((err as SalesConfigError).problems).toEqual([
      'products[1].avito_item_ids[0]: item 100 is already mapped to product "a"',
    ]);
  });

  it('when an item id is not digits, then it is refused', async () => {
    const err = await parseSalesConfig(yaml("    avito_item_ids: ['abc']"), {
      source: 't.yaml',
      baseDir: '.',
    }).catch((e: unknown) => e);
    expect((err as SalesConfigError).problems[0]).toMatch(
      /^products\[1\]\.avito_item_ids\[0\]: expected an Avito item id/,
    );
  });
});
