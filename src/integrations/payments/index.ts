import type { FetchLike } from '../../lib/http.js';
import type { Logger } from '../../logger.js';
import { YooKassaClient } from './client.js';
import type { YooKassaConfig } from './config.js';

export * from './client.js';
export * from './config.js';
export * from './errors.js';
export * from './idempotence.js';
export * from './ip-allowlist.js';
export * from './money.js';
export * from './notifications.js';
export * from './receipt.js';

/** The YooKassa client built from the config. */
export function createYooKassaClient(
  config: Extract<YooKassaConfig, { enabled: true }>,
  deps: { fetch?: FetchLike; logger?: Logger } = {},
): YooKassaClient {
  return new YooKassaClient({
    shopId: config.shopId,
    secretKey: config.secretKey,
    apiBase: config.apiBase,
    ...deps,
  });
}
