import type { Express, Request, Response } from 'express';
import { z } from 'zod';
import { callerOf, checkScopes } from './auth.js';
import { type CalendarDiscovery, checkQuery, discoveryMethod, type QueryValues } from './discovery.js';
import {
  CalendarError,
  conditionNotMet,
  deleted,
  duplicate,
  forbidden,
  invalid,
  notFound,
  required,
  sendError,
  sendOk,
} from './errors.js';
import {
  busyPeriods,
  type CalendarState,
  eventJson,
  type SimCalendar,
  type SimEvent,
  type StoredDateTime,
} from './state.js';
import { formatInZone, formatUtc, knownZone, parseDate, parseDateTime } from './time.js';

/** A write that is committed and then answered with a failure: the "did it happen?" case a retry must survive. */
export type AfterCommitFault = { kind: 'status'; status: number } | { kind: 'drop' };

/** Knobs the routes read on every call. */
export interface RouteKnobs {
  afterCommit: AfterCommitFault[];
  /** Largest page events.list returns whatever maxResults says (Google: "pages may be short"). */
  listPageCap: number;
}

/** base32hex (RFC 2938 §3.1.2), lowercase, 5–1024 characters: the discovery document's rule for `id`. */
const EVENT_ID = /^[a-v0-9]{5,1024}$/;
/** Extended property limits [U: Google's guide — key ≤ 44 chars, value ≤ 1024 chars]. */
const MAX_PROPERTY_KEY = 44;
const MAX_PROPERTY_VALUE = 1024;
const MAX_RESULTS_CAP = 2500;

const DateTimeIn = z.object({
  date: z.string().optional(),
  dateTime: z.string().optional(),
  timeZone: z.string().optional(),
});

const Properties = z.record(z.string(), z.string());

/**
 * Fields the simulator interprets. Other fields of the Event schema (read-only ones a client echoes back,
 * guest permissions, conference data…) are accepted and ignored.
 */
const EventIn = z.object({
  id: z.string().optional(),
  iCalUID: z.string().optional(),
  status: z.enum(['confirmed', 'tentative', 'cancelled']).optional(),
  summary: z.string().nullable().optional(),
  description: z.string().nullable().optional(),
  location: z.string().nullable().optional(),
  colorId: z.string().nullable().optional(),
  visibility: z.enum(['default', 'public', 'private', 'confidential']).optional(),
  transparency: z.enum(['opaque', 'transparent']).optional(),
  start: DateTimeIn.nullable().optional(),
  end: DateTimeIn.nullable().optional(),
  extendedProperties: z
    .object({ private: Properties.optional(), shared: Properties.optional() })
    .strict()
    .nullable()
    .optional(),
  reminders: z
    .object({
      useDefault: z.boolean().optional(),
      overrides: z
        .array(
          z
            .object({ method: z.enum(['email', 'popup']), minutes: z.number().int().min(0).max(40320) })
            .strict(),
        )
        .max(5)
        .optional(),
    })
    .strict()
    .nullable()
    .optional(),
  attendees: z.array(z.unknown()).optional(),
  recurrence: z.array(z.string()).optional(),
  sequence: z.number().int().optional(),
});
type EventBody = z.infer<typeof EventIn>;

/** Interpreted in EventIn or kept verbatim. */
const STORED_AS_SENT = [
  'summary',
  'description',
  'location',
  'colorId',
  'visibility',
  'extendedProperties',
  'reminders',
] as const;

interface Ctx {
  state: CalendarState;
  discovery: CalendarDiscovery;
  knobs: RouteKnobs;
}

function queryOf(req: Request): URLSearchParams {
  return new URL(req.originalUrl, 'http://sim').searchParams;
}

/** Checks scopes and query parameters of `methodId`; throws the first problem in Google's shape. */
function prepare(ctx: Ctx, req: Request, res: Response, methodId: string): QueryValues {
  const method = discoveryMethod(ctx.discovery, methodId);
  checkScopes(callerOf(res), method.scopes);
  const { values, problems } = checkQuery(ctx.discovery, method, queryOf(req));
  const first = problems[0];
  if (first)
    throw first.reason === 'required'
      ? required(first.name)
      : invalid(first.message, first.name, 'invalidParameter');
  return values;
}

