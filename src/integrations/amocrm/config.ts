import { z } from 'zod';
import {
  emptyToUndefined,
  httpsUrl,
  optionalString,
  parseFragment,
  type RawEnv,
  secret,
} from '../../lib/env.js';

const positiveId = (what: string) =>
  z.preprocess(
    emptyToUndefined,
    z
      .string()
      .trim()
      .regex(/^\d{1,12}$/, { error: `expected the numeric id of ${what}` })
      .transform(Number)
      .optional(),
  );

/**
 * The amoCRM variables, to spread into the service's env schema (`z.object({ ...base, ...amoCrmEnv })`) so
 * a bad value is reported in the same list, one line per variable.
 */
export const amoCrmEnv = {
  AMOCRM_BASE_URL: z.preprocess(emptyToUndefined, httpsUrl('https://example.amocrm.ru').optional()),
  AMOCRM_ACCESS_TOKEN: optionalString(),
  AMOCRM_CLIENT_ID: optionalString(),
  AMOCRM_CLIENT_SECRET: optionalString(),
  AMOCRM_REDIRECT_URI: z.preprocess(
    emptyToUndefined,
    httpsUrl('https://bot.example.com/amocrm/oauth').optional(),
  ),
  AMOCRM_PIPELINE_ID: positiveId('the amoCRM pipeline new deals go to'),
  AMOCRM_LEAD_ID_FIELD_ID: positiveId('the lead text field that holds our lead id'),
  AMOCRM_WEBHOOK_SECRET: secret(24),
};

const amoCrmEnvSchema = z.object(amoCrmEnv);
export type AmoCrmEnv = z.infer<typeof amoCrmEnvSchema>;

export type AmoCrmAuthConfig =
  | { kind: 'long-lived'; token: string }
  | { kind: 'oauth'; clientId: string; clientSecret: string; redirectUri: string };

/** amoCRM settings; `enabled: false` (the default) leaves the integration off. */
export type AmoCrmConfig =
  | { enabled: false }
  | {
      enabled: true;
      baseUrl: string;
      auth: AmoCrmAuthConfig;
      pipelineId: number | undefined;
      /** Unset: found or created by code on start (`AmoCrmClient.ensureLeadIdField`). */
      leadIdFieldId: number | undefined;
      /** The secret path segment of `/amocrm/webhook/<secret>`; generated and kept in the store when unset. */
      webhookSecret: string | undefined;
    };

/**
 * Builds the config from parsed variables, with the problems that concern several variables at once.
 * On: `AMOCRM_BASE_URL` plus a long-lived token, or the whole OAuth trio (not both).
 */
export function amoCrmConfigFrom(e: AmoCrmEnv): { config: AmoCrmConfig; problems: string[] } {
  const problems: string[] = [];
  const oauthParts = [e.AMOCRM_CLIENT_ID, e.AMOCRM_CLIENT_SECRET, e.AMOCRM_REDIRECT_URI];
  const oauthCount = oauthParts.filter(Boolean).length;
  const anything = Boolean(e.AMOCRM_BASE_URL || e.AMOCRM_ACCESS_TOKEN || oauthCount > 0);
  if (!anything) return { config: { enabled: false }, problems };
  if (oauthCount > 0 && oauthCount < 3) {
    problems.push(
      'AMOCRM_CLIENT_ID / AMOCRM_CLIENT_SECRET / AMOCRM_REDIRECT_URI: set all three for OAuth, or none',
    );
  }
  if (e.AMOCRM_ACCESS_TOKEN && oauthCount > 0) {
    problems.push('AMOCRM_ACCESS_TOKEN: set either the long-lived token or the OAuth trio, not both');
  }
  if (!e.AMOCRM_ACCESS_TOKEN && oauthCount === 0) {
    problems.push(
      'AMOCRM_ACCESS_TOKEN: expected a long-lived token (or the OAuth trio) when AMOCRM_BASE_URL is set',
    );
  }
  if (!e.AMOCRM_BASE_URL) {
    problems.push(
      "AMOCRM_BASE_URL: expected the account's https://<subdomain>.amocrm.ru when amoCRM credentials are set",
    );
  }
  if (problems.length > 0) return { config: { enabled: false }, problems };
  const auth: AmoCrmAuthConfig = e.AMOCRM_ACCESS_TOKEN
    ? { kind: 'long-lived', token: e.AMOCRM_ACCESS_TOKEN }
    : {
        kind: 'oauth',
        clientId: e.AMOCRM_CLIENT_ID!,
        clientSecret: e.AMOCRM_CLIENT_SECRET!,
        redirectUri: e.AMOCRM_REDIRECT_URI!,
      };
  return {
    config: {
      enabled: true,
      baseUrl: e.AMOCRM_BASE_URL!,
      auth,
      pipelineId: e.AMOCRM_PIPELINE_ID,
      leadIdFieldId: e.AMOCRM_LEAD_ID_FIELD_ID,
      webhookSecret: e.AMOCRM_WEBHOOK_SECRET,
    },
    problems,
  };
}

/** Parses the amoCRM variables alone (scripts, tests). Throws `ConfigError` listing every problem. */
export function parseAmoCrmConfig(env: RawEnv): AmoCrmConfig {
  return parseFragment(amoCrmEnvSchema, amoCrmConfigFrom, env);
}

/** The amoCRM secrets, for log redaction (`secretsOf`). */
export function amoCrmSecrets(config: AmoCrmConfig): string[] {
  if (!config.enabled) return [];
  const auth = config.auth.kind === 'long-lived' ? [config.auth.token] : [config.auth.clientSecret];
  return config.webhookSecret ? [...auth, config.webhookSecret] : auth;
}
