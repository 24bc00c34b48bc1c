import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FilterSyntaxError,
  type MetadataEntry,
  matchesFilter,
  parseMetadataFilter,
} from '../../sim/gemini/metadata-filter.js';
import { chunkText, stem, terms } from '../../sim/gemini/text.js';

const meta: MetadataEntry[] = [
  { key: 'item_id', stringValue: '123' },
  { key: 'scope', stringValue: 'item' },
  { key: 'price', numericValue: 1500 },
  { key: 'tags', stringListValue: { values: ['sofa', 'grey'] } },
];

const match = (f: string, m: MetadataEntry[] = meta) => matchesFilter(parseMetadataFilter(f), m);

describe('Gemini simulator: AIP-160 metadata filter', () => {
  it('when a filter uses =, != and comparisons, then string, list and numeric values are compared', () => {
    expect(match('item_id = "123"')).toBe(true);
    expect(match("item_id = '123'")).toBe(true);
    expect(match('item_id = 123')).toBe(true);
    expect(match('item_id = "124"')).toBe(false);
    expect(match('item_id != "124"')).toBe(true);
    expect(match('price = 1500')).toBe(true);
    expect(match('price > 1000 AND price <= 1500')).toBe(true);
    expect(match('price < 1000')).toBe(false);
    expect(match('tags = "grey"')).toBe(true);
    expect(match('tags:"sofa"')).toBe(true);
    expect(match('missing = "x"')).toBe(false);
    expect(match('missing != "x"')).toBe(true);
    expect(match('chunk.custom_metadata.item_id = "123"')).toBe(true);
  });

  it('when AND and OR are mixed, then OR binds tighter than AND', () => {
    // scope = "general" AND (item_id = "123" OR price = 1500) -> false
    expect(match('scope = "general" AND item_id = "123" OR price = 1500')).toBe(false);
    expect(match('(scope = "general" AND item_id = "123") OR price = 1500')).toBe(true);
    expect(match('item_id = "123" OR scope = "x" AND price = 1')).toBe(false);
  });

  it('when NOT, - and juxtaposition are used, then they negate and conjoin', () => {
    expect(match('NOT scope = "item"')).toBe(false);
    expect(match('-scope = "general"')).toBe(true);
    expect(match('NOT (scope = "general" OR item_id = "1")')).toBe(true);
    expect(match('scope = "item" item_id = "123"')).toBe(true);
    expect(match('scope = "item" item_id = "1"')).toBe(false);
    expect(match('price > -5')).toBe(true);
  });

  it('when the filter is empty, then everything matches', () => {
    expect(parseMetadataFilter('')).toBeUndefined();
    expect(parseMetadataFilter('   ')).toBeUndefined();
    expect(match('')).toBe(true);
  });

  it('when the syntax is wrong, then FilterSyntaxError', () => {
    for (const bad of [
      'item_id',
      'item_id =',
      '= "1"',
      '(item_id = "1"',
      'item_id = "1")',
      'item_id = "1',
      'item_id = "1" AND',
      'price > "abc"',
      'a = "1" and b = "2"',
      'a ! "1"',
      'NOT',
    ]) {
      expect(() => parseMetadataFilter(bad), bad).toThrow(FilterSyntaxError);
    }
  });

  it('when random clauses are combined, then AIP-160 precedence and De Morgan hold', () => {
    const clause = fc.constantFrom(
      'item_id = "123"',
      'item_id = "9"',
      'scope = "item"',
      'scope = "general"',
      'price >= 1000',
      'price < 10',
      'tags = "sofa"',
      'nope = "x"',
    );
    fc.assert(
      fc.property(clause, clause, clause, (a, b, c) => {
        const va = match(a);
        const vb = match(b);
        const vc = match(c);
        expect(match(`${a} AND ${b} OR ${c}`)).toBe(va && (vb || vc));
        expect(match(`${a} OR ${b} AND ${c}`)).toBe((va || vb) && vc);
        expect(match(`NOT (${a} AND ${b})`)).toBe(match(`NOT ${a} OR NOT ${b}`));
        expect(match(`(${a} OR ${b}) AND NOT ${c}`)).toBe((va || vb) && !vc);
      }),
    );
  });
});

describe('Gemini simulator: text helpers', () => {
  it('when Russian word forms differ only by ending, then they stem alike', () => {
    expect(stem('доставка')).toBe(stem('доставку'));
    expect(stem('доставки')).toBe(stem('доставкой'));
    expect(stem('Ёлка')).toBe(stem('елки'));
    // Greetings and stopwords are dropped; the rest is lowercased and stemmed.
    expect(terms('Здравствуйте, сколько СТОИТ доставка?')).toEqual([
      stem('сколько'),
      stem('стоит'),
      'доставк',
    ]);
    expect(terms('Hello, do you ship parcels?')).toEqual(['ship', 'parcel']);
  });

  it('when text is chunked, then every word is in some chunk and chunks respect the size', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 2, max: 50 }),
        fc.nat(60),
        (n, size, ov) => {
          const words = Array.from({ length: n }, (_, i) => `w${i}`);
          const chunks = chunkText(words.join('\n'), size, ov);
          const seen = new Set(chunks.flatMap((c) => c.text.split(/\s+/)));
          expect(seen.size).toBe(n);
          for (const c of chunks) expect(c.text.split(/\s+/).length).toBeLessThanOrEqual(size);
        },
      ),
    );
  });
});
