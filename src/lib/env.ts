import { z } from 'zod';

/**
 * zod building blocks for environment variables, shared by `src/config.ts` and the config fragments of the
 * integrations (`src/integrations/<name>/config.ts`), so every variable reads and fails the same way.
 */

/** Raised when the environment is invalid; `message` is meant for the operator as is. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** The raw environment, as `process.env` or a test's object. */
export type RawEnv = Record<string, string | undefined>;

export const emptyToUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? undefined : value;

/** An optional string variable: blank counts as unset, so `.env.example` copied as is stays valid. */
export const optionalString = () => z.preprocess(emptyToUndefined, z.string().trim().optional());

export const integer = (min: number, max: number, fallback: number) =>
  z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ error: `expected an integer from ${min} to ${max}` })
      .int({ error: `expected an integer from ${min} to ${max}` })
      .min(min, { error: `expected an integer from ${min} to ${max}` })
      .max(max, { error: `expected an integer from ${min} to ${max}` })
      .default(fallback),
  );

/** A number in [min, max] (decimals allowed); `expected` says what, e.g. "a share from 0 to 1, like 0.7". */
export const decimal = (min: number, max: number, fallback: number, expected: string) =>
  z.preprocess(
    emptyToUndefined,
    z.coerce
      .number({ error: `expected ${expected}` })
      .min(min, { error: `expected ${expected}` })
      .max(max, { error: `expected ${expected}` })
      .default(fallback),
  );

export const httpUrl = (what: string) =>
  z
    .url({ protocol: /^https?$/, error: `expected an http(s) URL of ${what}` })
    .transform((u) => u.replace(/\/+$/, ''));

export const optionalUrl = (what: string) => z.preprocess(emptyToUndefined, httpUrl(what).optional());

/** A comma-separated list of items; blank entries are dropped. */
export const csv = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (value) =>
      typeof value === 'string'
        ? value
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : (value ?? []),
    z.array(item),
  );

export const secret = (minLength: number) =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .min(minLength, { error: `expected at least ${minLength} characters` })
      .regex(/^[A-Za-z0-9_-]+$/, { error: 'expected only letters, digits, "_" and "-"' })
      .optional(),
  );

/** `true`/`false` (also `1`/`0`, `yes`/`no`); blank is the default. */
export const flag = (fallback: boolean) =>
  z.preprocess(
    emptyToUndefined,
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
      .default(fallback ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1' || v === 'yes'),
  );

/** Plain http only for loopback: local runs against the simulators. */
export const LOOPBACK_HTTP = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/;

/** An https URL (http only for loopback), without trailing slashes. */
export const httpsUrl = (example: string) =>
  z
    .url({ protocol: /^https?$/, error: `expected an https URL, e.g. ${example}` })
    .refine((u) => u.startsWith('https://') || LOOPBACK_HTTP.test(u), {
      error: `expected an https URL, e.g. ${example} (http only for localhost)`,
    })
    .transform((u) => u.replace(/\/+$/, ''));

/**
 * One line per bad variable: its name, what was expected and what was given, except for secret-looking
 * names (`SECRET`, `TOKEN`, `KEY`, `URI`), whose values never reach logs.
 */
export function envProblems(error: z.ZodError, env: RawEnv): string[] {
  return error.issues.map((issue) => {
    const name = String(issue.path[0] ?? 'environment');
    const raw = env[name];
    const shown =
      raw === undefined
        ? 'it is not set'
        : `got ${JSON.stringify(raw.length > 40 ? `${raw.slice(0, 40)}…` : raw)}`;
    const safe = /SECRET|TOKEN|KEY|URI/.test(name) ? '' : `, ${shown}`;
    return `${name}: ${issue.message}${safe}`;
  });
}

/**
 * Parses one config fragment (an integration's variables) on its own, for scripts and tests: the fragment's
 * schema, then `build` for the rules that span several variables. Throws {@link ConfigError} listing every
 * problem; the service instead spreads the schema into its own and calls `build` itself.
 */
export function parseFragment<S extends z.ZodObject, C>(
  schema: S,
  build: (parsed: z.output<S>) => { config: C; problems: string[] },
  env: RawEnv,
): C {
  const parsed = schema.safeParse(env);
  if (!parsed.success) throw new ConfigError(envProblems(parsed.error, env));
  const { config, problems } = build(parsed.data);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