/** The calendar, if the caller's service account was given access to it (404 otherwise, as Google does). */
function calendarFor(ctx: Ctx, res: Response, id: string, write: boolean): SimCalendar {
  const calendar = ctx.state.calendars.get(id);
  const role = calendar?.sharedWith.get(callerOf(res).email);
  if (!calendar || !role) throw notFound();
  if (write && role !== 'writer') throw forbidden();
  return calendar;
}

function checkBodyFields(ctx: Ctx, body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid('Invalid JSON payload: expected an object', undefined, 'parseError');
  }
  const record = body as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!ctx.discovery.eventFields.has(key)) {
      // [U] Google's newer frontends refuse unknown names like this; older ones ignored them.
      throw invalid(
        `Invalid JSON payload received. Unknown name "${key}": Cannot find field.`,
        key,
        'invalid',
      );
    }
  }
  for (const side of ['start', 'end'] as const) {
    const value = record[side];
    if (typeof value === 'object' && value !== null) {
      for (const key of Object.keys(value)) {
        if (!ctx.discovery.eventDateTimeFields.has(key)) {
          throw invalid(
            `Invalid JSON payload received. Unknown name "${key}" at '${side}': Cannot find field.`,
            `${side}.${key}`,
          );
        }
      }
    }
  }
  return record;
}

function parseEventBody(ctx: Ctx, body: unknown): EventBody {
  const record = checkBodyFields(ctx, body);
  const parsed = EventIn.safeParse(record);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.map(String).join('.') ?? 'body';
    throw invalid(`Invalid value for ${where}: ${issue?.message ?? 'invalid'}`, where);
  }
  const props = parsed.data.extendedProperties;
  for (const bag of [props?.private, props?.shared]) {
    for (const [key, value] of Object.entries(bag ?? {})) {
      if (key.length > MAX_PROPERTY_KEY || value.length > MAX_PROPERTY_VALUE) {
        throw invalid('Extended property key or value is too long.', 'extendedProperties');
      }
    }
  }
  if (parsed.data.recurrence !== undefined) {
    throw new CalendarError(501, 'The simulator does not expand recurring events.', [
      { domain: 'global', reason: 'notImplemented' },
    ]);
  }
  return parsed.data;
}

function parseEventDateTime(
  side: 'start' | 'end',
  value: z.infer<typeof DateTimeIn>,
  calendarZone: string,
): StoredDateTime {
  if (value.timeZone !== undefined && !knownZone(value.timeZone)) {
    throw invalid(`Invalid time zone definition for ${side} time.`, `${side}.timeZone`);
  }
  if ((value.date === undefined) === (value.dateTime === undefined)) {
    throw invalid(`Invalid ${side} time: give exactly one of date or dateTime.`, side);
  }
  if (value.date !== undefined) {
    const ms = parseDate(value.date, value.timeZone ?? calendarZone);
    if (ms === undefined) throw invalid(`Invalid ${side} date.`, `${side}.date`);
    return { date: value.date, ...(value.timeZone ? { timeZone: value.timeZone } : {}), ms };
  }
  const ms = parseDateTime(value.dateTime!, value.timeZone);
  if (ms === undefined) {
    // A dateTime needs an offset unless timeZone says which zone its wall time is in.
    throw invalid(`Invalid ${side} time.`, `${side}.dateTime`);
  }
  return { dateTime: value.dateTime!, ...(value.timeZone ? { timeZone: value.timeZone } : {}), ms };
}

function applyTimes(
  event: { start?: StoredDateTime; end?: StoredDateTime },
  calendar: SimCalendar,
  body: EventBody,
  requireBoth: boolean,
): void {
  for (const side of ['start', 'end'] as const) {
    const value = body[side];
    if (value === null || (value === undefined && requireBoth)) {
      throw new CalendarError(400, `Missing ${side} time.`, [{ domain: 'global', reason: 'required' }]);
    }
    if (value !== undefined) event[side] = parseEventDateTime(side, value, calendar.timeZone);
  }
  const { start, end } = event;
  if (start && end) {
    if ((start.date === undefined) !== (end.date === undefined)) {
      throw invalid('Start and end times must either both be date or both be dateTime.', 'end');
    }
    if (end.ms <= start.ms) {
      throw new CalendarError(400, 'The specified time range is empty.', [
        { domain: 'calendar', reason: 'timeRangeEmpty', locationType: 'parameter', location: 'end.dateTime' },
      ]);
    }
  }
}

