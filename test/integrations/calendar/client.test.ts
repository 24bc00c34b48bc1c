import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startGoogleCalendarSim } from '../../../sim/google-calendar/index.js';
import {
  CalendarApiError,
  createCalendarClient,
  openCalendarClient,
} from '../../../src/integrations/calendar/client.js';
import {
  calendarEnvConfig,
  loadServiceAccountKey,
  ServiceAccountKeyError,
} from '../../../src/integrations/calendar/config.js';
import { type CalendarRig, makeServiceAccount, startCalendarRig } from '../../support/google-calendar.js';

const DAY = { start: new Date('2027-06-07T00:00:00+03:00'), end: new Date('2027-06-08T00:00:00+03:00') };
const draft = {
  summary: 'Консультация',
  start: new Date('2027-06-07T10:00:00+03:00'),
  end: new Date('2027-06-07T11:00:00+03:00'),
  timeZone: 'Europe/Moscow',
};

async function failure(promise: Promise<unknown>): Promise<CalendarApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CalendarApiError) return error;
    throw error;
  }
  throw new Error('expected a CalendarApiError');
}

describe('Calendar client (official @googleapis/calendar against the simulator)', () => {
  let rig: CalendarRig;
  beforeEach(async () => {
    rig = await startCalendarRig();
  });
  afterEach(async () => {
    await rig.close();
  });

  it('when the first call is made, then the service account signs a JWT, the token endpoint verifies it and the token is reused', async () => {
    await rig.client.freeBusy(DAY);
    await rig.client.listEvents(DAY);
    expect(rig.sim.tokenIssues()).toBe(1);
    const [tokenCall] = rig.sim.calls.find('/token', 'POST');
    const form = tokenCall!.body as Record<string, string>;
    expect(form.grant_type).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    const claims = JSON.parse(Buffer.from(form.assertion!.split('.')[1]!, 'base64url').toString('utf8'));
    expect(claims).toMatchObject({
      iss: rig.account.clientEmail,
      aud: 'https://oauth2.googleapis.com/token',
      scope:
        'https://www.googleapis.com/auth/calendar.events https://www.googleapis.com/auth/calendar.freebusy',
    });
    expect(claims.exp - claims.iat).toBeLessThanOrEqual(3600);
    const api = rig.sim.calls.find('/calendar/v3/freeBusy', 'POST')[0]!;
    expect(api.headers.authorization).toMatch(/^Bearer ya29\./);
  });

  it('when Google expires the token early, then one 401 leads to a fresh token and the call succeeds', async () => {
    await rig.client.freeBusy(DAY);
    rig.sim.expireTokens();
    await expect(rig.client.freeBusy(DAY)).resolves.toEqual([]);
    expect(rig.sim.tokenIssues()).toBe(2);
    expect(rig.sim.calls.find('/calendar/v3/freeBusy').map((c) => c.status)).toEqual([200, 401, 200]);
  });

  it('when the key is not the one Google knows, then the call fails as a non-retryable auth error', async () => {
    const other = makeServiceAccount(rig.dir, rig.account.clientEmail.replace('booking', 'stranger'));
    const client = createCalendarClient({
      key: await loadServiceAccountKey(other.writeKeyFile(rig.sim.tokenUrl)),
      calendarId: rig.sim.calendarId,
      apiBase: rig.sim.url,
      timeZone: 'Europe/Moscow',
    });
    const error = await failure(client.freeBusy(DAY));
    expect(error).toMatchObject({ kind: 'auth', retryable: false });
    expect(error.details).toMatchObject({ status: 400, reason: 'invalid_grant', tokenEndpoint: true });
    expect(rig.sim.calls.find('/calendar/v3/freeBusy')).toEqual([]);
    expect(error.message).toMatch(/GOOGLE_SERVICE_ACCOUNT_FILE/);
    expect(error.message).not.toMatch(/PRIVATE KEY/);
  });

  it('when the seller has busy events, then free/busy returns them as instants and ignores free (transparent) ones', async () => {
    rig.sim.sellerAddsEvent({ start: '2027-06-07T12:00:00+03:00', end: '2027-06-07T13:00:00+03:00' });
    rig.sim.sellerAddsEvent({
      start: '2027-06-07T15:00:00+03:00',
      end: '2027-06-07T16:00:00+03:00',
      transparent: true,
    });
    const busy = await rig.client.freeBusy(DAY);
    expect(busy).toEqual([
      { start: new Date('2027-06-07T09:00:00Z'), end: new Date('2027-06-07T10:00:00Z') },
    ]);
  });

  it('when an id is inserted twice, then the second insert is a duplicate (409) and get returns the first', async () => {
    const created = await rig.client.insertEvent('abcdef0123456789', {
      ...draft,
      privateProperties: { lead: 'L1' },
    });
    expect(created).toMatchObject({
      id: 'abcdef0123456789',
      status: 'confirmed',
      start: draft.start,
      end: draft.end,
    });
    const error = await failure(rig.client.insertEvent('abcdef0123456789', draft));
    expect(error).toMatchObject({ kind: 'duplicate', retryable: false });
    expect(error.details).toMatchObject({ status: 409, reason: 'duplicate' });
    expect((await rig.client.getEvent('abcdef0123456789'))?.privateProperties).toEqual({ lead: 'L1' });
    expect(await rig.client.getEvent('abcdef0123456780')).toBeUndefined();
  });

  it('when an event is deleted twice, then the second delete reports already-deleted and the id stays used', async () => {
    await rig.client.insertEvent('abcdef0123456789', draft);
    expect(await rig.client.deleteEvent('abcdef0123456789')).toBe('deleted');
    expect(await rig.client.deleteEvent('abcdef0123456789')).toBe('already-deleted');
    expect(await rig.client.deleteEvent('abcdef0000000000')).toBe('not-found');
    expect((await rig.client.getEvent('abcdef0123456789'))?.status).toBe('cancelled');
    expect((await failure(rig.client.insertEvent('abcdef0123456789', draft))).kind).toBe('duplicate');
  });

  it('when events span several pages, then listEvents follows nextPageToken and filters by our private property', async () => {
    await rig.close();
    rig = await startCalendarRig({ listPageCap: 2 });
    for (let i = 0; i < 3; i++) {
      const start = new Date(draft.start.getTime() + i * 3_600_000);
      await rig.client.insertEvent(`evt0000${i}`, {
        ...draft,
        start,
        end: new Date(start.getTime() + 1_800_000),
        privateProperties: { lead: i < 2 ? 'L1' : 'L2' },
      });
    }
    const mine = await rig.client.listEvents(DAY, { name: 'lead', value: 'L1' });
    expect(mine.map((e) => e.id)).toEqual(['evt00000', 'evt00001']);
    expect((await rig.client.listEvents(DAY)).map((e) => e.id)).toEqual(['evt00000', 'evt00001', 'evt00002']);
    const pages = rig.sim.calls.find(/\/events$/, 'GET');
    expect(pages.filter((c) => c.query.pageToken !== undefined).length).toBe(1);
  });

  it('when Google throttles or fails, then the error says retryable (429, 403 rate limit, 5xx, dropped connection) or not (400, 403)', async () => {
    const cases: Array<[Parameters<typeof rig.sim.faults.add>[0]['fault'], string, boolean]> = [
      [{ kind: 'status', status: 429, retryAfter: 7 }, 'rate-limited', true],
      [{ kind: 'status', status: 403 }, 'rate-limited', true],
      [{ kind: 'status', status: 503 }, 'unavailable', true],
      [{ kind: 'drop' }, 'unavailable', true],
      [{ kind: 'status', status: 400 }, 'invalid', false],
    ];
    for (const [fault, kind, retryable] of cases) {
      rig.sim.faults.add({ match: '/freeBusy', fault, times: 1 });
      const error = await failure(rig.client.freeBusy(DAY));
      expect({ kind: error.kind, retryable: error.retryable }).toEqual({ kind, retryable });
      if (fault.kind === 'status' && fault.retryAfter) expect(error.details.retryAfterMs).toBe(7000);
    }
    // A 403 that is not about rate: no write access to the calendar.
    rig.sim.state.calendars.get(rig.sim.calendarId)!.sharedWith.set(rig.account.clientEmail, 'reader');
    expect(await failure(rig.client.insertEvent('abcdef0123456789', draft))).toMatchObject({
      kind: 'forbidden',
      retryable: false,
    });
  });

  it('when the calendar is not shared with the service account, then free/busy fails as not-found instead of "all free"', async () => {
    rig.sim.state.calendars.get(rig.sim.calendarId)!.sharedWith.clear();
    const error = await failure(rig.client.freeBusy(DAY));
    expect(error.kind).toBe('not-found');
    expect(error.message).toMatch(/not shared/);
  });
});

