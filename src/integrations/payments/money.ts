/**
 * Money crosses the YooKassa boundary as decimal strings in rubles (`"1500.00"`); inside it is integer
 * kopecks. These two functions are the only place the two meet.
 */

/** 150000 → `"1500.00"`. Throws on anything but a non-negative safe integer. */
export function kopecksToDecimal(kopecks: number): string {
  if (!Number.isSafeInteger(kopecks) || kopecks < 0) {
    throw new RangeError(`expected a non-negative integer number of kopecks, got ${kopecks}`);
  }
  return `${Math.floor(kopecks / 100)}.${String(kopecks % 100).padStart(2, '0')}`;
}

/** `"1500.00"`, `"1500.5"` or `"1500"` → 150050-style kopecks; undefined for anything else. */
export function decimalToKopecks(value: string): number | undefined {
  const match = /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(value.trim());
  if (!match) return undefined;
  const kopecks = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return Number.isSafeInteger(kopecks) ? kopecks : undefined;
}