function applyFields(event: SimEvent, body: EventBody): void {
  for (const key of STORED_AS_SENT) {
    const value = body[key];
    if (value === null) delete event.extra[key];
    else if (value !== undefined) event.extra[key] = value;
  }
  if (body.status !== undefined) event.status = body.status;
  if (body.transparency !== undefined) event.transparency = body.transparency;
  if (body.sequence !== undefined) event.sequence = body.sequence;
}

function checkAttendees(body: EventBody): void {
  if (body.attendees !== undefined && body.attendees.length > 0) {
    // [U] message; the discovery doc confirms service accounts need delegation to populate attendees.
    throw new CalendarError(
      403,
      'Service accounts cannot invite attendees without Domain-Wide Delegation of Authority.',
      [{ domain: 'calendar', reason: 'forbiddenForServiceAccounts' }],
    );
  }
}

/** Answers a committed write, unless an after-commit fault is queued (then the write stays done). */
function answerWrite(ctx: Ctx, req: Request, res: Response, status: number, body?: unknown): void {
  const fault = ctx.knobs.afterCommit.shift();
  if (fault?.kind === 'drop') {
    req.socket.destroy();
    return;
  }
  if (fault?.kind === 'status') {
    sendError(
      res,
      new CalendarError(fault.status, 'Backend Error', [{ domain: 'global', reason: 'backendError' }]),
    );
    return;
  }
  if (body === undefined) {
    res.status(status).end();
    return;
  }
  sendOk(res, body);
}

function checkIfMatch(req: Request, event: SimEvent): void {
  const expected = req.headers['if-match'];
  if (expected !== undefined && expected !== '*' && expected !== event.etag) throw conditionNotMet();
}

function eventOf(calendar: SimCalendar, id: string): SimEvent {
  const event = calendar.events.get(id);
  if (!event) throw notFound();
  return event;
}

type Handler = (req: Request, res: Response) => void;

function guarded(handler: Handler): Handler {
  return (req, res) => {
    try {
      handler(req, res);
    } catch (error) {
      if (error instanceof CalendarError) return sendError(res, error);
      throw error;
    }
  };
}

const FreeBusyIn = z
  .object({
    timeMin: z.string(),
    timeMax: z.string(),
    timeZone: z.string().optional(),
    groupExpansionMax: z.number().int().max(100).optional(),
    calendarExpansionMax: z.number().int().max(50).optional(),
    items: z
      .array(z.object({ id: z.string() }).strict())
      .max(50)
      .optional(),
  })
  .strict();

function listPageToken(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString('base64url');
}

function readPageToken(token: string): number {
  const m = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!m) throw invalid('Invalid page token.', 'pageToken');
  return Number(m[1]);
}

