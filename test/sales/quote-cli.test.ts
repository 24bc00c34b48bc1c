import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSalesConfig } from '../../src/sales/config.js';
import { calculateQuote } from '../../src/sales/pricing/calculate.js';
import { quoteJson } from '../../src/sales/pricing/format.js';
import { ROOT, runScript } from './run-script.js';

const EXAMPLE = join(ROOT, 'examples/sales.yaml');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'quote-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `npm run quote -- …` from a folder without a .env. */
const quote = (args: string[], env: Record<string, string> = {}, cwd = dir) =>
  runScript('scripts/quote.ts', args, { cwd, env, unset: ['SALES_CONFIG'] });

describe('npm run quote', () => {
  it('when ./sales.yaml prices a product, then the lines and totals are printed in Russian', async () => {
    const cwd = await mkdtemp(join(dir, 'cwd-'));
    await copyFile(EXAMPLE, join(cwd, 'sales.yaml'));
    const { code, stdout } = await quote(['sofa-milan', 'fabric=chenille', 'assembly=yes', 'qty=2'], {}, cwd);
    expect(code).toBe(0);
    const text = stdout.replaceAll('\u00a0', ' ');
    expect(text).toMatch(/^№ +Наименование +Кол-во +Цена +Сумма$/m);
    expect(text).toMatch(/^1 +Диван угловой «Милан» +2 шт\. +32 900,00 +65 800,00$/m);
    expect(text).toMatch(/^2 +Обивка: шенилл «Тиффани» +2 шт\. +3 500,00 +7 000,00$/m);
    expect(text).toMatch(/^3 +Сборка +2 шт\. +1 000,00 +2 000,00$/m);
    expect(text).toMatch(/^Итого: +74 800,00 ₽$/m);
    expect(text).toMatch(/^Всего к оплате: +74 800,00 ₽$/m);
    expect(text).toMatch(/^В том числе НДС 22%: +13 488,52 ₽$/m);
    expect(text).toMatch(/^Расчёт действителен до \d\d\.\d\d\.\d{4} 23:59 \(Europe\/Moscow\)$/m);
  });

  it('when BOT_LOCALE is en, then the table and totals are printed in English', async () => {
    const { code, stdout } = await quote(['--config', EXAMPLE, 'sofa-milan', 'urgency=express'], {
      BOT_LOCALE: 'en',
    });
    expect(code).toBe(0);
    const text = stdout.replaceAll('\u00a0', ' ');
    expect(text).toMatch(/^No\. +Item +Qty +Price +Amount$/m);
    expect(text).toMatch(/^ *2 +Срок изготовления: срочно, 10 рабочих дней \(×1\.3\) +1 svc /m);
    expect(text).toMatch(/^Total due: +[\d ]+,\d\d ₽$/m);
    expect(text).toMatch(/^Valid until \d\d\.\d\d\.\d{4} 23:59 \(Europe\/Moscow\)$/m);
  });

  it('when --json is asked with SALES_CONFIG set, then the figures are the calculator’s as decimal strings', async () => {
    const { code, stdout } = await quote(
      ['--json', 'wardrobe', 'qty=2.35', 'doors=mirror', 'urgency=express', 'discount=winter'],
      { SALES_CONFIG: EXAMPLE },
    );
    expect(code).toBe(0);
    const json = JSON.parse(stdout) as Record<string, unknown>;
    const config = await loadSalesConfig(EXAMPLE);
    const expected = quoteJson(
      calculateQuote(
        config.priceList,
        {
          items: [{ product: 'wardrobe', qty: 2350, options: { doors: 'mirror' } }],
          coefficients: { urgency: 'express' },
          discounts: [{ rule: 'winter' }],
        },
        { now: new Date(), timeZone: config.timeZone },
      ),
    );
    expect({ ...json, valid_until: '' }).toEqual({ ...expected, valid_until: '' });
    expect(json.valid_until).toMatch(/^\d{4}-\d\d-\d\dT23:59:59\+03:00$/);
    expect(json).toMatchObject({
      subtotal: '67821.00',
      // 10 % is 6 782.10; the total after the discount is rounded to the ruble (61 038.90 → 61 039).
      discount: '6782.00',
      total: '61039.00',
      currency: 'RUB',
      lines: [
        { title: 'Шкаф-купе на заказ', qty: 2.35, unit: 'м²', unit_price: '18500.00', amount: '43475.00' },
        { title: 'Двери: зеркало', qty: 2.35, unit: 'м²', unit_price: '3700.00', amount: '8695.00' },
        {
          title: 'Срок изготовления: срочно, 10 рабочих дней (×1,3)',
          qty: 1,
          unit: 'усл.',
          unit_price: '15651.00',
          amount: '15651.00',
        },
      ],
    });
  });

  it('when the product or an option is unknown, then exit code 2 and the message lists what there is', async () => {
    const product = await quote(['--config', EXAMPLE, 'sofa']);
    expect(product.code).toBe(2);
    expect(product.stdout).toBe('');
    expect(product.stderr).toContain(
      'unknown product "sofa"; available: sofa-milan, armchair-milan, chair-vienna',
    );
    const option = await quote(['--config', EXAMPLE, 'sofa-milan', 'colour=red']);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain(
      'unknown option "colour" of "sofa-milan"; available: fabric (velour|chenille|leather)',
    );
  });

  it('when the configuration is broken, then exit code 1 and each problem by its path', async () => {
    const file = join(dir, 'broken.yaml');
    await writeFile(file, 'products:\n  - id: chair\n    title: Стул\n    price: -5\n');
    const { code, stderr } = await quote(['--config', file, 'chair']);
    expect(code).toBe(1);
    expect(stderr).toContain(
      `Invalid sales configuration ${file}:\n  - products[0].price: expected a positive amount`,
    );
  });
});
