/** From mongoose's lean documents to the plain records of the port, and the helpers every repository shares. */
import { StoreValidationError } from '../validate.js';

/** A lean document as the driver returns it. */
export type Doc = Record<string, unknown> & { _id?: unknown };

/** Lean document → plain record: `_id` becomes `id`, nothing of mongoose leaks out. */
export function plain<T>(doc: Doc | null | undefined, drop: string[] = []): T | null {
  if (!doc) return null;
  const { _id, ...rest } = doc;
  for (const key of drop) delete rest[key];
  return { id: String(_id), ...rest } as T;
}

/** A BSON Binary or Buffer, as a lean query returns it, as bytes. */
export function toBytes(value: unknown, field = 'embedding vector'): Uint8Array {
  if (value instanceof Uint8Array) return value;
  if (value && typeof value === 'object' && 'buffer' in value && value.buffer instanceof Uint8Array)
    return value.buffer;
  throw new StoreValidationError(field, 'the stored value is not binary');
}

/** The duplicate-key error (E11000): an insert-once that found its record already there. */
export const isDuplicateKey = (err: unknown) =>
  typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 11000;

/** A patch without its `undefined` fields, so `$set` leaves them as they are. */
export function definedOnly<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}
