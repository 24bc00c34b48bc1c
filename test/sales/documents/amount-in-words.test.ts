import { describe, expect, it } from 'vitest';
import { amountInWords, numberInWords } from '../../../src/sales/documents/amount-in-words.js';

const rub = (rubles: number, kopecks = 0) => amountInWords(rubles * 100 + kopecks);

describe('amountInWords', () => {
  it('when rubles are 0, 1, 2, 5, 11, 21, 1 000 000, then the number and «рубль» agree', () => {
    expect(rub(0)).toBe('Ноль рублей 00 копеек');
    expect(rub(1)).toBe('Один рубль 00 копеек');
    expect(rub(2)).toBe('Два рубля 00 копеек');
    expect(rub(5)).toBe('Пять рублей 00 копеек');
    expect(rub(11)).toBe('Одиннадцать рублей 00 копеек');
    expect(rub(21)).toBe('Двадцать один рубль 00 копеек');
    expect(rub(1_000_000)).toBe('Один миллион рублей 00 копеек');
  });

  it('when there are thousands, then «тысяча» is feminine and declines', () => {
    expect(rub(12_500)).toBe('Двенадцать тысяч пятьсот рублей 00 копеек');
    expect(rub(1_000)).toBe('Одна тысяча рублей 00 копеек');
    expect(rub(2_000)).toBe('Две тысячи рублей 00 копеек');
    expect(rub(21_001)).toBe('Двадцать одна тысяча один рубль 00 копеек');
    expect(rub(11_000)).toBe('Одиннадцать тысяч рублей 00 копеек');
    expect(rub(2_002_002)).toBe('Два миллиона две тысячи два рубля 00 копеек');
    expect(rub(1_000_000_000)).toBe('Один миллиард рублей 00 копеек');
    expect(rub(76_410)).toBe('Семьдесят шесть тысяч четыреста десять рублей 00 копеек');
  });

  it('when there are kopecks, then they are two digits with «копейка» declined', () => {
    expect(rub(0, 1)).toBe('Ноль рублей 01 копейка');
    expect(rub(0, 2)).toBe('Ноль рублей 02 копейки');
    expect(rub(0, 5)).toBe('Ноль рублей 05 копеек');
    expect(rub(3, 11)).toBe('Три рубля 11 копеек');
    expect(rub(100, 21)).toBe('Сто рублей 21 копейка');
    expect(rub(114, 99)).toBe('Сто четырнадцать рублей 99 копеек');
  });

  it('when a noun is feminine, then one and two agree with it', () => {
    expect(numberInWords(1n, true)).toBe('одна');
    expect(numberInWords(2n, true)).toBe('две');
    expect(numberInWords(312n)).toBe('триста двенадцать');
  });
});
