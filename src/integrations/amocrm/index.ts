import type { FetchLike } from '../../lib/http.js';
import type { Logger } from '../../logger.js';
import { type AmoAuth, type AmoTokenStore, LongLivedAuth, OAuthAuth } from './auth.js';
import { AmoCrmClient } from './client.js';
import type { AmoCrmConfig } from './config.js';

export * from './auth.js';
export * from './client.js';
export * from './config.js';
export * from './errors.js';
export { normalizePhone } from './phone.js';
export * from './webhook.js';

/** The amoCRM client and its auth, built from the config (the service passes the kv token store). */
export function createAmoCrm(
  config: Extract<AmoCrmConfig, { enabled: true }>,
  deps: { tokenStore: AmoTokenStore; fetch?: FetchLike; logger?: Logger; leadIdFieldId?: number },
): { client: AmoCrmClient; auth: AmoAuth } {
  const auth =
    config.auth.kind === 'long-lived'
      ? new LongLivedAuth(config.auth.token)
      : new OAuthAuth({
          baseUrl: config.baseUrl,
          ...config.auth,
          store: deps.tokenStore,
          fetch: deps.fetch,
          logger: deps.logger,
        });
  const client = new AmoCrmClient({
    baseUrl: config.baseUrl,
    auth,
    leadIdFieldId: deps.leadIdFieldId ?? config.leadIdFieldId,
    fetch: deps.fetch,
    logger: deps.logger,
  });
  return { client, auth };
}
