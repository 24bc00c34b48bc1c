import { randomBytes } from 'node:crypto';
import type { KvRepository } from '../store/port.js';
import type { AvitoClient } from './client.js';
import { WEBHOOK_PATH } from './webhook.js';

const SECRET_KV_KEY = 'avito:webhook-secret';

/**
 * The secret path segment of our webhook URL: `AVITO_WEBHOOK_SECRET` when set, else generated once
 * (32 random bytes) and kept in the store so every instance and restart uses the same URL.
 */
export async function resolveWebhookSecret(
  configured: string | undefined,
  kv: KvRepository,
): Promise<string> {
  if (configured) return configured;
  await kv.setIfAbsent(SECRET_KV_KEY, randomBytes(32).toString('base64url'));
  const secret = await kv.get<string>(SECRET_KV_KEY);
  if (!secret) throw new Error('could not keep the generated Avito webhook secret in the store');
  return secret;
}

export function webhookUrl(publicUrl: string, secret: string): string {
  return `${publicUrl.replace(/\/+$/, '')}${WEBHOOK_PATH}/${secret}`;
}

/** Shows a webhook URL without its secret (for logs and owner messages). */
export function maskWebhookUrl(url: string): string {
  return url.replace(/(\/avito\/webhook\/)[^/?#]+/, '$1…');
}

export type SubscriptionState = 'subscribed' | 'resubscribed';

/** Checks that `url` is among Avito's subscriptions and subscribes it if not. */
export async function ensureSubscribed(
  client: Pick<AvitoClient, 'subscriptions' | 'subscribe'>,
  url: string,
): Promise<SubscriptionState> {
  const current = await client.subscriptions();
  if (current.some((s) => s.url === url)) return 'subscribed';
  await client.subscribe(url);
  return 'resubscribed';
}
