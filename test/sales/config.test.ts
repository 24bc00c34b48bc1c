import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSalesConfig, parseSalesConfig, SalesConfigError } from '../../src/sales/config.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/sales.yaml', import.meta.url));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sales-config-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const parse = (yaml: string) => parseSalesConfig(yaml, { source: 'test.yaml', baseDir: dir });

async function problems(yaml: string): Promise<string[]> {
  try {
    await parse(yaml);
  } catch (err) {
    if (err instanceof SalesConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a SalesConfigError');
}

const PRODUCT = `
  - id: chair
    title: Стул
    price: 1000`;

describe('the sales configuration', () => {
  it('when the sample is loaded, then it prices a catalogue with requisites and the default templates', async () => {
    const c = await loadSalesConfig(EXAMPLE);
    expect(c.priceList.products.map((p) => p.id)).toContain('sofa-milan');
    expect(c.priceList.vat).toEqual({ mode: 'included', rate: 2200 });
    expect(c.priceList.rounding).toEqual({ step: 100, mode: 'half_up' });
    expect(c.seller.inn).toBe('7728054318');
    expect(c.documents.prefixes).toEqual({ offer: 'КП', contract: 'Д', invoice: 'СЧ' });
    expect(c.documents.terms.production_time).toBe('21 рабочий день');
    expect(c.timeZone).toBe('Europe/Moscow');
    // Shared options are resolved into the products that list them.
    expect(c.priceList.products.find((p) => p.id === 'sofa-milan')!.options.map((o) => o.id)).toEqual([
      'fabric',
      'corner',
      'delivery',
      'assembly',
      'lift',
    ]);
  });

  it('when the sample is loaded, then its brief has the default fields, the rules by id and a field of its own', async () => {
    const c = await loadSalesConfig(EXAMPLE);
    expect(c.brief.fields.map((f) => [f.id, f.type, f.rule])).toEqual([
      ['need', 'text', 'need'],
      ['quantity', 'number', 'quantity'],
      ['dimensions', 'text', null],
      ['deadline', 'date', 'deadline'],
      ['budget', 'money', 'budget'],
      ['address', 'text', 'address'],
      ['comments', 'text', null],
    ]);
    expect(c.brief.fields[2]?.label).toBe('Размеры');
  });

  it('when the brief is left out, then the default fields are used', async () => {
    const c = await parse(`products:${PRODUCT}`);
    expect(c.brief.fields.map((f) => [f.id, f.label, f.type])).toEqual([
      ['need', 'Что нужно', 'text'],
      ['quantity', 'Количество', 'number'],
      ['deadline', 'Срок', 'date'],
      ['budget', 'Бюджет', 'money'],
      ['address', 'Адрес доставки', 'text'],
      ['comments', 'Комментарии', 'text'],
    ]);
  });

  it('when brief fields are wrong, then every problem is listed by its path', async () => {
    const found = await problems(`
products:${PRODUCT}
brief:
  fields:
    - { id: need, label: Что нужно, type: text }
    - { id: need, label: Ещё раз, type: text }
    - { id: deadline, label: Срок, type: number, rule: deadline }
    - { id: Colour, label: Цвет, type: text }
    - { id: weight, label: '', type: weight }
`);
    expect(found).toEqual([
      'brief.fields[3].id: expected an id of latin letters, digits and _ (like deadline)',
      'brief.fields[4].label: expected a label',
      'brief.fields[4].type: expected one of text, number, money, date',
    ]);
    const more = await problems(`
products:${PRODUCT}
brief:
  fields:
    - { id: need, label: Что нужно, type: text }
    - { id: need, label: Ещё раз, type: text }
    - { id: deadline, label: Срок, type: number, rule: deadline }
`);
    expect(more).toEqual([
      'brief.fields[1].id: duplicate id need',
      'brief.fields[2].rule: the deadline rule fills a field of type date, not number',
    ]);
  });

  it('when values are wrong in several places, then every problem is listed by its path', async () => {
    const found = await problems(`
vat: { mode: included }
products:${PRODUCT}
  - id: table
    title: Стол
    price: 12,500
  - id: bench
    title: Скамья
    price: 3000
    options:
      - id: floors
        title: Подъём
        type: count
        unit: эт.
        price: 0
`);
    expect(found).toEqual([
      'products[1].price: expected at most 2 digits of kopecks (group thousands with spaces: "12 500,50")',
      'products[2].options[0].price: expected a positive amount',
    ]);
    // Cross-field rules once the fields are right.
    expect(await problems(`vat: { mode: included }\nproducts:${PRODUCT}`)).toEqual([
      'vat.rate: expected the VAT rate (e.g. 22)',
    ]);
  });

  it('when references and tiers do not add up, then the problems say where and why', async () => {
    const found = await problems(`
products:
  - id: chair
    title: Стул
    price: 1000
    floor: 1200
    tiers:
      - { from: 10, price: 900 }
      - { from: 5, price: 950 }
    options: [delivery]
  - id: chair
    title: Стул 2
    price: 1000
`);
    expect(found).toEqual([
      'products[1].id: duplicate product id "chair"',
      'products[0].floor: expected a floor not above the price',
      'products[0].tiers[0]: a tier price below the floor',
      'products[0].tiers[1].from: expected tiers in ascending order, each above the minimum quantity',
      'products[0].tiers[1]: a tier must not raise the price',
      'products[0].tiers[1]: a tier price below the floor',
      'products[0].options[0]: unknown option "delivery"; shared options: none',
    ]);
  });

  it('when requisites are mistyped, then the check digits catch it', async () => {
    const found = await problems(`
seller:
  inn: '7728054319'
  kpp: '772801001'
  bank:
    bik: 044525225
    account: '40702810538000123457'
products:${PRODUCT}
`);
    expect(found).toEqual([
      'seller.inn: the ИНН check digits do not match: a typo?',
      'seller.bank.bik: expected a БИК of 9 digits in quotes, like "044525225"',
    ]);
    const account = await problems(`
seller:
  inn: '500312345614'
  kpp: '772801001'
  bank: { bik: '044525225', account: '40702810538000123457', corr_account: '30101810400000000226' }
products:${PRODUCT}
`);
    expect(account).toEqual([
      'seller.kpp: an individual entrepreneur (12-digit ИНН) has no КПП',
      'seller.bank.account: the расчётный счёт does not match the БИК (control digit): check both',
      'seller.bank.corr_account: the корр. счёт does not match the БИК (it starts with 30101 and ends with the БИК’s last 3 digits)',
    ]);
  });

  it('when the YAML itself is broken, then the message gives the line and column', async () => {
    const found = await problems('products:\n  - id: chair\n    title: [Стул\n');
    expect(found[0]).toMatch(/^line \d+, column \d+: /);
  });

  it('when a template of the seller has an unknown placeholder, then loading fails naming it', async () => {
    await writeFile(join(dir, 'invoice.txt'), '# Счёт № {{number}}\nИНН {{seler.inn}}\n[[itmes]]\n');
    const found = await problems(
      `documents:\n  templates: { invoice: invoice.txt, offer: missing.txt }\nproducts:${PRODUCT}`,
    );
    expect(found).toHaveLength(3);
    expect(found[0]).toMatch(
      /^documents\.templates\.offer \(missing\.txt\): cannot read .*missing\.txt: ENOENT$/,
    );
    expect(found[1]).toMatch(
      /^documents\.templates\.invoice \(invoice\.txt\): line 2: unknown placeholder \{\{seler\.inn\}\}/,
    );
    expect(found[2]).toMatch(/line 3: unknown block \[\[itmes\]\]; known: \[\[bank\]\], \[\[items\]\]/);
  });

  it('when the file is missing, then the message says how to point at one', async () => {
    await expect(loadSalesConfig(join(dir, 'nope.yaml'))).rejects.toThrow(
      /set SALES_CONFIG or pass --config/,
    );
  });
});