describe('service-account key file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sa-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('when the key file is missing, not JSON, or not a service account, then the error names the variable and never the key', async () => {
    await expect(loadServiceAccountKey(join(dir, 'nope.json'))).rejects.toThrow(
      /GOOGLE_SERVICE_ACCOUNT_FILE: cannot read/,
    );
    const account = makeServiceAccount(dir);
    const path = account.writeKeyFile('https://oauth2.googleapis.com/token', { type: 'authorized_user' });
    const error = await loadServiceAccountKey(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceAccountKeyError);
    expect(String(error)).toMatch(/service_account/);
    expect(String(error)).not.toMatch(/BEGIN/);
    const insecure = account.writeKeyFile('http://evil.example/token');
    await expect(loadServiceAccountKey(insecure)).rejects.toThrow(/token_uri/);
  });

  it('when token_uri is absent, then Google’s token endpoint is used', async () => {
    const account = makeServiceAccount(dir);
    const path = account.writeKeyFile('https://oauth2.googleapis.com/token', { token_uri: undefined });
    expect((await loadServiceAccountKey(path)).token_uri).toBe('https://oauth2.googleapis.com/token');
  });

  it('when the simulator generates its own service account, then its env and key file open our client as is', async () => {
    const sim = await startGoogleCalendarSim();
    try {
      const path = join(dir, 'generated.json');
      const { writeFileSync } = await import('node:fs');
      writeFileSync(path, JSON.stringify(sim.serviceAccountKey));
      const config = calendarEnvConfig({ ...sim.env, GOOGLE_SERVICE_ACCOUNT_FILE: path });
      if (!config.enabled) throw new Error('calendar not configured');
      const client = await openCalendarClient(config, 'Europe/Moscow');
      await expect(client.freeBusy(DAY)).resolves.toEqual([]);
    } finally {
      await sim.close();
    }
  });
});
