/**
 * Time formats of the simulated Calendar: RFC 3339 in and out, IANA zones through Intl's `longOffset`
 * (kept apart from the client's own zone code, so a bug in one cannot hide the same bug in the other).
 */

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const offsetFormats = new Map<string, Intl.DateTimeFormat>();
const wallFormats = new Map<string, Intl.DateTimeFormat>();

/** Whether Intl knows this IANA zone. */
export function knownZone(timeZone: string): boolean {
  try {
    offsetFormatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

function offsetFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = offsetFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    offsetFormats.set(timeZone, f);
  }
  return f;
}

/** "+03:00" / "Z"-free offset of a zone at an instant (`GMT` alone means +00:00). */
function offsetOf(ms: number, timeZone: string): string {
  const name = offsetFormatter(timeZone)
    .formatToParts(new Date(ms))
    .find((p) => p.type === 'timeZoneName')?.value;
  const m = /GMT([+-]\d{2}):?(\d{2})?/.exec(name ?? '');
  return m ? `${m[1]}:${m[2] ?? '00'}` : '+00:00';
}

function offsetMinutes(ms: number, timeZone: string): number {
  const [h, m] = offsetOf(ms, timeZone).split(':').map(Number) as [number, number];
  return h * 60 + (h < 0 ? -m : m);
}

/**
 * Parses an RFC 3339 date-time. Without an offset it is a wall time in `timeZone` (Calendar allows that
 * only when the `timeZone` field is given); undefined when unreadable or zone-less without a zone.
 */
export function parseDateTime(value: string, timeZone?: string): number | undefined {
  const m = RFC3339.exec(value);
  if (!m) return undefined;
  if (m[8] !== undefined) {
    const ms = Date.parse(value.toUpperCase());
    return Number.isNaN(ms) ? undefined : ms;
  }
  if (timeZone === undefined) return undefined;
  const naive = Date.UTC(
    Number(m[1]),
    Number(m[2]) - 1,
    Number(m[3]),
    Number(m[4]),
    Number(m[5]),
    Number(m[6]),
  );
  // Two rounds settle the offset except inside a DST gap, where the later offset wins.
  let guess = naive - offsetMinutes(naive, timeZone) * 60_000;
  guess = naive - offsetMinutes(guess, timeZone) * 60_000;
  return guess;
}

/** Midnight of an all-day `date` in `timeZone`; undefined when not `yyyy-mm-dd`. */
export function parseDate(value: string, timeZone: string): number | undefined {
  const m = DATE.exec(value);
  if (!m) return undefined;
  return parseDateTime(`${value}T00:00:00`, timeZone);
}

function wallFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = wallFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('sv-SE', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    wallFormats.set(timeZone, f);
  }
  return f;
}

/** `2026-06-01T15:00:00+03:00`: the instant as the zone's clock shows it, as Calendar echoes event times. */
export function formatInZone(ms: number, timeZone: string): string {
  const wall = wallFormatter(timeZone).format(new Date(ms)).replace(' ', 'T');
  return `${wall}${offsetOf(ms, timeZone)}`;
}

/** `2026-06-01T12:00:00Z`: UTC form for free/busy (its default zone) and read-only timestamps. */
export function formatUtc(ms: number, withMillis = false): string {
  const iso = new Date(ms).toISOString();
  return withMillis ? iso : iso.replace(/\.\d{3}Z$/, 'Z');
}
