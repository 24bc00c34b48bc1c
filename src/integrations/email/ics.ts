import { zoneOffsetMinutes } from '../../lib/zoned-time.js';

/**
 * iCalendar (RFC 5545) for a booking: one VEVENT in a VCALENDAR with an iTIP method (RFC 5546). Lines
 * end with CRLF and fold at 75 octets (UTF-8 bytes, so Cyrillic folds sooner); TEXT values are escaped.
 */

/** A person on the invitation. */
export interface IcsPerson {
  email: string;
  name?: string;
}

export interface IcsEvent {
  /** Globally unique and stable per booking (e.g. `<booking id>@<our domain>`). */
  uid: string;
  /** Bumped on every change of an already-sent invitation (reschedule, cancel). */
  sequence?: number;
  /** When this version of the object was created. */
  stamp: Date;
  start: Date;
  end: Date;
  /**
   * `utc` (default): `DTSTART:20270607T070000Z`. `zoned`: `DTSTART;TZID=<zone>:20270607T100000` with a
   * VTIMEZONE built from the zone's offsets around the event.
   */
  times?: { kind: 'utc' } | { kind: 'zoned'; timeZone: string };
  summary: string;
  description?: string;
  location?: string;
  /** REQUEST and CANCEL need an organizer and attendees (RFC 5546 §3.2). */
  organizer?: IcsPerson;
  attendees?: IcsPerson[];
  /** Minutes before the start for a display reminder. */
  reminderMinutes?: number;
}

export type IcsMethod = 'PUBLISH' | 'REQUEST' | 'CANCEL';

/** TEXT escaping (RFC 5545 §3.3.11): backslash, semicolon, comma, newline. */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');
}

