import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findContacts, findEmails, findPhones } from '../../../src/sales/leads/contacts.js';

describe('contacts in real-looking buyer messages', () => {
  it.each([
    ['Мой телефон +7 916 123-45-67, звоните после 18:00', ['+79161234567'], []],
    ['8 (916) 123-45-67 Анна', ['+79161234567'], []],
    ['тел: 89161234567', ['+79161234567'], []],
    ['Звоните 7-916-123-45-67', ['+79161234567'], []],
    ['+7(916)1234567', ['+79161234567'], []],
    ['номер 916 123 45 67', ['+79161234567'], []],
    ['9161234567 — это мой', ['+79161234567'], []],
    ['8.916.123.45.67', ['+79161234567'], []],
    ['Рабочий (495) 123-45-67, доб. 12', ['+74951234567'], []],
    ['Городской 8 (812) 555 12 34', ['+78125551234'], []],
    ['звоните на 8 800 555-35-35', ['+78005553535'], []],
    ['+7 916 123 45 67 или 8 926 765 43 21', ['+79161234567', '+79267654321'], []],
    ['8 916 123 45 67 8 926 765 43 21', ['+79161234567', '+79267654321'], []],
    ['Доставка к 15.05 89161234567', ['+79161234567'], []],
    ['Пишите на почту ivan.petrov@mail.ru, спасибо', [], ['ivan.petrov@mail.ru']],
    ['E-mail: Anna.Smirnova+sofa@Yandex.RU.', [], ['anna.smirnova+sofa@yandex.ru']],
    ['почта иван@почта.рф и тел +79161234567', ['+79161234567'], ['иван@почта.рф']],
    ['заказ@магазин.рус', [], ['заказ@магазин.рус']],
  ])('when a buyer writes %j, then the contacts are found', (text, phones, emails) => {
    expect(findContacts(text)).toEqual({ phones, emails });
  });

  it.each([
    'Сколько стоит? У меня бюджет 12 500 ₽',
    'Видел за 1 250 000 руб у других',
    'Бюджет 4 500 000 000 рублей',
    'Нужно к 15.05.2026, в 18:00',
    'Доставка 2026-05-15',
    'Номер заказа 89161234567',
    'Заказ № 9161234567',
    'ИНН 7728054318, КПП 772801001, ОГРН 1217700415734',
    'ИНН 500100732259',
    'Объявление 4341979279 ещё актуально?',
    'https://www.avito.ru/moskva/mebel/divan_4341979279',
    'avito.ru/4341979279 вот это',
    'Счёт № 89161234567 оплачу завтра',
    'р/с 40702810538000123456 БИК 044525225',
    'Карта 2202 2063 1234 5678',
    'Размер 260 × 160 см, 2 шт, 3 этажа',
    'Шкаф 9161234567 мм', // nonsense, but a size is no phone
    'Белорусский +375 29 123-45-67',
    'СНИЛС 123-456-789 01',
    'Стоимость 8 916 000 ₽',
    '4341979279',
    'Мой ник @ivan_petrov в телеге, сайт shop.ru',
  ])('when a buyer writes %j, then no phone is invented', (text) => {
    expect(findPhones(text)).toEqual([]);
  });

  it('when a message has no "@" with a domain after it, then no e-mail is found', () => {
    expect(findEmails('пишите в телеграм @ivan или ivan собака mail')).toEqual([]);
    expect(findEmails('ivan@localhost')).toEqual([]);
  });
});

const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n });
/** A Russian mobile number's ten national digits, starting with 9. */
const mobile = digits(9).map((d) => `9${d.join('')}`);
/** Filler words between contacts: letters only, no digits, no "@". */
const filler = fc
  .array(
    fc.constantFrom('здравствуйте', 'диван', 'нужен', 'срочно', 'Анна', 'спасибо', 'звоните', 'вечером', ','),
    {
      maxLength: 6,
    },
  )
  .map((w) => w.join(' '));

