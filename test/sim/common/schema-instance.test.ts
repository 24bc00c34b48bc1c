import { describe, expect, it } from 'vitest';
import { minimalInstance } from '../../../sim/common/schema-instance.js';

describe('the smallest instance of a JSON schema (what a simulated model answers in JSON mode)', () => {
  it('when an object has required properties, then only those are given, each at its own smallest', () => {
    expect(
      minimalInstance({
        type: 'object',
        properties: {
          values: { type: 'array', items: { type: 'object' } },
          count: { type: 'integer', minimum: 1 },
          kind: { type: 'string', enum: ['lead', 'deal'] },
          done: { type: 'boolean' },
          note: { type: 'string' },
        },
        required: ['values', 'count', 'kind', 'done'],
      }),
    ).toEqual({ values: [], count: 1, kind: 'lead', done: false });
  });

  it('when the schema is OpenAPI-style (Gemini responseSchema), then upper-case types and nullable are read', () => {
    expect(
      minimalInstance({
        type: 'OBJECT',
        properties: {
          when: { type: 'STRING', nullable: true },
          tags: { type: 'ARRAY', minItems: 1, items: { type: 'STRING' } },
        },
        required: ['when', 'tags'],
      }),
    ).toEqual({ when: null, tags: [''] });
  });

  it('when there are alternatives, a type list or no schema, then the first alternative, null, or an empty object', () => {
    expect(minimalInstance({ anyOf: [{ type: 'number' }, { type: 'string' }] })).toBe(0);
    expect(minimalInstance({ type: ['string', 'null'] })).toBeNull();
    expect(minimalInstance({ const: 'fixed' })).toBe('fixed');
    expect(minimalInstance(undefined)).toEqual({});
  });
});
