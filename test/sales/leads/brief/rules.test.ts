import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BRIEF_FIELDS } from '../../../../src/sales/leads/brief/fields.js';
import { groundedInMessage } from '../../../../src/sales/leads/brief/grounding.js';
import { createRuleBriefExtractor, findByRule } from '../../../../src/sales/leads/brief/rules.js';

/** Wednesday, 6 May 2026 in the seller's zone. */
const today = { year: 2026, month: 5, day: 6 };

async function briefOf(text: string): Promise<Record<string, string | number>> {
  const found = await createRuleBriefExtractor().extract({
    fields: DEFAULT_BRIEF_FIELDS,
    messages: [{ id: 'm1', text, at: new Date('2026-05-06T10:00:00+03:00') }],
    current: {},
    today,
  });
  return Object.fromEntries(found.map((f) => [f.field, f.value]));
}

describe('the brief without a model, message by message', () => {
  it.each([
    [
      'Здравствуйте! Нужен угловой диван, 2 шт, к пятнице',
      { need: 'угловой диван', quantity: 2, deadline: '2026-05-08' },
    ],
    ['Хочу заказать 3 стула, бюджет 30к', { need: '3 стула', quantity: 3, budget: 3_000_000 }],
    [
      'Интересует шкаф-купе 2,5 м², до 15 мая, не дороже 50 000 ₽',
      { need: 'шкаф-купе 2,5 м²', quantity: 2.5, deadline: '2026-05-15', budget: 5_000_000 },
    ],
    ['Два кресла нужно через неделю', { quantity: 2, deadline: '2026-05-13' }],
    [
      'Бюджет до 50 тысяч, доставка в Химки, ул. Ленина, д. 5. Спасибо',
      { budget: 5_000_000, address: 'Химки, ул. Ленина, д. 5' },
    ],
    [
      'адрес: г. Москва, Профсоюзная 56, кв. 12, тел 89161234567',
      { address: 'г. Москва, Профсоюзная 56, кв. 12' },
    ],
    ['Привезите по адресу Тверская 7', { address: 'Тверская 7' }],
    ['к 15.05 успеете? в количестве 12', { deadline: '2026-05-15', quantity: 12 }],
    ['бюджет пятьдесят тысяч рублей', { budget: 5_000_000 }],
    ['Готов заплатить до 120 тыс.', { budget: 12_000_000 }],
    ['нужно к концу месяца', { deadline: '2026-05-31' }],
    ['нужно через две недели', { deadline: '2026-05-20' }],
    ['Ищу кухню под ключ', { need: 'кухню под ключ' }],
  ])('when the buyer writes %j, then the brief is %j', async (text, expected) => {
    expect(await briefOf(text)).toEqual(expected);
  });

  it.each([
    'Вы работаете в пятницу?',
    'Какой у вас адрес?',
    'Диван 260 на 160, можно посмотреть в 18:00?',
    'Нужно узнать цену',
    'Есть 3 цвета? Гарантия 2 года?',
    'Доставка на дом есть?',
    'Звонил 15 мая, никто не ответил',
    'У меня 2 этажа и лифта нет',
    'Цена 12 500 ₽ окончательная?',
    'до 15 успеете?',
  ])('when the buyer writes %j, then nothing is guessed', async (text) => {
    expect(await briefOf(text)).toEqual({});
  });

  it('when the need is already known, then a later «нужен» does not replace it', async () => {
    const found = await createRuleBriefExtractor().extract({
      fields: DEFAULT_BRIEF_FIELDS,
      messages: [{ id: 'm2', text: 'ещё нужен пуф', at: new Date() }],
      current: {
        need: {
          value: 'диван',
          source: { kind: 'message', messageId: 'm1' },
          quote: 'нужен диван',
          at: new Date(),
        },
      },
      today,
    });
    expect(found).toEqual([]);
  });
});

describe('rules and grounding agree', () => {
  const phrases = fc.constantFrom(
    'нужен диван',
    '2 шт',
    '3 стула',
    'к пятнице',
    'через 2 недели',
    'до 15 мая',
    'бюджет 30к',
    'до 50 тысяч',
    'не дороже 25 000 ₽',
    'доставка в Химки',
    'адрес: Тверская 7',
    'хочу заказать кухню',
    'в количестве 4',
  );
  const filler = fc.constantFrom('Здравствуйте', 'спасибо', 'подскажите', 'пожалуйста', 'Анна', '');

  it('property: whatever the rules read, the grounding check finds it in the message (nothing invented)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(phrases, filler), { minLength: 1, maxLength: 6 }), (parts) => {
        const text = parts.join(', ');
        for (const field of DEFAULT_BRIEF_FIELDS) {
          if (!field.rule) continue;
          const hit = findByRule(field.rule, text, today);
          if (!hit) continue;
          const quote = text.slice(hit.start, hit.end);
          expect(groundedInMessage(field, hit.value, quote, text, today)).toBe(true);
        }
      }),
      { numRuns: 500, seed: 11 },
    );
  });
});
