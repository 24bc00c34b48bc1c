import { calendar as googleCalendar, type calendar_v3 } from '@googleapis/calendar';
import { JWT } from 'google-auth-library';
import { z } from 'zod';
import { GOOGLE_TOKEN_URL, loadServiceAccountKey, type ServiceAccountKey } from './config.js';
import type { Interval } from './slots.js';
import { fromWallTime, parseRfc3339, toRfc3339 } from '../../lib/zoned-time.js';

/**
 * Scopes we ask for: `calendar.events` writes our bookings; freeBusy.query does not accept it, so
 * `calendar.freebusy` too (both from the discovery document).
 */
export const CALENDAR_SCOPES = [
  'https://www.googleapis.com/auth/calendar.events',
  'https://www.googleapis.com/auth/calendar.freebusy',
] as const;

/** What went wrong with a Calendar call, in the terms a caller acts on. */
export type CalendarErrorKind =
  /** Token refused (bad key, account unknown) or an API 401 after a fresh token: fix the key/sharing. */
  | 'auth'
  /** 429, or 403 with a usageLimits reason: back off and retry. */
  | 'rate-limited'
  /** 5xx, a connection failure or timeout: retry (a write may have happened: retry with the same id). */
  | 'unavailable'
  /** Calendar or event not found (or the calendar is not shared with the service account). */
  | 'not-found'
  /** Insert with an id this calendar already used (also by a deleted event). */
  | 'duplicate'
  /** The event was deleted already. */
  | 'deleted'
  /** `If-Match` etag mismatch. */
  | 'conflict'
  /** Any other 403: not retryable (no write access, attendees without delegation). */
  | 'forbidden'
  /** 400: our request is wrong; not retryable. */
  | 'invalid';

const RETRYABLE = new Set<CalendarErrorKind>(['rate-limited', 'unavailable']);

/** A failed Google Calendar call, classified. `retryable` tells the outbox whether to try again. */
export class CalendarApiError extends Error {
  override name = 'CalendarApiError';
  readonly retryable: boolean;

  constructor(
    readonly kind: CalendarErrorKind,
    message: string,
    readonly details: {
      status?: number;
      reason?: string;
      retryAfterMs?: number;
      /** The OAuth token endpoint refused or failed, not the Calendar API. */
      tokenEndpoint?: boolean;
      cause?: unknown;
    } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.retryable = RETRYABLE.has(kind);
  }
}

const GoogleErrorBody = z.object({
  error: z.object({
    code: z.number().optional(),
    message: z.string().optional(),
    errors: z.array(z.object({ reason: z.string().optional(), domain: z.string().optional() })).optional(),
  }),
});
const OAuthErrorBody = z.object({ error: z.string(), error_description: z.string().optional() });

/** The parts of a gaxios error we read (gaxios itself is not our dependency, so no instanceof). */
const HttpFailure = z.object({
  status: z.number().optional(),
  code: z.union([z.string(), z.number()]).optional(),
  message: z.string().optional(),
  config: z.object({ url: z.unknown() }).partial().optional(),
  response: z.object({ status: z.number(), data: z.unknown(), headers: z.unknown() }).partial().optional(),
});

const RATE_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'quotaExceeded']);

function retryAfterMs(headers: unknown): number | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  // gaxios hands a fetch-style Headers (not always the global class): read it by shape.
  const get = (headers as { get?: unknown }).get;
  const value =
    typeof get === 'function'
      ? (get as (name: string) => unknown).call(headers, 'retry-after')
      : (headers as Record<string, unknown>)['retry-after'];
  if (typeof value !== 'string' || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value) * 1000;
}

