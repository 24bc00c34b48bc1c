/**
 * Money inside the sales core: integer kopecks (`number`, always a safe integer). Products and ratios are
 * computed in `bigint` and converted back once, so no step ever rounds through a float.
 */
export type Kopecks = number;

/** The largest amount we accept or produce: 10 trillion rubles, far below `Number.MAX_SAFE_INTEGER`. */
export const MAX_KOPECKS = 1_000_000_000_000_000;

/** An amount out of range: the catalogue or the order is absurdly large. */
export class AmountOverflowError extends Error {
  override name = 'AmountOverflowError';
}

/** Back from bigint arithmetic, refusing what would not be exact or sane. */
export function toKopecks(value: bigint): Kopecks {
  if (value > BigInt(MAX_KOPECKS) || value < -BigInt(MAX_KOPECKS)) {
    throw new AmountOverflowError(`amount out of range: ${value} kopecks (at most ${MAX_KOPECKS})`);
  }
  return Number(value);
}

export type RoundingMode = 'half_up' | 'up' | 'down';

/** `n / d` rounded to an integer (`n ≥ 0`, `d > 0`); half-up rounds .5 away from zero. */
export function roundDiv(n: bigint, d: bigint, mode: RoundingMode = 'half_up'): bigint {
  if (d <= 0n) throw new RangeError('divisor must be positive');
  if (n < 0n) return -roundDiv(-n, d, mode === 'up' ? 'down' : mode === 'down' ? 'up' : mode);
  const q = n / d;
  const r = n % d;
  if (r === 0n) return q;
  if (mode === 'down') return q;
  if (mode === 'up') return q + 1n;
  return 2n * r >= d ? q + 1n : q;
}

/** `n / d` kopecks rounded to a multiple of `step` kopecks. */
export function roundToStep(n: bigint, d: bigint, step: Kopecks, mode: RoundingMode): bigint {
  const s = BigInt(step);
  return roundDiv(n, d * s, mode) * s;
}

const SPACES = /[\s\u00a0\u2009\u202f']/g;
const CURRENCY = /(₽|руб\.?|рублей|рубля|рубль|р\.|rub)$/i;
const AMOUNT = /^(\d{1,13})(?:[.,](\d{1,2}))?$/;

/**
 * Parses an amount in rubles as a seller writes it: `12500`, `12500.5`, `"12 500,50 ₽"`, `"12 500 руб."`.
 * Spaces group thousands; `.` or `,` separates at most two kopeck digits. Returns the kopecks, or an
 * error message when the text is not such an amount (a float like 0.1 + 0.2 never gets here as text).
 */
export function parseRubles(input: unknown): { ok: true; kopecks: Kopecks } | { ok: false; error: string } {
  let text: string;
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return { ok: false, error: 'expected an amount in rubles' };
    // Shortest round-trip form: 12500.5 → "12500.5", exact for any amount with two decimals.
    text = String(input);
  } else if (typeof input === 'string') text = input;
  else return { ok: false, error: 'expected an amount in rubles, like 12500 or "12 500,50"' };
  const compact = text.trim().replace(CURRENCY, '').replace(SPACES, '');
  if (compact.startsWith('-')) return { ok: false, error: 'expected a positive amount' };
  const m = AMOUNT.exec(compact);
  if (!m) {
    return {
      ok: false,
      error: /[.,]\d{3,}$/.test(compact)
        ? 'expected at most 2 digits of kopecks (group thousands with spaces: "12 500,50")'
        : `expected an amount in rubles, like 12500, 12500.50 or "12 500,50 ₽", got ${JSON.stringify(text)}`,
    };
  }
  const kopecks = BigInt(m[1]!) * 100n + BigInt((m[2] ?? '').padEnd(2, '0'));
  if (kopecks > BigInt(MAX_KOPECKS)) return { ok: false, error: 'amount too large' };
  return { ok: true, kopecks: Number(kopecks) };
}

/** `1250050` → `"12500.50"`: the machine form (JSON, payment APIs). */
export function formatRublesDecimal(kopecks: Kopecks): string {
  const sign = kopecks < 0 ? '-' : '';
  const abs = Math.abs(kopecks);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

const NBSP = '\u00a0';

/** Groups thousands with no-break spaces: 1234567 → "1 234 567". */
export function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, NBSP);
}

/**
 * `1250050` → `"12 500,00"` (no-break spaces, so an amount never wraps): the human form of documents;
 * `withSign` adds `₽`.
 */
export function formatRubles(kopecks: Kopecks, options: { withSign?: boolean } = {}): string {
  const sign = kopecks < 0 ? '−' : '';
  const abs = Math.abs(kopecks);
  const text = `${sign}${groupThousands(String(Math.trunc(abs / 100)))},${String(abs % 100).padStart(2, '0')}`;
  return options.withSign ? `${text}${NBSP}₽` : text;
}
