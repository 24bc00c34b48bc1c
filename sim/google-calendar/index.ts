import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import express from 'express';
import { readRequestBody } from '../common/body.js';
import { CallLog, logCalls } from '../common/call-log.js';
import { FaultInjector } from '../common/faults.js';
import { listen } from '../common/server.js';
import { requireBearer, type SimServiceAccount, tokenHandler } from './auth.js';
import { registerControlRoutes } from './control-routes.js';
import { calendarDiscovery } from './discovery.js';
import { CalendarError, calendarStatusRenderer, invalid, notFound, sendError } from './errors.js';
import { type AfterCommitFault, registerCalendarRoutes, type RouteKnobs } from './routes.js';
import { CalendarState, eventJson, type SimCalendar, type SimEvent } from './state.js';
import { parseDateTime } from './time.js';

export type { SimServiceAccount } from './auth.js';
export type { AfterCommitFault } from './routes.js';
export type { SimCalendar, SimEvent } from './state.js';

/** A service-account key file as Google's console downloads it (what `GOOGLE_SERVICE_ACCOUNT_FILE` holds). */
export interface ServiceAccountKeyJson {
  type: 'service_account';
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  client_id: string;
  auth_uri: string;
  token_uri: string;
  universe_domain: string;
}

export interface GoogleCalendarSimOptions {
  port?: number;
  /**
   * Service accounts whose JWTs the token endpoint accepts. Default: one generated here, whose key file
   * `sim.serviceAccountKey` holds (private key included, token_uri pointing at the simulator).
   */
  serviceAccounts?: SimServiceAccount[];
  /** Calendars to create; default one, `sim.calendarId`, shared for writing with every service account. */
  calendars?: Array<{
    id: string;
    summary?: string;
    timeZone?: string;
    sharedWith?: Array<[string, 'writer' | 'reader']>;
  }>;
  /** Mount `/__sim/*` (a human plays the seller from a shell). */
  controlRoutes?: boolean;
  /** Largest events.list page, whatever maxResults asks (default 2500, Google's cap). */
  listPageCap?: number;
  seed?: number;
}

/** Run-time switches a test changes mid-scenario. */
export interface GoogleCalendarControls {
  /** Every access token issued so far expires now (the next call gets 401 authError). */
  expireTokens(): void;
  /** How many access tokens the token endpoint has issued. */
  tokenIssues(): number;
  /** Moves the simulator's clock (token lifetimes, `updated`, JWT `iat`/`exp` checks). */
  advanceTime(ms: number): void;
  /** The next `times` writes are committed, then answered with this fault (default 500). */
  failAfterCommit(fault?: AfterCommitFault, times?: number): void;
}

/** What the seller does in the Google Calendar app while our service runs. */
export interface GoogleCalendarActors {
  /** The seller adds an event by hand (busy unless `transparent`), e.g. so that an offered slot is taken. */
  sellerAddsEvent(input: {
    start: string | Date;
    end: string | Date;
    summary?: string;
    calendarId?: string;
    transparent?: boolean;
  }): SimEvent;
  /** The seller deletes an event in the app (it becomes `cancelled`, as an API delete does). */
  sellerDeletesEvent(eventId: string, calendarId?: string): void;
}

export interface GoogleCalendarSim extends GoogleCalendarControls, GoogleCalendarActors {
  /** `http://127.0.0.1:PORT` — the client's `GOOGLE_API_BASE` (its `rootUrl`). */
  url: string;
  port: number;
  /** The OAuth token endpoint (`token_uri` of the key file). */
  tokenUrl: string;
  /** The default calendar's id (`GOOGLE_CALENDAR_ID`). */
  calendarId: string;
  /** Key file of the generated service account (undefined when `serviceAccounts` were given). */
  serviceAccountKey: ServiceAccountKeyJson | undefined;
  /** `GOOGLE_API_BASE` and `GOOGLE_CALENDAR_ID`; `GOOGLE_SERVICE_ACCOUNT_FILE` is for the caller to write. */
  env: Record<string, string>;
  calls: CallLog;
  faults: FaultInjector;
  controls: GoogleCalendarControls;
  actors: GoogleCalendarActors;
  state: CalendarState;
  /** Events of a calendar (default: the default one) as the API returns them, cancelled included. */
  events(calendarId?: string): Array<Record<string, unknown>>;
  close(): Promise<void>;
}

/** Request body limit [U: Google's real limit for Calendar JSON bodies is not documented]. */
const BODY_LIMIT = 1024 * 1024;

/** A generated service account: its key file (for the client) and public key (for the token endpoint). */
export function generateServiceAccount(opts: { clientEmail?: string; tokenUri: string }): {
  account: SimServiceAccount;
  key: ServiceAccountKeyJson;
  publicKey: KeyObject;
} {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const clientEmail = opts.clientEmail ?? 'avito-responder@sim-project.iam.gserviceaccount.com';
  const privateKeyId = `sim${Date.now().toString(16)}`;
  return {
    account: { clientEmail, publicKey, privateKeyId },
    publicKey,
    key: {
      type: 'service_account',
      project_id: 'sim-project',
      private_key_id: privateKeyId,
      private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      client_email: clientEmail,
      client_id: '100000000000000000001',
      auth_uri: 'https://accounts.google.com/o/oauth2/auth',
      token_uri: opts.tokenUri,
      universe_domain: 'googleapis.com',
    },
  };
}

const DEFAULT_CALENDAR = 'c_sim0consultations@group.calendar.google.com';