/** Classifies whatever the official client threw. */
export function classifyCalendarError(error: unknown, tokenUrl: string): CalendarApiError {
  if (error instanceof CalendarApiError) return error;
  const failure = HttpFailure.safeParse(error);
  const info = failure.success ? failure.data : {};
  const status = info.response?.status ?? info.status;
  const message = info.message ?? String(error);
  if (status === undefined) {
    return new CalendarApiError('unavailable', `Google Calendar unreachable: ${message}`, { cause: error });
  }
  const url = String(info.config?.url ?? '');
  if (url === tokenUrl || url === GOOGLE_TOKEN_URL) {
    const body = OAuthErrorBody.safeParse(info.response?.data);
    const reason = body.success ? body.data.error : undefined;
    if (status >= 500 || status === 429) {
      return new CalendarApiError('unavailable', `Google token endpoint answered ${status}`, {
        status,
        tokenEndpoint: true,
        cause: error,
      });
    }
    return new CalendarApiError(
      'auth',
      `Google refused the service account's token request (${status} ${reason ?? ''}): check GOOGLE_SERVICE_ACCOUNT_FILE`,
      { status, ...(reason ? { reason } : {}), tokenEndpoint: true, cause: error },
    );
  }
  const body = GoogleErrorBody.safeParse(info.response?.data);
  const reason = body.success ? body.data.error.errors?.[0]?.reason : undefined;
  const text = body.success ? (body.data.error.message ?? message) : message;
  const details = {
    status,
    ...(reason ? { reason } : {}),
    ...(retryAfterMs(info.response?.headers) !== undefined
      ? { retryAfterMs: retryAfterMs(info.response?.headers) }
      : {}),
    cause: error,
  };
  const kind: CalendarErrorKind =
    status === 429 || (status === 403 && reason !== undefined && RATE_REASONS.has(reason))
      ? 'rate-limited'
      : status >= 500
        ? 'unavailable'
        : status === 401
          ? 'auth'
          : status === 403
            ? 'forbidden'
            : status === 404
              ? 'not-found'
              : status === 409
                ? 'duplicate'
                : status === 410
                  ? 'deleted'
                  : status === 412
                    ? 'conflict'
                    : 'invalid';
  return new CalendarApiError(
    kind,
    `Google Calendar ${status}${reason ? ` ${reason}` : ''}: ${text}`,
    details,
  );
}

const EventDateTimeOut = z.object({
  dateTime: z.string().optional(),
  date: z.string().optional(),
  timeZone: z.string().optional(),
});

const EventOut = z.object({
  id: z.string(),
  status: z.enum(['confirmed', 'tentative', 'cancelled']).default('confirmed'),
  etag: z.string().optional(),
  summary: z.string().optional(),
  description: z.string().optional(),
  htmlLink: z.string().optional(),
  start: EventDateTimeOut.optional(),
  end: EventDateTimeOut.optional(),
  extendedProperties: z.object({ private: z.record(z.string(), z.string()).optional() }).optional(),
});

/** An event as we use it: instants, not strings (Google may echo another offset than we sent). */
export interface CalendarEvent {
  id: string;
  status: 'confirmed' | 'tentative' | 'cancelled';
  start: Date;
  end: Date;
  summary: string | undefined;
  description: string | undefined;
  htmlLink: string | undefined;
  etag: string | undefined;
  /** `extendedProperties.private`: where we keep our lead id. */
  privateProperties: Record<string, string>;
}

/** What we write into an event (ours are always timed, never all-day). */
export interface EventDraft {
  summary: string;
  description?: string;
  location?: string;
  start: Date;
  end: Date;
  /** Zone the event displays in (the seller's). */
  timeZone: string;
  privateProperties?: Record<string, string>;
}

const FreeBusyOut = z.object({
  calendars: z.record(
    z.string(),
    z.object({
      busy: z.array(z.object({ start: z.string(), end: z.string() })).optional(),
      errors: z.array(z.object({ domain: z.string().optional(), reason: z.string().optional() })).optional(),
    }),
  ),
});

const EventsOut = z.object({
  items: z.array(z.unknown()).optional(),
  nextPageToken: z.string().optional(),
});

/** The calls the booking flow makes on one calendar; every failure is a {@link CalendarApiError}. */
export interface CalendarClient {
  readonly calendarId: string;
  /** Busy periods of the calendar within `range` (start inclusive, end exclusive). */
  freeBusy(range: Interval): Promise<Interval[]>;
  /** Inserts with our own id (`duplicate` error when the id was used). */
  insertEvent(id: string, draft: EventDraft): Promise<CalendarEvent>;
  /** The event, cancelled ones included; undefined when there is none with this id. */
  getEvent(id: string): Promise<CalendarEvent | undefined>;
  /** Changes only what is given (times, status, texts). */
  patchEvent(
    id: string,
    patch: Partial<EventDraft> & { status?: 'confirmed' | 'cancelled'; timeZone: string },
  ): Promise<CalendarEvent>;
  /** Deletes (Google marks it cancelled); `already-deleted` on a second delete, `not-found` if unknown. */
  deleteEvent(id: string): Promise<'deleted' | 'already-deleted' | 'not-found'>;
  /** Events overlapping `range`, all pages, optionally only those with a private property `name=value`. */
  listEvents(range: Interval, privateProperty?: { name: string; value: string }): Promise<CalendarEvent[]>;
}

