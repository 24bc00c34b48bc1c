import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkId, StoreValidationError } from '../../src/store/validate.js';

// The rule as written before checkId got its fast path: the fast path must accept exactly what this accepts.
const idRule = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/);

describe('checkId', () => {
  it('when any value is checked, then it is accepted exactly when the id rule accepts it, and returned unchanged', () => {
    const candidates = fc.oneof(
      fc.string({ maxLength: 210 }),
      fc.string({ unit: fc.constantFrom('a', '~', '!', ' ', 'я', '\t', '\u007f'), maxLength: 205 }),
      fc.string({ unit: fc.constantFrom('u', '2', 'i', '-', '~'), minLength: 195, maxLength: 205 }),
      fc.anything(),
    );
    fc.assert(
      fc.property(candidates, (value) => {
        const valid = idRule.safeParse(value).success;
        if (valid) expect(checkId('chat id', value)).toBe(value);
        else expect(() => checkId('chat id', value)).toThrow(StoreValidationError);
      }),
      { numRuns: 2000 },
    );
  });

  it('when an id is empty, too long, spaced or not a string, then the error says which', () => {
    expect(() => checkId('chat id', '')).toThrow('Invalid chat id: must not be empty');
    expect(() => checkId('chat id', 'x'.repeat(201))).toThrow('must be at most 200 characters');
    expect(() => checkId('chat id', 'u2i chat')).toThrow('must be printable ASCII without spaces');
    expect(() => checkId('chat id', 42)).toThrow('expected a string, got number');
  });
});
