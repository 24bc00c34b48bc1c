import { generateKeyPairSync, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type GoogleCalendarSim, startGoogleCalendarSim } from '../../sim/google-calendar/index.js';

// The simulator on its own, driven by raw HTTP: what it accepts and refuses must match Google's documents
// (the discovery document, and the notes in shared/api/google-calendar where the document is silent).

const EMAIL = 'raw@test-project.iam.gserviceaccount.com';
const CAL = 'sales@group.calendar.google.com';
const EVENTS = `/calendar/v3/calendars/${encodeURIComponent(CAL)}/events`;
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const strangerKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });

function assertion(
  claims: Record<string, unknown>,
  key = keys.privateKey,
  header: Record<string, unknown> = { alg: 'RS256' },
): string {
  const now = Math.floor(Date.now() / 1000);
  const encode = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const body = `${encode(header)}.${encode({
    iss: EMAIL,
    scope:
      'https://www.googleapis.com/auth/calendar.events https://www.googleapis.com/auth/calendar.freebusy',
    aud: 'https://oauth2.googleapis.com/token',
    iat: now,
    exp: now + 3600,
    ...claims,
  })}`;
  return `${body}.${sign('RSA-SHA256', Buffer.from(body), key).toString('base64url')}`;
}

describe('Google Calendar simulator', () => {
  let sim: GoogleCalendarSim;
  let token: string;

  const tokenRequest = (form: Record<string, string>) =>
    fetch(`${sim.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form),
    });
  const grant = (
    claims: Record<string, unknown> = {},
    key = keys.privateKey,
    header?: Record<string, unknown>,
  ) =>
    tokenRequest({
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: assertion(claims, key, header),
    });
  const api = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    fetch(`${sim.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  const event = (over: Record<string, unknown> = {}) => ({
    summary: 'Консультация',
    start: { dateTime: '2027-06-07T10:00:00+03:00', timeZone: 'Europe/Moscow' },
    end: { dateTime: '2027-06-07T11:00:00+03:00', timeZone: 'Europe/Moscow' },
    ...over,
  });
  const errorOf = async (res: Response) => {
    const body = (await res.json()) as {
      error: {
        code: number;
        message: string;
        errors: Array<{ reason: string; domain: string }>;
        status: string;
      };
    };
    return {
      status: res.status,
      code: body.error.code,
      reason: body.error.errors[0]?.reason,
      message: body.error.message,
      body,
    };
  };

  beforeEach(async () => {
    sim = await startGoogleCalendarSim({
      serviceAccounts: [{ clientEmail: EMAIL, publicKey: keys.publicKey, privateKeyId: 'k1' }],
      calendars: [{ id: CAL, timeZone: 'Europe/Moscow' }],
      controlRoutes: true,
    });
    const res = await grant();
    token = ((await res.json()) as { access_token: string }).access_token;
  });
  afterEach(async () => {
    await sim.close();
  });

  describe('OAuth token endpoint (JWT bearer)', () => {
    it('when the assertion is valid, then a one-hour bearer token is issued', async () => {
      const res = await grant();
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        token_type: 'Bearer',
        expires_in: 3599,
        access_token: expect.stringMatching(/^ya29\./),
      });
    });

    it('when the assertion is signed by another key, names another kid, or uses another algorithm, then invalid_grant', async () => {
      for (const res of [
        await grant({}, strangerKeys.privateKey),
        await grant({}, keys.privateKey, { alg: 'RS256', kid: 'other' }),
        await grant({}, keys.privateKey, { alg: 'HS256' }),
      ]) {
        expect(res.status).toBe(400);
        expect(await res.json()).toMatchObject({
          error: 'invalid_grant',
          error_description: 'Invalid JWT Signature.',
        });
      }
    });

    it('when the claims are wrong (unknown account, audience, lifetime over an hour, expired), then invalid_grant', async () => {
      const now = Math.floor(Date.now() / 1000);
      for (const claims of [
        { iss: 'nobody@x.iam.gserviceaccount.com' },
        { aud: 'https://example.com/token' },
        { iat: now, exp: now + 7200 },
        { iat: now - 7200, exp: now - 3600 },
      ]) {
        const res = await grant(claims);
        expect(res.status).toBe(400);
        expect(((await res.json()) as { error: string }).error).toBe('invalid_grant');
      }
    });

    it('when the scope is missing or not a Calendar scope, then invalid_scope', async () => {
      for (const scope of ['', 'https://www.googleapis.com/auth/drive']) {
        const res = await grant({ scope });
        expect(res.status).toBe(400);
        expect(((await res.json()) as { error: string }).error).toBe('invalid_scope');
      }
    });

    it('when the grant type or the body type is wrong, then the request is refused before any JWT check', async () => {
      expect((await tokenRequest({ grant_type: 'client_credentials' })).status).toBe(400);
      const json = await fetch(`${sim.url}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
          assertion: assertion({}),
        }),
      });
      expect(((await json.json()) as { error: string }).error).toBe('invalid_request');
    });
  });

  describe('authorization on the API', () => {
    it('when the bearer is missing, then 401 required; when unknown, then 401 authError — in Google’s error shape', async () => {
      const missing = await fetch(`${sim.url}${EVENTS}`);
      expect(await errorOf(missing)).toMatchObject({ status: 401, code: 401, reason: 'required' });
      token = 'ya29.forged';
      const forged = await errorOf(await api('GET', EVENTS));
      expect(forged).toMatchObject({ status: 401, reason: 'authError' });
      expect(forged.body.error.status).toBe('UNAUTHENTICATED');
    });

    it('when the token lacks every scope the method accepts, then 403 insufficientPermissions', async () => {
      token = (
        (await (await grant({ scope: 'https://www.googleapis.com/auth/calendar.freebusy' })).json()) as {
          access_token: string;
        }
      ).access_token;
      expect(await errorOf(await api('POST', EVENTS, event()))).toMatchObject({
        status: 403,
        reason: 'insufficientPermissions',
      });
      const freeBusy = await api('POST', '/calendar/v3/freeBusy', {
        timeMin: '2027-06-07T00:00:00Z',
        timeMax: '2027-06-08T00:00:00Z',
        items: [{ id: CAL }],
      });
      expect(freeBusy.status).toBe(200);
    });
  });

  describe('events', () => {
    it('when an id breaks the base32hex rule (w–z, upper case, under 5 characters), then 400; a valid one is kept', async () => {
      for (const id of ['abcdw12345', 'ABCDE12345', 'abcd']) {
        expect(await errorOf(await api('POST', EVENTS, event({ id })))).toMatchObject({
          status: 400,
          reason: 'invalid',
        });
      }
      const ok = await api('POST', EVENTS, event({ id: '0123456789abcdefghijklmnopqrstuv' }));
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({
        kind: 'calendar#event',
        id: '0123456789abcdefghijklmnopqrstuv',
        iCalUID: '0123456789abcdefghijklmnopqrstuv@google.com',
      });
    });

    it('when an id is inserted again, even after a delete, then 409 duplicate; a second delete is 410 deleted', async () => {
      await api('POST', EVENTS, event({ id: 'booking0001' }));
      const dup = await errorOf(await api('POST', EVENTS, event({ id: 'booking0001' })));
      expect(dup).toMatchObject({
        status: 409,
        reason: 'duplicate',
        message: 'The requested identifier already exists.',
      });
      expect((await api('DELETE', `${EVENTS}/booking0001`)).status).toBe(204);
      expect(await errorOf(await api('DELETE', `${EVENTS}/booking0001`))).toMatchObject({
        status: 410,
        reason: 'deleted',
      });
      expect((await errorOf(await api('POST', EVENTS, event({ id: 'booking0001' })))).status).toBe(409);
      const got = await api('GET', `${EVENTS}/booking0001`);
      expect(((await got.json()) as { status: string }).status).toBe('cancelled');
    });

    it('when times are malformed, then 400: no offset without timeZone, unknown zone, end before start, date mixed with dateTime, missing end', async () => {
      const bad = [
        event({ start: { dateTime: '2027-06-07T10:00:00' } }),
        event({ start: { dateTime: '2027-06-07T10:00:00+03:00', timeZone: 'Mars/Olympus' } }),
        event({ end: { dateTime: '2027-06-07T09:00:00+03:00' } }),
        event({ end: { date: '2027-06-08' } }),
        { summary: 'x', start: { dateTime: '2027-06-07T10:00:00+03:00' } },
      ];
      const reasons = [];
      for (const body of bad) reasons.push((await errorOf(await api('POST', EVENTS, body))).status);
      expect(reasons).toEqual([400, 400, 400, 400, 400]);
    });

    it('when a dateTime has no offset but a timeZone, then it is that zone’s wall time (DST included)', async () => {
      const res = await api('POST', EVENTS, {
        start: { dateTime: '2027-07-01T10:00:00', timeZone: 'Europe/Berlin' },
        end: { dateTime: '2027-07-01T11:00:00', timeZone: 'Europe/Berlin' },
      });
      expect(await res.json()).toMatchObject({
        start: { dateTime: '2027-07-01T10:00:00+02:00', timeZone: 'Europe/Berlin' },
      });
    });

    it('when the body has a field the Event schema lacks, an attendee from a service account, or broken JSON, then it is refused', async () => {
      expect((await errorOf(await api('POST', EVENTS, event({ tittle: 'typo' })))).status).toBe(400);
      expect(
        await errorOf(await api('POST', EVENTS, event({ attendees: [{ email: 'buyer@example.com' }] }))),
      ).toMatchObject({
        status: 403,
        reason: 'forbiddenForServiceAccounts',
      });
      expect(await errorOf(await api('POST', EVENTS, '{"summary":'))).toMatchObject({
        status: 400,
        reason: 'parseError',
      });
    });

    it('when query parameters break the discovery document (unknown name, bad enum, bad date-time, orderBy without singleEvents), then 400', async () => {
      for (const query of ['?sendUpdates=nobody', '?conferenceDataVersion=2', '?color=red']) {
        expect((await errorOf(await api('POST', `${EVENTS}${query}`, event()))).status).toBe(400);
      }
      for (const query of ['?timeMin=2027-06-07', '?orderBy=startTime', '?maxResults=0']) {
        expect((await errorOf(await api('GET', `${EVENTS}${query}`))).status).toBe(400);
      }
    });

    it('when patched, then only the fields sent change, the etag changes, and If-Match with an old etag is 412', async () => {
      const created = (await (
        await api('POST', EVENTS, event({ id: 'patchme001', description: 'keep' }))
      ).json()) as { etag: string };
      const patched = await api(
        'PATCH',
        `${EVENTS}/patchme001`,
        { summary: 'Новое время' },
        { 'if-match': created.etag },
      );
      const body = (await patched.json()) as { etag: string; summary: string; description: string };
      expect(body).toMatchObject({ summary: 'Новое время', description: 'keep' });
      expect(body.etag).not.toBe(created.etag);
      const stale = await api(
        'PATCH',
        `${EVENTS}/patchme001`,
        { summary: 'x' },
        { 'if-match': created.etag },
      );
      expect(await errorOf(stale)).toMatchObject({ status: 412, reason: 'conditionNotMet' });
    });

    it('when listed, then timeMin bounds the end and timeMax the start (both exclusive) and cancelled events need showDeleted', async () => {
      await api(
        'POST',
        EVENTS,
        event({
          id: 'ea00000001',
          start: { dateTime: '2027-06-07T08:00:00+03:00' },
          end: { dateTime: '2027-06-07T09:00:00+03:00' },
        }),
      );
      await api(
        'POST',
        EVENTS,
        event({
          id: 'late000001',
          start: { dateTime: '2027-06-07T12:00:00+03:00' },
          end: { dateTime: '2027-06-07T13:00:00+03:00' },
        }),
      );
      await api('POST', EVENTS, event({ id: 'gone000001' }));
      await api('DELETE', `${EVENTS}/gone000001`);
      const list = async (q: string) =>
        ((await (await api('GET', `${EVENTS}?${q}`)).json()) as { items: Array<{ id: string }> }).items.map(
          (e) => e.id,
        );
      const range = `timeMin=${encodeURIComponent('2027-06-07T09:00:00+03:00')}&timeMax=${encodeURIComponent('2027-06-07T12:00:00+03:00')}`;
      expect(await list(range)).toEqual([]);
      expect(await list(`${range}&showDeleted=true`)).toEqual(['gone000001']);
      expect(await list('singleEvents=true&orderBy=startTime')).toEqual(['ea00000001', 'late000001']);
    });
  });

  describe('freeBusy', () => {
    const query = (over: Record<string, unknown> = {}) =>
      api('POST', '/calendar/v3/freeBusy', {
        timeMin: '2027-06-07T00:00:00Z',
        timeMax: '2027-06-08T00:00:00Z',
        items: [{ id: CAL }],
        ...over,
      });

    it('when events overlap or touch, then busy periods are merged, clipped to the range, and free (transparent) ones are left out', async () => {
      sim.sellerAddsEvent({ start: '2027-06-06T23:00:00Z', end: '2027-06-07T01:00:00Z' });
      sim.sellerAddsEvent({ start: '2027-06-07T10:00:00Z', end: '2027-06-07T11:00:00Z' });
      sim.sellerAddsEvent({ start: '2027-06-07T11:00:00Z', end: '2027-06-07T11:30:00Z' });
      sim.sellerAddsEvent({ start: '2027-06-07T15:00:00Z', end: '2027-06-07T16:00:00Z', transparent: true });
      const body = (await (await query()).json()) as {
        kind: string;
        calendars: Record<string, { busy: unknown[] }>;
      };
      expect(body.kind).toBe('calendar#freeBusy');
      expect(body.calendars[CAL]!.busy).toEqual([
        { start: '2027-06-07T00:00:00Z', end: '2027-06-07T01:00:00Z' },
        { start: '2027-06-07T10:00:00Z', end: '2027-06-07T11:30:00Z' },
      ]);
      const zoned = (await (await query({ timeZone: 'Europe/Moscow' })).json()) as {
        calendars: Record<string, { busy: Array<{ start: string }> }>;
      };
      expect(zoned.calendars[CAL]!.busy[1]!.start).toBe('2027-06-07T13:00:00+03:00');
    });

    it('when a calendar is not shared with the caller, then it comes back with errors notFound, not as an HTTP error', async () => {
      const res = await query({ items: [{ id: 'someone-else@group.calendar.google.com' }] });
      expect(res.status).toBe(200);
      expect(
        ((await res.json()) as { calendars: Record<string, unknown> }).calendars[
          'someone-else@group.calendar.google.com'
        ],
      ).toEqual({
        errors: [{ domain: 'global', reason: 'notFound' }],
        busy: [],
      });
    });

    it('when the range is empty or a bound is missing, then 400 timeRangeEmpty / required', async () => {
      expect(await errorOf(await query({ timeMax: '2027-06-07T00:00:00Z' }))).toMatchObject({
        status: 400,
        reason: 'timeRangeEmpty',
      });
      expect(await errorOf(await query({ timeMin: undefined }))).toMatchObject({
        status: 400,
        reason: 'required',
      });
    });
  });

  describe('faults and control routes', () => {
    it('when a 429 or 503 is injected, then it comes in Google’s shape with usageLimits / backendError', async () => {
      sim.faults.add({ match: '/freeBusy', fault: { kind: 'status', status: 429, retryAfter: 3 }, times: 1 });
      sim.faults.add({ match: '/events', fault: { kind: 'status', status: 503 }, times: 1 });
      const limited = await api('POST', '/calendar/v3/freeBusy', {});
      expect(limited.headers.get('retry-after')).toBe('3');
      expect(await errorOf(limited)).toMatchObject({ status: 429, reason: 'rateLimitExceeded' });
      expect(await errorOf(await api('GET', EVENTS))).toMatchObject({ status: 503, reason: 'backendError' });
    });

    it('when the seller adds a busy event through the control route, then free/busy shows it', async () => {
      const res = await fetch(`${sim.url}/__sim/seller-adds-event`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ start: '2027-06-07T10:00:00+03:00', end: '2027-06-07T11:00:00+03:00' }),
      });
      expect(res.status).toBe(200);
      const fb = (await (
        await api('POST', '/calendar/v3/freeBusy', {
          timeMin: '2027-06-07T00:00:00Z',
          timeMax: '2027-06-08T00:00:00Z',
          items: [{ id: CAL }],
        })
      ).json()) as {
        calendars: Record<string, { busy: unknown[] }>;
      };
      expect(fb.calendars[CAL]!.busy).toEqual([
        { start: '2027-06-07T07:00:00Z', end: '2027-06-07T08:00:00Z' },
      ]);
      const bad = await fetch(`${sim.url}/__sim/seller-adds-event`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ start: '2027-06-07T10:00:00', end: '2027-06-07T11:00:00+03:00' }),
      });
      expect(bad.status).toBe(400);
    });
  });

  it('when the routes are compared with the discovery document, then each method we serve has the same HTTP method and path', () => {
    const doc = JSON.parse(
      readFileSync(new URL('../../docs/api/google-calendar/calendar-api.json', import.meta.url), 'utf8'),
    ) as {
      servicePath: string;
      resources: Record<string, { methods: Record<string, { httpMethod: string; path: string }> }>;
    };
    const served: Array<[string, string, string]> = [
      ['freebusy', 'query', 'POST freeBusy'],
      ['events', 'insert', 'POST calendars/{calendarId}/events'],
      ['events', 'get', 'GET calendars/{calendarId}/events/{eventId}'],
      ['events', 'patch', 'PATCH calendars/{calendarId}/events/{eventId}'],
      ['events', 'update', 'PUT calendars/{calendarId}/events/{eventId}'],
      ['events', 'delete', 'DELETE calendars/{calendarId}/events/{eventId}'],
      ['events', 'list', 'GET calendars/{calendarId}/events'],
    ];
    expect(doc.servicePath).toBe('calendar/v3/');
    for (const [resource, method, route] of served) {
      const m = doc.resources[resource]!.methods[method]!;
      expect(`${m.httpMethod} ${m.path}`).toBe(route);
    }
  });
});
