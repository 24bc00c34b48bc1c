import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Brief } from '../../../../src/models/records.js';
import { DEFAULT_BRIEF_FIELDS } from '../../../../src/sales/leads/brief/fields.js';
import { mergeExtracted } from '../../../../src/sales/leads/brief/merge.js';

const today = { year: 2026, month: 5, day: 6 };
const now = new Date('2026-05-06T12:00:00+03:00');
const messages = [
  { id: 'm1', text: 'Здравствуйте, нужен диван, 2 шт', at: new Date('2026-05-06T11:00:00+03:00') },
  {
    id: 'm2',
    text: 'Лучше 3 штуки, к пятнице, бюджет до 90 тысяч',
    at: new Date('2026-05-06T11:01:00+03:00'),
  },
];
const merge = (extracted: unknown[], current: Brief = {}) =>
  mergeExtracted({ current, extracted, fields: DEFAULT_BRIEF_FIELDS, messages, today, now });

describe('merging extracted values into the brief', () => {
  it('when values stand in the buyer’s words, then they are taken with their message and quote', () => {
    const r = merge([
      { field: 'need', value: 'диван', messageId: 'm1', quote: 'нужен диван' },
      { field: 'quantity', value: 2, messageId: 'm1', quote: '2 шт' },
      { field: 'deadline', value: '2026-05-08', messageId: 'm2', quote: 'к пятнице' },
      { field: 'budget', value: 9_000_000, messageId: 'm2', quote: 'до 90 тысяч' },
    ]);
    expect(r.rejected).toEqual([]);
    expect(r.changed.sort()).toEqual(['budget', 'deadline', 'need', 'quantity']);
    expect(r.brief.quantity).toEqual({
      value: 2,
      source: { kind: 'message', messageId: 'm1' },
      quote: '2 шт',
      at: now,
    });
  });

  it('when a later message changes a value, then the later one stays, whatever the order given', () => {
    const r = merge([
      { field: 'quantity', value: 3, messageId: 'm2', quote: '3 штуки' },
      { field: 'quantity', value: 2, messageId: 'm1', quote: '2 шт' },
    ]);
    expect(r.brief.quantity?.value).toBe(3);
  });

  it('when a model invents a value, then it is refused: not in the quote, or the quote not in the message', () => {
    const r = merge([
      { field: 'quantity', value: 5, messageId: 'm1', quote: '2 шт' },
      { field: 'quantity', value: 5, messageId: 'm1', quote: '5 шт' },
      { field: 'address', value: 'Москва, Тверская 1', messageId: 'm2', quote: 'доставка в Москву' },
      { field: 'budget', value: 10_000_000, messageId: 'm2', quote: 'до 90 тысяч' },
      { field: 'deadline', value: '2026-05-15', messageId: 'm2', quote: 'к пятнице' },
      { field: 'need', value: 'кресло', messageId: 'm1', quote: 'нужен диван' },
    ]);
    expect(r.changed).toEqual([]);
    expect(r.rejected.map((x) => x.because)).toEqual(Array(6).fill('not_grounded'));
  });

  it('when values are malformed, of an unknown field or message, or of the wrong type, then each is refused', () => {
    const r = merge([
      { field: 'quantity', value: 2 },
      { field: 'colour', value: 'синий', messageId: 'm1', quote: 'диван' },
      { field: 'quantity', value: 2, messageId: 'm9', quote: '2 шт' },
      { field: 'deadline', value: 'в пятницу', messageId: 'm2', quote: 'к пятнице' },
    ]);
    expect(r.rejected.map((x) => x.because).sort()).toEqual([
      'malformed',
      'unknown_field',
      'unknown_message',
      'wrong_type',
    ]);
  });

  it('when the owner set or cleared a field, then no extracted value replaces it', () => {
    const owner = { kind: 'owner' as const, actor: 'tg:1' };
    const current: Brief = {
      quantity: { value: 10, source: owner, quote: null, at: now },
      budget: { value: null, source: owner, quote: null, at: now },
    };
    const r = merge(
      [
        { field: 'quantity', value: 3, messageId: 'm2', quote: '3 штуки' },
        { field: 'budget', value: 9_000_000, messageId: 'm2', quote: 'до 90 тысяч' },
      ],
      current,
    );
    expect(r.changed).toEqual([]);
    expect(r.brief).toEqual(current);
  });

  it('property: a number the messages do not contain never gets into the brief', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 100_000 }).filter((n) => n !== 90 && n !== 90_000),
        fc.constantFrom('m1', 'm2'),
        fc.constantFrom('2 шт', '3 штуки', 'до 90 тысяч', 'нужен диван'),
        (n, messageId, quote) => {
          const r = merge([
            { field: 'quantity', value: n, messageId, quote },
            { field: 'budget', value: n * 100, messageId, quote },
            { field: 'quantity', value: n, messageId, quote: `${n} шт` },
          ]);
          expect(r.changed).toEqual([]);
        },
      ),
      { numRuns: 300, seed: 12 },
    );
  });
});
