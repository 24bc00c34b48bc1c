import { groupThousands } from './money.js';

/**
 * A quantity in thousandths of a unit (`2.5 м²` → 2500), so fractional units (м², м, кг, ч) stay integers.
 * Three decimals are enough for every unit a seller prices by (1 мм of a metre, 1 г of a kilogram).
 */
export type Milli = number;

export const MILLI = 1000;
/** At most a million units of anything in one line. */
export const MAX_QUANTITY: Milli = 1_000_000 * MILLI;

const QUANTITY = /^(\d{1,7})(?:[.,](\d{1,3}))?$/;

/** Parses `3`, `2.5`, `"2,5"`, `"1 200"` into thousandths; an error message when it is not a quantity. */
export function parseQuantity(input: unknown): { ok: true; milli: Milli } | { ok: false; error: string } {
  const text = typeof input === 'number' && Number.isFinite(input) ? String(input) : input;
  if (typeof text !== 'string') return { ok: false, error: 'expected a quantity like 3 or 2.5' };
  const m = QUANTITY.exec(text.trim().replace(/[\s\u00a0]/g, ''));
  if (!m) {
    return {
      ok: false,
      error: `expected a quantity like 3 or 2.5 (at most 3 decimals), got ${JSON.stringify(text)}`,
    };
  }
  const milli = Number(m[1]) * MILLI + Number((m[2] ?? '').padEnd(3, '0'));
  if (milli > MAX_QUANTITY) return { ok: false, error: `expected at most ${MAX_QUANTITY / MILLI}` };
  return { ok: true, milli };
}

/** 2500 → "2,5"; 3000 → "3"; 1200000 → "1 200" (Russian decimal comma, no trailing zeros). */
export function formatQuantity(milli: Milli): string {
  const whole = groupThousands(String(Math.trunc(milli / MILLI)));
  const frac = String(milli % MILLI)
    .padStart(3, '0')
    .replace(/0+$/, '');
  return frac ? `${whole},${frac}` : whole;
}

/** 2500 → 2.5 for JSON: thousandths are exact in a double. */
export function quantityNumber(milli: Milli): number {
  return milli / MILLI;
}