/** A parameter value (CN=…): quoted when it holds `:;,`; DQUOTE and controls are not allowed at all. */
function paramValue(value: string): string {
  const clean = value.replace(/["\x00-\x1f\x7f]/g, '');
  return /[:;,]/.test(clean) ? `"${clean}"` : clean;
}

/** Folds one content line so no physical line exceeds 75 octets, never splitting a UTF-8 character. */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let bytes = 0;
  let limit = 75;
  for (const char of line) {
    const size = Buffer.byteLength(char);
    if (bytes + size > limit) {
      parts.push(current);
      current = '';
      bytes = 0;
      // A continuation line starts with a space, which counts towards its 75 octets.
      limit = 74;
    }
    current += char;
    bytes += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function utcStamp(date: Date): string {
  return (
    `${pad(date.getUTCFullYear(), 4)}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}` +
    `T${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}Z`
  );
}

/** Local time of `ms` in a zone as iCalendar DATE-TIME without `Z`. */
function localStamp(ms: number, offset: number): string {
  return utcStamp(new Date(ms + offset * 60_000)).slice(0, -1);
}

function offsetText(minutes: number): string {
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}${pad(abs % 60)}`;
}

/**
 * VTIMEZONE lines covering `from`–`to` (RFC 5545 §3.6.5): one observance per offset in force, each
 * starting at the transition found by scanning the zone (Intl), so no tz database of our own is needed.
 */
function vtimezone(timeZone: string, from: number, to: number): string[] {
  const DAY = 86_400_000;
  const MINUTE = 60_000;
  // Whole minutes, so the bisection lands on the minute of the change (zones change on minute boundaries).
  const scanStart = Math.floor((from - 400 * DAY) / MINUTE) * MINUTE;
  const transitions: Array<{ at: number; before: number; after: number }> = [];
  let previous = zoneOffsetMinutes(timeZone, scanStart);
  for (let t = scanStart + DAY; t <= to + DAY; t += DAY) {
    const offset = zoneOffsetMinutes(timeZone, t);
    if (offset === previous) continue;
    let lo = t - DAY;
    let hi = t;
    while (hi - lo > MINUTE) {
      const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
      if (zoneOffsetMinutes(timeZone, mid) === previous) lo = mid;
      else hi = mid;
    }
    transitions.push({ at: hi, before: previous, after: offset });
    previous = offset;
  }
  const lines = ['BEGIN:VTIMEZONE', `TZID:${timeZone}`];
  const observance = (kind: 'STANDARD' | 'DAYLIGHT', at: number, before: number, after: number) => [
    `BEGIN:${kind}`,
    `DTSTART:${localStamp(at, before)}`,
    `TZOFFSETFROM:${offsetText(before)}`,
    `TZOFFSETTO:${offsetText(after)}`,
    `END:${kind}`,
  ];
  if (transitions.length === 0) {
    const offset = zoneOffsetMinutes(timeZone, from);
    lines.push(...observance('STANDARD', Date.UTC(1970, 0, 1), offset, offset));
  } else {
    const first = transitions[0]!;
    lines.push(...observance('STANDARD', scanStart, first.before, first.before));
    for (const t of transitions)
      lines.push(...observance(t.after > t.before ? 'DAYLIGHT' : 'STANDARD', t.at, t.before, t.after));
  }
  lines.push('END:VTIMEZONE');
  return lines;
}

function person(kind: 'ORGANIZER' | 'ATTENDEE', p: IcsPerson, method: IcsMethod): string {
  const params = [p.name ? `CN=${paramValue(p.name)}` : undefined];
  if (kind === 'ATTENDEE') {
    params.push('ROLE=REQ-PARTICIPANT', `PARTSTAT=${method === 'CANCEL' ? 'DECLINED' : 'NEEDS-ACTION'}`);
    if (method === 'REQUEST') params.push('RSVP=TRUE');
  }
  const joined = params
    .filter((x): x is string => x !== undefined)
    .map((x) => `;${x}`)
    .join('');
  return `${kind}${joined}:mailto:${p.email}`;
}

/**
 * Builds the `.ics` text. `REQUEST` makes an invitation (clients show accept/decline), `CANCEL` withdraws
 * one (same UID, higher SEQUENCE), `PUBLISH` just adds the event; the MIME `method` parameter of the
 * e-mail part must equal the method given here.
 *
 * ```ts
 * buildIcs('REQUEST', { uid: 'b-42@shop.example', stamp: new Date(), start, end, summary: 'Консультация',
 *   organizer: { email: 'shop@example.ru', name: 'Магазин' }, attendees: [{ email: 'buyer@example.ru' }] });
 * ```
 */
export function buildIcs(
  method: IcsMethod,
  event: IcsEvent,
  productId = '-//avito-responder//Bookings//RU',
): string {
  if (event.end.getTime() <= event.start.getTime())
    throw new RangeError('ics: the event must end after it starts');
  if (method !== 'PUBLISH' && (!event.organizer || !event.attendees?.length)) {
    throw new RangeError(`ics: METHOD:${method} needs an organizer and at least one attendee`);
  }
  const times = event.times ?? { kind: 'utc' };
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    `PRODID:${productId}`,
    'CALSCALE:GREGORIAN',
    `METHOD:${method}`,
  ];
  let dtstart: string;
  let dtend: string;
  if (times.kind === 'zoned') {
    lines.push(...vtimezone(times.timeZone, event.start.getTime(), event.end.getTime()));
    const zoned = (d: Date) =>
      `;TZID=${times.timeZone}:${localStamp(d.getTime(), zoneOffsetMinutes(times.timeZone, d.getTime()))}`;
    dtstart = `DTSTART${zoned(event.start)}`;
    dtend = `DTEND${zoned(event.end)}`;
  } else {
    dtstart = `DTSTART:${utcStamp(event.start)}`;
    dtend = `DTEND:${utcStamp(event.end)}`;
  }
  lines.push(
    'BEGIN:VEVENT',
    `UID:${event.uid}`,
    `SEQUENCE:${event.sequence ?? 0}`,
    `DTSTAMP:${utcStamp(event.stamp)}`,
    dtstart,
    dtend,
    `SUMMARY:${escapeText(event.summary)}`,
  );
  if (event.description) lines.push(`DESCRIPTION:${escapeText(event.description)}`);
  if (event.location) lines.push(`LOCATION:${escapeText(event.location)}`);
  if (event.organizer) lines.push(person('ORGANIZER', event.organizer, method));
  for (const attendee of event.attendees ?? []) lines.push(person('ATTENDEE', attendee, method));
  lines.push(`STATUS:${method === 'CANCEL' ? 'CANCELLED' : 'CONFIRMED'}`);
  if (event.reminderMinutes !== undefined && method !== 'CANCEL') {
    lines.push(
      'BEGIN:VALARM',
      'ACTION:DISPLAY',
      `DESCRIPTION:${escapeText(event.summary)}`,
      `TRIGGER:-PT${Math.max(0, Math.round(event.reminderMinutes))}M`,
      'END:VALARM',
    );
  }
  lines.push('END:VEVENT', 'END:VCALENDAR');
  return `${lines.map(foldLine).join('\r\n')}\r\n`;
}