export interface CalendarClientOptions {
  key: ServiceAccountKey;
  calendarId: string;
  /** `GOOGLE_API_BASE`: Google's root, or the simulator's. */
  apiBase: string;
  /** Zone for all-day events' dates (the calendar's own zone). */
  timeZone: string;
  /** Per-request timeout (default 15 s). */
  timeoutMs?: number;
}

function toEvent(raw: unknown, zone: string): CalendarEvent {
  const parsed = EventOut.safeParse(raw);
  if (!parsed.success) {
    throw new CalendarApiError(
      'invalid',
      `Google Calendar returned an event we cannot read: ${parsed.error.message}`,
    );
  }
  const e = parsed.data;
  const instant = (dt: z.infer<typeof EventDateTimeOut> | undefined, side: string): Date => {
    if (dt?.dateTime !== undefined) {
      const ms = parseRfc3339(dt.dateTime);
      if (ms !== undefined) return new Date(ms);
    } else if (dt?.date !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(dt.date)) {
      const [year, month, day] = dt.date.split('-').map(Number) as [number, number, number];
      return new Date(fromWallTime({ year, month, day, hour: 0, minute: 0 }, dt.timeZone ?? zone));
    }
    throw new CalendarApiError('invalid', `Google Calendar event ${e.id} has no readable ${side} time`);
  };
  return {
    id: e.id,
    status: e.status,
    start: instant(e.start, 'start'),
    end: instant(e.end, 'end'),
    summary: e.summary,
    description: e.description,
    htmlLink: e.htmlLink,
    etag: e.etag,
    privateProperties: e.extendedProperties?.private ?? {},
  };
}

function eventBody(draft: Partial<EventDraft> & { timeZone: string }): calendar_v3.Schema$Event {
  const body: calendar_v3.Schema$Event = {};
  if (draft.summary !== undefined) body.summary = draft.summary;
  if (draft.description !== undefined) body.description = draft.description;
  if (draft.location !== undefined) body.location = draft.location;
  // An explicit offset plus the zone: unambiguous instant, displayed in the seller's zone.
  if (draft.start)
    body.start = { dateTime: toRfc3339(draft.start.getTime(), draft.timeZone), timeZone: draft.timeZone };
  if (draft.end)
    body.end = { dateTime: toRfc3339(draft.end.getTime(), draft.timeZone), timeZone: draft.timeZone };
  if (draft.privateProperties) body.extendedProperties = { private: draft.privateProperties };
  return body;
}

/**
 * A Calendar client on the official `@googleapis/calendar` with a service-account JWT. The token request
 * goes to the key file's `token_uri` (google-auth-library always posts to Google's URL, so we redirect it
 * on the auth client's own transport); API calls go to `apiBase`. No hidden retries: the caller (an outbox
 * job, or the buyer asking again) decides, from {@link CalendarApiError.retryable}; only a 401 gets one
 * fresh token and one retry here.
 */