/** The ways people write a number: prefix, grouping, separators, brackets. */
function written(national: string, style: number, sep: string): string {
  const [a, b, c, d] = [national.slice(0, 3), national.slice(3, 6), national.slice(6, 8), national.slice(8)];
  switch (style) {
    case 0:
      return `+7 ${a} ${b}${sep}${c}${sep}${d}`;
    case 1:
      return `8 (${a}) ${b}${sep}${c}${sep}${d}`;
    case 2:
      return `8${national}`;
    case 3:
      return `+7${national}`;
    case 4:
      return `7${sep}${a}${sep}${b}${sep}${c}${sep}${d}`;
    case 5:
      return `+7(${a})${b}${sep}${c}${d}`;
    default:
      return `${a} ${b} ${c} ${d}`;
  }
}

describe('contacts, properties', () => {
  it('property: a mobile written in any usual way among words is found, once, in E.164', () => {
    fc.assert(
      fc.property(
        mobile,
        fc.integer({ min: 0, max: 6 }),
        fc.constantFrom('-', ' ', '.', '–'),
        filler,
        filler,
        (national, style, sep, before, after) => {
          const text = `${before} ${written(national, style, sep)} ${after}`;
          expect(findPhones(text)).toEqual([`+7${national}`]);
        },
      ),
      { numRuns: 400, seed: 7 },
    );
  });

  it('property: whatever the text, every phone found is made of digits the buyer typed, in a row', () => {
    const chars = fc.constantFrom(...'0123456789 +-().₽№,:абвгд@.ru'.split(''));
    fc.assert(
      fc.property(
        fc.array(chars, { maxLength: 80 }).map((c) => c.join('')),
        (text) => {
          const all = text.replace(/\D/g, '');
          for (const phone of findPhones(text)) {
            expect(phone).toMatch(/^\+7[3489]\d{9}$/);
            expect(all).toContain(phone.slice(2));
          }
        },
      ),
      { numRuns: 1000, seed: 8 },
    );
  });

  it('property: prices, dates and numbered documents hold no phone', () => {
    const amount = fc
      .integer({ min: 1, max: 9_999_999_999 })
      .map((n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' '));
    const price = fc
      .tuple(amount, fc.constantFrom(' ₽', ' руб', ' руб.', 'р', ' рублей', ' тыс', 'к'))
      .map(([a, c]) => `${a}${c}`);
    const date = fc
      .tuple(
        fc.integer({ min: 1, max: 28 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 2020, max: 2030 }),
      )
      .chain(([d, m, y]) =>
        fc.constantFrom(
          `${String(d).padStart(2, '0')}.${String(m).padStart(2, '0')}.${y}`,
          `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
          `${d}.${m}`,
        ),
      );
    const numbered = fc
      .tuple(
        fc.constantFrom('Заказ №', 'заказ', 'ИНН', 'Счёт №', 'артикул', 'объявление', 'ОГРН', '#'),
        digits(10),
      )
      .map(([w, d]) => `${w} ${d.join('')}`);
    const avitoId = fc.integer({ min: 1_000_000_000, max: 4_999_999_999 }).map((n) => `${n}`);
    fc.assert(
      fc.property(fc.oneof(price, date, numbered, avitoId), filler, (thing, words) => {
        expect(findPhones(`${words} ${thing} ${words}`)).toEqual([]);
      }),
      { numRuns: 1000, seed: 9 },
    );
  });

  it('property: an e-mail among words is found in lower case, Cyrillic domains included', () => {
    const label = fc.stringMatching(/^[a-zа-я][a-zа-я0-9]{0,8}$/);
    const tld = fc.constantFrom('ru', 'com', 'рф', 'рус', 'org');
    fc.assert(
      fc.property(label, label, tld, filler, (local, domain, top, words) => {
        const email = `${local}@${domain}.${top}`;
        expect(findEmails(`${words} ${email.toUpperCase()}, ${words}`)).toEqual([email]);
      }),
      { numRuns: 300, seed: 10 },
    );
  });
});