function toInstant(value: string | Date): number {
  if (value instanceof Date) return value.getTime();
  const ms = parseDateTime(value);
  if (ms === undefined) throw invalid(`expected an RFC 3339 date-time with offset, got ${value}`);
  return ms;
}

/**
 * Starts a local Google Calendar API v3 (the methods a booking flow uses) and Google's OAuth token
 * endpoint for service accounts, on loopback. Point the official client at it with
 * `calendar({ version: 'v3', rootUrl: sim.url + '/', auth })` and the key file's `token_uri`:
 *
 * ```ts
 * const sim = await startGoogleCalendarSim();
 * await writeFile(keyPath, JSON.stringify(sim.serviceAccountKey));
 * sim.sellerAddsEvent({ start: '2026-06-01T10:00:00+03:00', end: '2026-06-01T11:00:00+03:00' });
 * ```
 */
export async function startGoogleCalendarSim(
  opts: GoogleCalendarSimOptions = {},
): Promise<GoogleCalendarSim> {
  const discovery = calendarDiscovery();
  const state = new CalendarState();
  const calls = new CallLog();
  const faults = new FaultInjector(opts.seed ?? 1);
  const knobs: RouteKnobs = { afterCommit: [], listPageCap: opts.listPageCap ?? 2500 };
  const accounts = new Map<string, SimServiceAccount>();
  let tokenUrl = '';
  for (const account of opts.serviceAccounts ?? []) accounts.set(account.clientEmail, account);

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use(
    readRequestBody(BODY_LIMIT, (res) =>
      sendError(
        res,
        new CalendarError(413, 'Request Entity Too Large', [{ domain: 'global', reason: 'uploadTooLarge' }]),
      ),
    ),
  );
  app.use(logCalls(calls));
  app.use(async (req, res, next) => {
    if (await faults.apply(req, res, req.path, calendarStatusRenderer)) return;
    next();
  });
  app.use((_req, res, next) => {
    if (res.locals.invalidJson === true) {
      sendError(res, new CalendarError(400, 'Parse Error', [{ domain: 'global', reason: 'parseError' }]));
      return;
    }
    next();
  });
  if (opts.controlRoutes) registerControlRoutes(app, () => actors, state);
  app.post(
    '/token',
    tokenHandler(state, accounts, discovery, () => tokenUrl),
  );
  app.use('/calendar/v3', requireBearer(state));
  registerCalendarRoutes(app, { state, discovery, knobs });
  app.use((_req, res) => sendError(res, notFound()));
  app.use((error: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    if (res.headersSent) return;
    const message = `simulator error: ${error instanceof Error ? error.message : String(error)}`;
    sendError(res, new CalendarError(500, message, [{ domain: 'global', reason: 'backendError' }]));
  });

  const server = await listen(app, opts.port ?? 0);
  tokenUrl = `${server.url}/token`;

  let serviceAccountKey: ServiceAccountKeyJson | undefined;
  if (accounts.size === 0) {
    const generated = generateServiceAccount({ tokenUri: tokenUrl });
    accounts.set(generated.account.clientEmail, generated.account);
    serviceAccountKey = generated.key;
  }
  const everyone = [...accounts.keys()].map((email): [string, 'writer'] => [email, 'writer']);
  const calendars = opts.calendars ?? [
    { id: DEFAULT_CALENDAR, summary: 'Консультации', timeZone: 'Europe/Moscow' },
  ];
  for (const c of calendars) state.addCalendar({ ...c, sharedWith: c.sharedWith ?? everyone });
  const calendarId = calendars[0]!.id;

  const calendarOf = (id = calendarId): SimCalendar => {
    const calendar = state.calendars.get(id);
    if (!calendar) throw notFound();
    return calendar;
  };

  const controls: GoogleCalendarControls = {
    expireTokens: () => state.expireTokens(),
    tokenIssues: () => state.tokenIssues,
    advanceTime: (ms) => state.advance(ms),
    failAfterCommit: (fault = { kind: 'status', status: 500 }, times = 1) => {
      for (let i = 0; i < times; i++) knobs.afterCommit.push(fault);
    },
  };

  const actors: GoogleCalendarActors = {
    sellerAddsEvent(input) {
      const calendar = calendarOf(input.calendarId);
      const start = toInstant(input.start);
      const end = toInstant(input.end);
      if (end <= start) throw invalid('The specified time range is empty.');
      const now = state.now();
      const event: SimEvent = {
        id: state.newEventId(),
        calendarId: calendar.id,
        status: 'confirmed',
        start: { dateTime: new Date(start).toISOString(), ms: start },
        end: { dateTime: new Date(end).toISOString(), ms: end },
        ...(input.transparent ? { transparency: 'transparent' as const } : {}),
        extra: { summary: input.summary ?? 'Занято' },
        sequence: 0,
        created: now,
        updated: now,
        etag: state.nextEtag(),
        creatorEmail: calendar.id,
      };
      calendar.events.set(event.id, event);
      return event;
    },
    sellerDeletesEvent(eventId, id) {
      const event = calendarOf(id).events.get(eventId);
      if (!event) throw notFound();
      event.status = 'cancelled';
      event.updated = state.now();
      event.etag = state.nextEtag();
    },
  };

  return {
    ...controls,
    ...actors,
    url: server.url,
    port: server.port,
    tokenUrl,
    calendarId,
    serviceAccountKey,
    env: { GOOGLE_API_BASE: server.url, GOOGLE_CALENDAR_ID: calendarId },
    calls,
    faults,
    controls,
    actors,
    state,
    events: (id) => {
      const calendar = calendarOf(id);
      return [...calendar.events.values()].map((e) => eventJson(e, calendar));
    },
    close: () => server.close(),
  };
}
