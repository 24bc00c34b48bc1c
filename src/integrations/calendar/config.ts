import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { isValidTimeZone } from '../../lib/zoned-time.js';

/** Google's production endpoints; `GOOGLE_API_BASE` and the key file's `token_uri` replace them in tests. */
export const GOOGLE_API_ROOT = 'https://www.googleapis.com';
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

const blankToUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/** http(s) origin-like base; plain http only on loopback (the simulator). */
const LOOPBACK_HTTP = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/;
const apiUrl = (what: string) =>
  z
    .url({ protocol: /^https?$/, error: `expected an http(s) URL of ${what}` })
    .refine((u) => u.startsWith('https://') || LOOPBACK_HTTP.test(u), {
      error: `expected an https URL of ${what} (plain http only for localhost)`,
    });

/**
 * The calendar's environment variables, to merge into the service's env schema. Off until both the key
 * file and the calendar id are set.
 */
export const calendarEnvSchema = z.object({
  GOOGLE_SERVICE_ACCOUNT_FILE: z.preprocess(blankToUndefined, z.string().optional()),
  GOOGLE_CALENDAR_ID: z.preprocess(
    blankToUndefined,
    z
      .string()
      .refine((id) => id !== 'primary', {
        error:
          'expected the id of the calendar shared with the service account (…@group.calendar.google.com), not "primary"',
      })
      .optional(),
  ),
  GOOGLE_API_BASE: z.preprocess(
    blankToUndefined,
    apiUrl('the Google APIs root')
      .default(GOOGLE_API_ROOT)
      .transform((u) => u.replace(/\/+$/, '')),
  ),
});

/** The calendar integration's settings from the environment. */
export type CalendarEnvConfig =
  | { enabled: false; apiBase: string; missing: string[] }
  | { enabled: true; apiBase: string; serviceAccountFile: string; calendarId: string };

/**
 * Reads the calendar's variables; `enabled: false` (with what is missing) until both are set. Throws a
 * zod error for malformed values.
 */
export function calendarEnvConfig(env: Record<string, string | undefined>): CalendarEnvConfig {
  const e = calendarEnvSchema.parse(env);
  if (e.GOOGLE_SERVICE_ACCOUNT_FILE && e.GOOGLE_CALENDAR_ID) {
    return {
      enabled: true,
      apiBase: e.GOOGLE_API_BASE,
      serviceAccountFile: e.GOOGLE_SERVICE_ACCOUNT_FILE,
      calendarId: e.GOOGLE_CALENDAR_ID,
    };
  }
  const missing = [
    e.GOOGLE_SERVICE_ACCOUNT_FILE ? undefined : 'GOOGLE_SERVICE_ACCOUNT_FILE',
    e.GOOGLE_CALENDAR_ID ? undefined : 'GOOGLE_CALENDAR_ID',
  ].filter((v): v is string => v !== undefined);
  return { enabled: false, apiBase: e.GOOGLE_API_BASE, missing };
}

/**
 * A Google service-account JSON key, as the Cloud console downloads it. Only the fields we use are
 * required; `token_uri` defaults to Google's and may point at the simulator (http only on loopback).
 */
export const serviceAccountKeySchema = z.object({
  type: z.literal('service_account', { error: 'expected "type": "service_account" (a service-account key)' }),
  client_email: z.email({ error: 'expected the service account e-mail in client_email' }),
  private_key: z
    .string()
    .regex(/-----BEGIN (RSA )?PRIVATE KEY-----/, { error: 'expected a PEM private key in private_key' }),
  private_key_id: z.string().min(1).optional(),
  project_id: z.string().optional(),
  token_uri: apiUrl('the OAuth token endpoint').default(GOOGLE_TOKEN_URL),
});

export type ServiceAccountKey = z.infer<typeof serviceAccountKeySchema>;

/** Raised when the key file cannot be read or is not a service-account key; never quotes the key. */
export class ServiceAccountKeyError extends Error {
  override name = 'ServiceAccountKeyError';
}

/** Reads and validates the key file named by `GOOGLE_SERVICE_ACCOUNT_FILE`. */
export async function loadServiceAccountKey(path: string): Promise<ServiceAccountKey> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ServiceAccountKeyError(
      `GOOGLE_SERVICE_ACCOUNT_FILE: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ServiceAccountKeyError(`GOOGLE_SERVICE_ACCOUNT_FILE: ${path} is not JSON`);
  }
  const parsed = serviceAccountKeySchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'key'}: ${i.message}`);
    throw new ServiceAccountKeyError(`GOOGLE_SERVICE_ACCOUNT_FILE: ${path}: ${problems.join('; ')}`);
  }
  return parsed.data;
}

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;
const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** One working interval of a day, "10:00-19:00" in YAML, as minutes since local midnight. */
const workingInterval = z.string().transform((value, ctx) => {
  const [from, to, ...rest] = value.split('-').map((s) => s.trim());
  if (!from || !to || rest.length > 0 || !HHMM.test(from) || !HHMM.test(to) || from === '24:00') {
    ctx.addIssue({ code: 'custom', message: `expected "HH:MM-HH:MM" like "10:00-19:00", got "${value}"` });
    return z.NEVER;
  }
  const interval = { from: toMinutes(from), to: toMinutes(to) };
  if (interval.from >= interval.to) {
    ctx.addIssue({ code: 'custom', message: `"${value}": the end must come after the start` });
    return z.NEVER;
  }
  return interval;
});

const dayHours = z.array(workingInterval).superRefine((intervals, ctx) => {
  const sorted = [...intervals].sort((a, b) => a.from - b.from);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i]!.from < sorted[i - 1]!.to) ctx.addIssue({ code: 'custom', message: 'intervals overlap' });
  }
});

const weekdayHours = '10:00-19:00';

/**
 * `calendar:` of the sales configuration (YAML): when the seller takes consultations. A weekday left out
 * (or `[]`) is a day off. Defaults: Mon–Fri 10:00–19:00, 60-minute slots, 15 minutes between meetings,
 * 14 days ahead, Moscow time, no slot sooner than 60 minutes from now.
 *
 * ```yaml
 * calendar:
 *   timeZone: Europe/Moscow
 *   workingHours: { mon: ["10:00-13:00", "14:00-19:00"], sat: ["11:00-15:00"] }
 *   slotMinutes: 45
 * ```
 */
export const calendarSettingsSchema = z.object({
  workingHours: z
    .object(
      Object.fromEntries(WEEKDAYS.map((d) => [d, dayHours.optional()])) as Record<
        Weekday,
        z.ZodOptional<typeof dayHours>
      >,
    )
    .strict()
    // prefault, not default: the default goes through the "HH:MM-HH:MM" parsing like configured values.
    .prefault(() => ({
      mon: [weekdayHours],
      tue: [weekdayHours],
      wed: [weekdayHours],
      thu: [weekdayHours],
      fri: [weekdayHours],
    })),
  slotMinutes: z.number().int().min(5).max(480).default(60),
  bufferMinutes: z.number().int().min(0).max(240).default(15),
  horizonDays: z.number().int().min(1).max(90).default(14),
  minNoticeMinutes: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 60)
    .default(60),
  timeZone: z
    .string()
    .refine(isValidTimeZone, { error: 'expected an IANA time zone such as Europe/Moscow' })
    .default('Europe/Moscow'),
});

/** Parsed scheduling settings (minutes since local midnight per weekday). */
export type CalendarSettings = z.infer<typeof calendarSettingsSchema>;

/** The scheduling settings' weekdays in ISO order (index 0 = Monday). */
export const WEEKDAY_KEYS = WEEKDAYS;
