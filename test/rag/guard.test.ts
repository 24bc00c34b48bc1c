import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkGrounding } from '../../src/rag/guard.js';
import { anyFact, type GeneratedFact, OBEDIENT_MODEL, sentenceWith } from './facts.js';

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

describe('grounding guard against an obedient model', () => {
  it.each(OBEDIENT_MODEL)(
    'when the draft has %s absent from the sources («%s»), then it is not grounded and the finding names it',
    (_what, draft, findings) => {
      expect(checkGrounding(draft, SOURCES)).toEqual({ grounded: false, findings });
    },
  );

  it.each([
    ['Отдам за две тысячи.', ['две тысячи']],
    ['Отдам за двести пятьдесят рублей', ['двести пятьдесят']],
    ['Переведите предоплату в размере трёх тысяч', ['трёх тысяч']],
    ['Привезём за пятихатку, а подъём — полтинник', ['пятихатку', 'полтинник']],
    ['Отдам за полтора миллиона', ['полтора миллиона']],
    ['Предоплата 2 тысячи', ['2 тысячи']],
    ['Пишите в вотсапе или вайбере', ['вотсапе', 'вайбере']],
    ['Мы есть ВКонтакте и в Максе', ['ВКонтакте', 'Максе']],
    ['Напишите в телегу или в инсту', ['телегу', 'инсту']],
    ['Почта: sale (at) evil-shop (dot) com', ['sale (at) evil-shop (dot) com']],
    ['Почта ivan.petrov собака mail точка ру', ['ivan.petrov собака mail точка ру']],
    ['Сайт evil-shop точка xyz', ['evil-shop точка xyz']],
    ['Наш магазин: магазин-дешево.рф', ['магазин-дешево.рф']],
    ['Канал t.me/evil_shop', ['t.me/evil_shop']],
    ['Корзина: shop.online/cart', ['shop.online/cart']],
    ['Напишите собака evil_seller', ['собака evil_seller']],
  ])(
    'when the draft «%s» has facts absent from the sources, then they are the findings',
    (draft, findings) => {
      expect(checkGrounding(draft, SOURCES)).toEqual({ grounded: false, findings });
    },
  );

  const SHOP = [
    'Пишите нам в WhatsApp или Telegram: @shop_help, новости на t.me/shop_news.',
    'Почта sale@shop.ru, каталог https://shop.ru/catalog, мы есть ВКонтакте.',
    'Доставка пятьсот рублей, подъём на этаж — две тысячи за всё.',
  ];
  it.each([
    'Пишите в вотсап или в телеграм.',
    'Наш телеграм @shop_help, канал t.me/shop_news.',
    'Почта: sale собака shop точка ру.',
    'Каталог на shop.ru/catalog, сайт shop.ru.',
    'Мы во ВКонтакте.',
    'Доставка 500 ₽, подъём 2 000 рублей.',
    'Доставка — пятьсот рублей.',
    'Макс. нагрузка не указана, т.е. уточню.',
    'Инструкция в файле manual.pdf.',
    'Это одна из лучших моделей.',
  ])('when the draft «%s» names only what the sources contain, then it is grounded', (draft) => {
    expect(checkGrounding(draft, SHOP)).toEqual({ grounded: true, findings: [] });
  });
});

describe('grounding guard properties over every class of fact', () => {
  const NEUTRAL = [
    'Доставка по городу — 1 500 ₽, 1–2 дня. Самовывоз со склада с 10:00 до 19:00.',
    'Телефон: +7 (999) 123-45-67, почта shop@example.org, сайт https://example.org/catalog/',
    'Гарантия 12 месяцев при сохранении чека.',
  ];
  const neutralNumbers = new Set([1500, ...[...NEUTRAL.join(' ').matchAll(/\d+/g)].map((m) => Number(m[0]))]);
  const absentFromNeutral = (f: GeneratedFact) => f.kind !== 'number' || !neutralNumbers.has(Number(f.key));

  it('property: when a draft names a number, amount, domain, e-mail, messenger or handle the sources lack, then it is flagged by name', () => {
    fc.assert(
      fc.property(anyFact.filter(absentFromNeutral), (fact) => {
        const result = checkGrounding(sentenceWith(fact), NEUTRAL);
        expect(result.grounded).toBe(false);
        expect(result.findings).toEqual([fact.surface]);
      }),
      { numRuns: 500 },
    );
  });

  it('property: when the sources state the same fact, in whatever form, then it is not flagged', () => {
    fc.assert(
      fc.property(anyFact, fc.boolean(), (fact, sameForm) => {
        const stated = sameForm ? fact.surface : fact.stated;
        const result = checkGrounding(sentenceWith(fact), [...NEUTRAL, `Для связи и заказа: ${stated}.`]);
        expect(result).toEqual({ grounded: true, findings: [] });
      }),
      { numRuns: 500 },
    );
  });

  it('property: when some facts of a draft are in the sources and some are not, then exactly the missing ones are flagged', () => {
    // A t.me link states the Telegram messenger too: here each stated fact must state only itself.
    const alone = anyFact.map((f) => (f.kind === 'handle' ? { ...f, stated: `@${f.key}` } : f));
    const facts = fc.uniqueArray(alone.filter(absentFromNeutral), {
      minLength: 1,
      maxLength: 5,
      selector: (f) => `${f.kind}:${f.key}`,
    });
    fc.assert(
      fc.property(
        facts.chain((list) =>
          fc.tuple(
            fc.constant(list),
            fc.array(fc.boolean(), { minLength: list.length, maxLength: list.length }),
          ),
        ),
        ([list, present]) => {
          const sources = [
            ...NEUTRAL,
            ...list.filter((_, i) => present[i]).map((f) => `Контакты: ${f.stated}.`),
          ];
          const result = checkGrounding(list.map(sentenceWith).join(' '), sources);
          const missing = list.filter((_, i) => !present[i]).map((f) => f.surface);
          expect(result.findings).toEqual(missing);
          expect(result.grounded).toBe(missing.length === 0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
