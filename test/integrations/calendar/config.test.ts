import { describe, expect, it } from 'vitest';
import { calendarEnvConfig } from '../../../src/integrations/calendar/config.js';

describe('calendar environment', () => {
  it('when nothing is set, then the calendar is off, says what is missing, and points at Google', () => {
    expect(calendarEnvConfig({})).toEqual({
      enabled: false,
      apiBase: 'https://www.googleapis.com',
      missing: ['GOOGLE_SERVICE_ACCOUNT_FILE', 'GOOGLE_CALENDAR_ID'],
    });
    expect(
      calendarEnvConfig({
        GOOGLE_SERVICE_ACCOUNT_FILE: ' ',
        GOOGLE_CALENDAR_ID: 'x@group.calendar.google.com',
      }),
    ).toMatchObject({
      enabled: false,
      missing: ['GOOGLE_SERVICE_ACCOUNT_FILE'],
    });
  });

  it('when both are set (and the simulator base), then it is on with a base without trailing slash', () => {
    expect(
      calendarEnvConfig({
        GOOGLE_SERVICE_ACCOUNT_FILE: '/run/secrets/sa.json',
        GOOGLE_CALENDAR_ID: 'c_1@group.calendar.google.com',
        GOOGLE_API_BASE: 'http://127.0.0.1:8084/',
      }),
    ).toEqual({
      enabled: true,
      apiBase: 'http://127.0.0.1:8084',
      serviceAccountFile: '/run/secrets/sa.json',
      calendarId: 'c_1@group.calendar.google.com',
    });
  });

  it('when the calendar id is "primary" or the base is plain http off loopback, then it is refused', () => {
    expect(() => calendarEnvConfig({ GOOGLE_CALENDAR_ID: 'primary' })).toThrow(
      /shared with the service account/,
    );
    expect(() => calendarEnvConfig({ GOOGLE_API_BASE: 'http://calendar.example.com' })).toThrow(/https/);
  });
});
