import { z } from 'zod';

/** Bad input to a store method: a programming or data error, never a transient one. */
export class StoreValidationError extends Error {
  constructor(
    readonly field: string,
    detail: string,
  ) {
    super(`Invalid ${field}: ${detail}`);
    this.name = 'StoreValidationError';
  }
}

const ID_CHARS = /^[\x21-\x7e]+$/;
// Printable, no whitespace: Avito ids (`u2i-…`, digits), our UUIDs, Telegram ids.
const idSchema = z
  .string()
  .min(1, { error: 'must not be empty' })
  .max(200, { error: 'must be at most 200 characters' })
  .regex(ID_CHARS, { error: 'must be printable ASCII without spaces' });

const keySchema = z
  .string()
  .min(1, { error: 'must not be empty' })
  .max(500, { error: 'must be at most 500 characters' });

/** Checks an id before it reaches a query; throws {@link StoreValidationError} with a clear reason. */
export function checkId(field: string, value: unknown): string {
  // Every store call checks its ids: a valid one passes without building zod's result; zod words the reason.
  if (typeof value === 'string' && value.length <= 200 && ID_CHARS.test(value)) return value;
  const parsed = idSchema.safeParse(value);
  if (!parsed.success) {
    const detail =
      typeof value === 'string' ? parsed.error.issues[0]?.message : `expected a string, got ${typeof value}`;
    throw new StoreValidationError(field, detail ?? 'invalid');
  }
  return parsed.data;
}

export function checkKey(field: string, value: unknown): string {
  const parsed = keySchema.safeParse(value);
  if (!parsed.success) throw new StoreValidationError(field, parsed.error.issues[0]?.message ?? 'invalid');
  return parsed.data;
}

/** A duration in milliseconds: a positive integer (a lease's time to live). */
export function checkDuration(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new StoreValidationError(
      field,
      `expected a positive integer of milliseconds, got ${String(value)}`,
    );
  }
  return value;
}

export function checkLimit(value: number | undefined, fallback: number, max = 1000): number {
  const limit = value ?? fallback;
  if (!Number.isInteger(limit) || limit < 0 || limit > max) {
    throw new StoreValidationError('limit', `expected an integer from 0 to ${max}, got ${String(value)}`);
  }
  return limit;
}

export function checkDate(field: string, value: unknown): Date {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new StoreValidationError(field, 'expected a valid Date');
  }
  return value;
}
