import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fromWallTime,
  parseRfc3339,
  toRfc3339,
  toWallTime,
  zoneOffsetMinutes,
} from '../../src/lib/zoned-time.js';

const ZONES = [
  'Europe/Moscow',
  'Europe/Berlin',
  'America/New_York',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'UTC',
];

describe('zoned time', () => {
  it('when any instant is shown in a zone and read back, then the wall time is the same (and the instant too, outside an overlap)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.integer({
          min: Date.parse('2020-01-01T00:00:00Z') / 60_000,
          max: Date.parse('2035-01-01T00:00:00Z') / 60_000,
        }),
        (zone, minutes) => {
          const instant = minutes * 60_000;
          const wall = toWallTime(instant, zone);
          const back = fromWallTime(wall, zone);
          expect(toWallTime(back, zone)).toEqual(wall);
          expect(back).toBeLessThanOrEqual(instant);
          expect(parseRfc3339(toRfc3339(instant, zone))).toBe(instant);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('when offsets are asked for, then Moscow is +3 all year and Berlin +1 in winter, +2 in summer', () => {
    expect(zoneOffsetMinutes('Europe/Moscow', Date.parse('2026-01-15T12:00:00Z'))).toBe(180);
    expect(zoneOffsetMinutes('Europe/Moscow', Date.parse('2026-07-15T12:00:00Z'))).toBe(180);
    expect(zoneOffsetMinutes('Europe/Berlin', Date.parse('2026-01-15T12:00:00Z'))).toBe(60);
    expect(zoneOffsetMinutes('Europe/Berlin', Date.parse('2026-07-15T12:00:00Z'))).toBe(120);
    expect(toRfc3339(Date.parse('2026-07-15T12:00:00Z'), 'Asia/Kathmandu')).toBe('2026-07-15T17:45:00+05:45');
  });

  it('when an RFC 3339 string has no zone, then it is refused (Google requires an offset)', () => {
    expect(parseRfc3339('2026-06-01T10:00:00')).toBeUndefined();
    expect(parseRfc3339('2026-06-01T10:00:00.123+03:00')).toBe(Date.parse('2026-06-01T07:00:00.123Z'));
  });
});
