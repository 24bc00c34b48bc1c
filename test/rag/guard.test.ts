import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkGrounding } from '../../src/rag/guard.js';

const SOURCES = [
  'Доставка по Москве — 1 500 ₽, 1–2 дня. Самовывоз: ул. Ленина, 5, с 10:00 до 19:00.',
  'Телефон: +7 (999) 123-45-67, почта shop@example.ru, сайт https://example.ru/catalog/',
  'Распродажа до 15 мая 2026 года. Гарантия 12 месяцев. Предоплата 1,5 тыс. руб.',
];

describe('grounding guard', () => {
  it.each([
    ['Доставка по Москве стоит 1500 руб.', 'price with and without the thousands space'],
    ['Доставка — 1500 рублей, 1-2 дня.', 'rubles spelled out, a range'],
    ['Звоните: 8 999 123 45 67.', 'phone in another format'],
    ['Пишите на SHOP@example.ru или смотрите example.ru/catalog', 'e-mail case, URL without scheme'],
    ['Каталог: http://www.example.ru/catalog', 'URL with www and another scheme'],
    ['Акция до 15.05, гарантия 12 месяцев.', 'date in digits vs in words'],
    ['Работаем с 10:00 до 19:00, самовывоз по адресу Ленина, 5.', 'times and a house number'],
    ['Предоплата 1500 ₽.', '"1,5 тыс." equals 1500'],
    ['Гарантия двенадцать месяцев — уточню.', 'no digits at all'],
  ])('when the draft «%s» uses only source facts (%s), then it is grounded', (draft) => {
    expect(checkGrounding(draft, SOURCES)).toEqual({ grounded: true, findings: [] });
  });

  it.each([
    ['Доставка по Москве стоит 900 ₽.', ['900']],
    ['Звоните +7 (912) 000-11-22.', ['+7 (912) 000-11-22']],
    ['Подробнее на https://shop.example.com/sale', ['https://shop.example.com/sale']],
    ['Пишите на sales@example.ru', ['sales@example.ru']],
    ['Акция до 20 мая.', ['20 мая']],
    ['Доставка займёт три недели.', ['три']],
    ['Доставка 500 ₽.', ['500']],
  ])(
    'when the draft «%s» invents a fact, then it is not grounded and the span is reported',
    (draft, findings) => {
      expect(checkGrounding(draft, SOURCES)).toEqual({ grounded: false, findings });
    },
  );

  it('property: when a draft names a number absent from the sources, then the guard never passes it', () => {
    const sourceText = SOURCES.join('\n');
    const inSources = new Set([...sourceText.matchAll(/\d+/g)].map((m) => Number(m[0])));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }).filter((n) => !inSources.has(n) && n !== 1500 && n !== 2026),
        fc.constantFrom(
          'Цена {} ₽.',
          'Доставка {} дня.',
          'Осталось {} шт',
          'Скидка {}%',
          'Размер {} см, вес 12 месяцев',
        ),
        (n, template) => {
          const result = checkGrounding(template.replace('{}', String(n)), SOURCES);
          expect(result.grounded).toBe(false);
          expect(result.findings.join(' ')).toContain(String(n).slice(-3));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: when a draft repeats numbers taken from the sources, then the guard passes it', () => {
    const numbers = ['1 500', '1500', '12', '2026', '10:00', '19:00', '5'];
    fc.assert(
      fc.property(fc.subarray(numbers, { minLength: 1 }), (picked) => {
        const draft = picked.map((n) => `значение ${n}`).join(', ');
        expect(checkGrounding(draft, SOURCES).grounded).toBe(true);
      }),
    );
  });
});
