import { randomBytes } from 'node:crypto';
import { formatInZone, formatUtc } from './time.js';

/** `EventDateTime` as stored: what the client sent, plus the instant it means. */
export interface StoredDateTime {
  date?: string;
  dateTime?: string;
  timeZone?: string;
  /** The instant (midnight in the calendar's zone for an all-day `date`). */
  ms: number;
}

/** An event in a simulated calendar. Fields beyond these are kept as sent in `extra`. */
export interface SimEvent {
  id: string;
  calendarId: string;
  status: 'confirmed' | 'tentative' | 'cancelled';
  start: StoredDateTime;
  end: StoredDateTime;
  transparency?: 'opaque' | 'transparent';
  /** summary, description, location, extendedProperties, reminders, … as the client sent them. */
  extra: Record<string, unknown>;
  sequence: number;
  created: number;
  updated: number;
  etag: string;
  /** Who wrote it: the service account's e-mail, or the calendar's owner (the seller's own events). */
  creatorEmail: string;
}

/** A calendar and who it is shared with. */
export interface SimCalendar {
  id: string;
  summary: string;
  timeZone: string;
  /** Service-account e-mails and their role (`reader` may see events and free/busy, not write). */
  sharedWith: Map<string, 'writer' | 'reader'>;
  events: Map<string, SimEvent>;
}

/** An access token the token endpoint issued. */
export interface IssuedToken {
  email: string;
  scopes: Set<string>;
  expiresAt: number;
}

/** The simulator's memory: calendars, events, tokens and its clock. */
export class CalendarState {
  readonly calendars = new Map<string, SimCalendar>();
  readonly tokens = new Map<string, IssuedToken>();
  tokenIssues = 0;
  private offsetMs = 0;
  private etagCounter = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  addCalendar(calendar: {
    id: string;
    summary?: string;
    timeZone?: string;
    sharedWith?: Iterable<[string, 'writer' | 'reader']>;
  }): SimCalendar {
    const created: SimCalendar = {
      id: calendar.id,
      summary: calendar.summary ?? calendar.id,
      timeZone: calendar.timeZone ?? 'Europe/Moscow',
      sharedWith: new Map(calendar.sharedWith ?? []),
      events: new Map(),
    };
    this.calendars.set(created.id, created);
    return created;
  }

  issueToken(email: string, scopes: Set<string>, lifetimeSeconds: number): string {
    const token = `ya29.sim-${randomBytes(24).toString('base64url')}`;
    this.tokens.set(token, { email, scopes, expiresAt: this.now() + lifetimeSeconds * 1000 });
    this.tokenIssues += 1;
    return token;
  }

  expireTokens(): void {
    for (const token of this.tokens.values()) token.expiresAt = 0;
  }

  /** Google etags are quoted decimal strings that change on every write. */
  nextEtag(): string {
    this.etagCounter += 1;
    return `"${this.now() * 1000 + this.etagCounter}"`;
  }

  /** A server-chosen id (base32hex, 26 chars, like Google's). */
  newEventId(): string {
    const alphabet = '0123456789abcdefghijklmnopqrstuv';
    return Array.from(randomBytes(26), (b) => alphabet[b % 32]).join('');
  }
}

function renderDateTime(dt: StoredDateTime, calendarZone: string): Record<string, string> {
  if (dt.date !== undefined) return { date: dt.date };
  // Calendar echoes the instant in the event's (else the calendar's) zone, not the client's text [U].
  const zone = dt.timeZone ?? calendarZone;
  return { dateTime: formatInZone(dt.ms, zone), ...(dt.timeZone ? { timeZone: dt.timeZone } : {}) };
}

/** The `Event` resource as the API returns it. */
export function eventJson(event: SimEvent, calendar: SimCalendar): Record<string, unknown> {
  const eid = Buffer.from(`${event.id} ${calendar.id}`).toString('base64url');
  return {
    kind: 'calendar#event',
    etag: event.etag,
    id: event.id,
    status: event.status,
    htmlLink: `https://www.google.com/calendar/event?eid=${eid}`,
    created: formatUtc(event.created, true),
    updated: formatUtc(event.updated, true),
    ...event.extra,
    creator: { email: event.creatorEmail },
    organizer: { email: calendar.id, displayName: calendar.summary, self: true },
    start: renderDateTime(event.start, calendar.timeZone),
    end: renderDateTime(event.end, calendar.timeZone),
    ...(event.transparency ? { transparency: event.transparency } : {}),
    iCalUID: `${event.id}@google.com`,
    sequence: event.sequence,
    reminders: event.extra.reminders ?? { useDefault: true },
    eventType: 'default',
  };
}

/** Busy periods of a calendar within [from, to): opaque, not cancelled, clipped and merged [U: clip/merge]. */
export function busyPeriods(calendar: SimCalendar, from: number, to: number): Array<[number, number]> {
  const spans = [...calendar.events.values()]
    .filter((e) => e.status !== 'cancelled' && e.transparency !== 'transparent')
    .filter((e) => e.start.ms < to && e.end.ms > from)
    .map((e): [number, number] => [Math.max(from, e.start.ms), Math.min(to, e.end.ms)])
    .sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const span of spans) {
    const last = merged.at(-1);
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else merged.push([...span]);
  }
  return merged;
}