/** Registers freeBusy.query and events.insert/get/patch/update/delete/list under `/calendar/v3`. */
export function registerCalendarRoutes(app: Express, ctx: Ctx): void {
  const base = '/calendar/v3';
  const { state } = ctx;

  app.post(
    `${base}/freeBusy`,
    guarded((req, res) => {
      prepare(ctx, req, res, 'calendar.freebusy.query');
      const body = FreeBusyIn.safeParse(req.body);
      if (!body.success) {
        const issue = body.error.issues[0];
        const where = issue?.path.map(String).join('.') ?? 'body';
        if (issue?.code === 'invalid_type' && issue.input === undefined) throw required(where);
        throw invalid(`Invalid value for ${where}: ${issue?.message ?? 'invalid'}`, where);
      }
      const { timeMin, timeMax, items = [] } = body.data;
      const zone = body.data.timeZone ?? 'UTC';
      if (!knownZone(zone)) throw invalid('Invalid time zone.', 'timeZone');
      const from = parseDateTime(timeMin);
      const to = parseDateTime(timeMax);
      if (from === undefined) throw invalid('Bad Request', 'timeMin', 'badRequest');
      if (to === undefined) throw invalid('Bad Request', 'timeMax', 'badRequest');
      if (to <= from) {
        throw new CalendarError(400, 'The specified time range is empty.', [
          { domain: 'calendar', reason: 'timeRangeEmpty', locationType: 'parameter', location: 'timeMax' },
        ]);
      }
      const caller = callerOf(res);
      const render = (ms: number) => (zone === 'UTC' ? formatUtc(ms) : formatInZone(ms, zone));
      const calendars: Record<string, unknown> = {};
      for (const { id } of items) {
        const calendar = state.calendars.get(id);
        if (!calendar || !calendar.sharedWith.has(caller.email)) {
          calendars[id] = { errors: [{ domain: 'global', reason: 'notFound' }], busy: [] };
          continue;
        }
        calendars[id] = {
          busy: busyPeriods(calendar, from, to).map(([s, e]) => ({ start: render(s), end: render(e) })),
        };
      }
      sendOk(res, {
        kind: 'calendar#freeBusy',
        timeMin: formatUtc(from, true),
        timeMax: formatUtc(to, true),
        calendars,
      });
    }),
  );

  app.post(
    `${base}/calendars/:calendarId/events`,
    guarded((req, res) => {
      prepare(ctx, req, res, 'calendar.events.insert');
      const calendar = calendarFor(ctx, res, String(req.params.calendarId), true);
      const body = parseEventBody(ctx, req.body);
      checkAttendees(body);
      if (body.id !== undefined && body.iCalUID !== undefined) {
        throw invalid('Only one of id and iCalUID may be set.', 'iCalUID');
      }
      if (body.id !== undefined && !EVENT_ID.test(body.id)) throw invalid('Invalid resource id value.', 'id');
      // A deleted event keeps its id: re-inserting it is a 409 too (NOTES.md, python-client#846).
      if (body.id !== undefined && calendar.events.has(body.id)) throw duplicate();
      const times: { start?: StoredDateTime; end?: StoredDateTime } = {};
      applyTimes(times, calendar, body, true);
      const now = state.now();
      const event: SimEvent = {
        id: body.id ?? state.newEventId(),
        calendarId: calendar.id,
        status: 'confirmed',
        start: times.start!,
        end: times.end!,
        extra: {},
        sequence: 0,
        created: now,
        updated: now,
        etag: state.nextEtag(),
        creatorEmail: callerOf(res).email,
      };
      applyFields(event, body);
      calendar.events.set(event.id, event);
      answerWrite(ctx, req, res, 200, eventJson(event, calendar));
    }),
  );

  app.get(
    `${base}/calendars/:calendarId/events/:eventId`,
    guarded((req, res) => {
      prepare(ctx, req, res, 'calendar.events.get');
      const calendar = calendarFor(ctx, res, String(req.params.calendarId), false);
      sendOk(res, eventJson(eventOf(calendar, String(req.params.eventId)), calendar));
    }),
  );

  const modify = (methodId: string, replace: boolean) =>
    guarded((req, res) => {
      prepare(ctx, req, res, methodId);
      const calendar = calendarFor(ctx, res, String(req.params.calendarId), true);
      const event = eventOf(calendar, String(req.params.eventId));
      checkIfMatch(req, event);
      const body = parseEventBody(ctx, req.body);
      checkAttendees(body);
      if (body.id !== undefined && body.id !== event.id)
        throw invalid('The event id cannot be changed.', 'id');
      const times = { start: event.start, end: event.end };
      applyTimes(times, calendar, body, replace);
      const moved = times.start.ms !== event.start.ms || times.end.ms !== event.end.ms;
      if (replace) event.extra = {};
      applyFields(event, body);
      if (replace && body.status === undefined) event.status = 'confirmed';
      event.start = times.start;
      event.end = times.end;
      if (moved && body.sequence === undefined) event.sequence += 1;
      event.updated = state.now();
      event.etag = state.nextEtag();
      answerWrite(ctx, req, res, 200, eventJson(event, calendar));
    });
  app.patch(`${base}/calendars/:calendarId/events/:eventId`, modify('calendar.events.patch', false));
  app.put(`${base}/calendars/:calendarId/events/:eventId`, modify('calendar.events.update', true));

  app.delete(
    `${base}/calendars/:calendarId/events/:eventId`,
    guarded((req, res) => {
      prepare(ctx, req, res, 'calendar.events.delete');
      const calendar = calendarFor(ctx, res, String(req.params.calendarId), true);
      const event = eventOf(calendar, String(req.params.eventId));
      if (event.status === 'cancelled') throw deleted();
      checkIfMatch(req, event);
      event.status = 'cancelled';
      event.updated = state.now();
      event.etag = state.nextEtag();
      answerWrite(ctx, req, res, 204);
    }),
  );

  app.get(
    `${base}/calendars/:calendarId/events`,
    guarded((req, res) => {
      const q = prepare(ctx, req, res, 'calendar.events.list');
      const calendar = calendarFor(ctx, res, String(req.params.calendarId), false);
      if (q.syncToken !== undefined) {
        // Every sync token is "expired" here: the client must fall back to a full sync, as documented.
        throw new CalendarError(410, 'Sync token is no longer valid, a full sync is required.', [
          { domain: 'calendar', reason: 'fullSyncRequired' },
        ]);
      }
      if (q.orderBy === 'startTime' && q.singleEvents !== true) {
        throw invalid('The requested ordering is not available for the particular query.', 'orderBy');
      }
      const timeMin = typeof q.timeMin === 'string' ? parseDateTime(q.timeMin) : undefined;
      const timeMax = typeof q.timeMax === 'string' ? parseDateTime(q.timeMax) : undefined;
      if (timeMin !== undefined && timeMax !== undefined && timeMax <= timeMin) {
        throw new CalendarError(400, 'The specified time range is empty.', [
          { domain: 'calendar', reason: 'timeRangeEmpty', locationType: 'parameter', location: 'timeMax' },
        ]);
      }
      const zone = typeof q.timeZone === 'string' ? q.timeZone : calendar.timeZone;
      if (!knownZone(zone)) throw invalid('Invalid time zone.', 'timeZone');
      const filters = (list: unknown) =>
        (Array.isArray(list) ? (list as string[]) : []).map((f) => {
          const at = f.indexOf('=');
          if (at <= 0) throw invalid(`Invalid extended property filter: ${f}`, 'privateExtendedProperty');
          return [f.slice(0, at), f.slice(at + 1)] as const;
        });
      const privateFilters = filters(q.privateExtendedProperty);
      const sharedFilters = filters(q.sharedExtendedProperty);
      const text = typeof q.q === 'string' ? q.q.toLowerCase() : undefined;
      const showDeleted = q.showDeleted === true || typeof q.updatedMin === 'string';
      const updatedMin = typeof q.updatedMin === 'string' ? parseDateTime(q.updatedMin) : undefined;
      const matching = [...calendar.events.values()].filter((e) => {
        if (e.status === 'cancelled' && !showDeleted) return false;
        if (timeMin !== undefined && e.end.ms <= timeMin) return false;
        if (timeMax !== undefined && e.start.ms >= timeMax) return false;
        if (updatedMin !== undefined && e.updated < updatedMin) return false;
        if (typeof q.iCalUID === 'string' && `${e.id}@google.com` !== q.iCalUID) return false;
        const props = e.extra.extendedProperties as
          { private?: Record<string, string>; shared?: Record<string, string> } | undefined;
        if (privateFilters.some(([k, v]) => props?.private?.[k] !== v)) return false;
        if (sharedFilters.some(([k, v]) => props?.shared?.[k] !== v)) return false;
        if (text !== undefined) {
          const hay = ['summary', 'description', 'location']
            .map((k) => String(e.extra[k] ?? ''))
            .join(' ')
            .toLowerCase();
          if (!hay.includes(text)) return false;
        }
        return true;
      });
      matching.sort(
        (a, b) =>
          (q.orderBy === 'updated' ? a.updated - b.updated : a.start.ms - b.start.ms) ||
          a.id.localeCompare(b.id),
      );
      const maxResults = Math.min(
        typeof q.maxResults === 'number' ? q.maxResults : 250,
        MAX_RESULTS_CAP,
        ctx.knobs.listPageCap,
      );
      const offset = typeof q.pageToken === 'string' ? readPageToken(q.pageToken) : 0;
      const page = matching.slice(offset, offset + maxResults);
      const more = offset + maxResults < matching.length;
      const shownZone = { ...calendar, timeZone: zone };
      sendOk(res, {
        kind: 'calendar#events',
        etag: state.nextEtag(),
        summary: calendar.summary,
        description: '',
        updated: formatUtc(
          Math.max(0, ...[...calendar.events.values()].map((e) => e.updated)) || state.now(),
          true,
        ),
        timeZone: calendar.timeZone,
        accessRole: calendar.sharedWith.get(callerOf(res).email) ?? 'reader',
        defaultReminders: [],
        ...(more
          ? { nextPageToken: listPageToken(offset + maxResults) }
          : { nextSyncToken: `sim-sync-${state.now()}` }),
        items: page.map((e) => eventJson(e, shownZone)),
      });
    }),
  );
}