export function createCalendarClient(options: CalendarClientOptions): CalendarClient {
  const { key, calendarId } = options;
  const timeout = options.timeoutMs ?? 15_000;
  const auth = new JWT({
    email: key.client_email,
    key: key.private_key,
    ...(key.private_key_id ? { keyId: key.private_key_id } : {}),
    scopes: [...CALENDAR_SCOPES],
    transporterOptions: { timeout },
  });
  if (key.token_uri !== GOOGLE_TOKEN_URL) {
    const tokenUrl = new URL(key.token_uri);
    auth.transporter.interceptors.request.add({
      resolved: async (config) => {
        if (config.url.href === GOOGLE_TOKEN_URL) config.url = tokenUrl;
        return config;
      },
    });
  }
  const api = googleCalendar({
    version: 'v3',
    auth,
    rootUrl: `${options.apiBase.replace(/\/+$/, '')}/`,
    retry: false,
    timeout,
  });
  const call = async <T>(run: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await run();
      } catch (error) {
        const failure = classifyCalendarError(error, key.token_uri);
        if (failure.kind !== 'auth' || failure.details.tokenEndpoint || attempt > 1) throw failure;
        // Google dropped our token early. The library's own forceRefreshOnFailure re-reads its cached
        // token, so mark the credentials expired (its constructor's own marker) to mint a new one.
        auth.setCredentials({ refresh_token: 'jwt-placeholder', expiry_date: 1 });
      }
    }
  };
  const zone = options.timeZone;

  return {
    calendarId,

    async freeBusy(range) {
      const response = await call(() =>
        api.freebusy.query({
          requestBody: {
            timeMin: range.start.toISOString(),
            timeMax: range.end.toISOString(),
            items: [{ id: calendarId }],
          },
        }),
      );
      const parsed = FreeBusyOut.safeParse(response.data);
      const entry = parsed.success ? parsed.data.calendars[calendarId] : undefined;
      if (!entry)
        throw new CalendarApiError('invalid', 'Google Calendar free/busy answer lacks our calendar');
      const reason = entry.errors?.[0]?.reason;
      if (reason !== undefined) {
        // Availability unknown: never offer slots on a guess.
        throw new CalendarApiError(
          reason === 'notFound' ? 'not-found' : 'unavailable',
          reason === 'notFound'
            ? `Google Calendar: calendar ${calendarId} is not shared with ${key.client_email}`
            : `Google Calendar free/busy failed for ${calendarId}: ${reason}`,
          { reason },
        );
      }
      return (entry.busy ?? []).map((b) => {
        const start = parseRfc3339(b.start);
        const end = parseRfc3339(b.end);
        if (start === undefined || end === undefined) {
          throw new CalendarApiError(
            'invalid',
            `Google Calendar free/busy period unreadable: ${b.start}–${b.end}`,
          );
        }
        return { start: new Date(start), end: new Date(end) };
      });
    },

    async insertEvent(id, draft) {
      const response = await call(() =>
        api.events.insert({ calendarId, sendUpdates: 'none', requestBody: { id, ...eventBody(draft) } }),
      );
      return toEvent(response.data, zone);
    },

    async getEvent(id) {
      try {
        const response = await call(() => api.events.get({ calendarId, eventId: id }));
        return toEvent(response.data, zone);
      } catch (error) {
        if (error instanceof CalendarApiError && error.kind === 'not-found') return undefined;
        throw error;
      }
    },

    async patchEvent(id, patch) {
      const body = eventBody(patch);
      if (patch.status !== undefined) body.status = patch.status;
      const response = await call(() =>
        api.events.patch({ calendarId, eventId: id, sendUpdates: 'none', requestBody: body }),
      );
      return toEvent(response.data, zone);
    },

    async deleteEvent(id) {
      try {
        await call(() => api.events.delete({ calendarId, eventId: id, sendUpdates: 'none' }));
        return 'deleted';
      } catch (error) {
        if (error instanceof CalendarApiError && error.kind === 'deleted') return 'already-deleted';
        if (error instanceof CalendarApiError && error.kind === 'not-found') return 'not-found';
        throw error;
      }
    },

    async listEvents(range, privateProperty) {
      const events: CalendarEvent[] = [];
      let pageToken: string | undefined;
      do {
        const response = await call(() =>
          api.events.list({
            calendarId,
            timeMin: range.start.toISOString(),
            timeMax: range.end.toISOString(),
            singleEvents: true,
            orderBy: 'startTime',
            maxResults: 250,
            ...(privateProperty
              ? { privateExtendedProperty: [`${privateProperty.name}=${privateProperty.value}`] }
              : {}),
            ...(pageToken ? { pageToken } : {}),
          }),
        );
        const page = EventsOut.safeParse(response.data);
        if (!page.success)
          throw new CalendarApiError('invalid', 'Google Calendar returned an event list we cannot read');
        for (const item of page.data.items ?? []) events.push(toEvent(item, zone));
        pageToken = page.data.nextPageToken;
      } while (pageToken);
      return events;
    },
  };
}

/**
 * The client for an enabled calendar configuration: reads and checks the key file, then
 * {@link createCalendarClient}. Throws `ServiceAccountKeyError` for a bad key file.
 */
export async function openCalendarClient(
  config: { serviceAccountFile: string; calendarId: string; apiBase: string },
  timeZone: string,
): Promise<CalendarClient> {
  return createCalendarClient({
    key: await loadServiceAccountKey(config.serviceAccountFile),
    calendarId: config.calendarId,
    apiBase: config.apiBase,
    timeZone,
  });
}
